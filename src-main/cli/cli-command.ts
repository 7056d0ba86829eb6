/** One `swarmdrop <name>` sub-command. `run` gets the arguments after the name. */
export interface CliCommand {
  /** One line for the command list. */
  readonly summary: string;
  run(argv: string[]): Promise<number>;
}

/** A usage error: printed with the command's help, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
