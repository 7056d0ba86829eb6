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
    throw new UsageError(usageWords(err as Error & { code?: string }));
  }
}

/**
 * Node's parseArgs messages, said the way the rest of the CLI speaks. Its unknown-option
 * text ends in a quote it never closes and suggests `--` to people who mistyped a flag.
 */
function usageWords(err: Error & { code?: string }): string {
  const flag = /'(-[^']*)'/.exec(err.message)?.[1];
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag)
    return `unknown option ${flag} (see --help for the options)`;
  const longFlag = /--[\w-]+/.exec(flag ?? '')?.[0] ?? flag;
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && longFlag)
    return `option ${longFlag} needs a value`;
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
    return `unexpected argument (${err.message.replace(/^.*?'([^']*)'.*$/s, '$1')})`;
  return err.message;
}
