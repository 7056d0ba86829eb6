import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../service/usage-error.ts';

export { UsageError };

/** One `swarmdrop <name>` sub-command. `run` gets the arguments after the name. */
export interface CliCommand {
  /** One line for the command list. */
  readonly summary: string;
  run(argv: string[]): Promise<number>;
}

/**
 * The sub-command `swarmdrop <name>`: a `UsageError` from `run` is printed as
 * `swarmdrop <name>: message` followed by `help`, with exit code 2; any other error
 * propagates to main.ts (one line, exit 1).
 */
export function cliCommand(
  name: string,
  summary: string,
  help: string,
  run: (argv: string[]) => Promise<number>,
): CliCommand {
  return {
    summary,
    async run(argv) {
      try {
        return await run(argv);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        console.error(`swarmdrop ${name}: ${err.message}\n\n${help}`);
        return 2;
      }
    },
  };
}

/** `parseArgs`, with its errors (unknown flag, missing value) turned into `UsageError`s. */
export function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
