// The log of one `swarmdrop share` / `get` run: JSON lines into <data-dir>/logs/cli.log
// (rotated), and on stderr the warnings a user should see, or everything with --verbose.
// Text lines go through `printLine`, which a progress bar takes over so that a warning
// is printed above the bar instead of through it.
import { openHostLogger, type HostLogger } from '../service/log/logger.ts';

export interface CliLog {
  readonly logger: HostLogger;
  /** Where stderr lines go from now on (a progress bar's `log`); null: stderr again. */
  setPrinter(print: ((line: string) => void) | null): void;
}

const toStderr = (line: string): void => void process.stderr.write(`${line}\n`);

export function openCliLog(command: string, options: { dataDir: string; verbose: boolean }): CliLog {
  let print: (line: string) => void = toStderr;
  const logger = openHostLogger({
    dataDir: options.dataDir,
    name: 'cli',
    prefix: `swarmdrop ${command}`,
    fileLevel: options.verbose ? 'debug' : 'info',
    textLevel: options.verbose ? 'debug' : 'warn',
    writeLine: (line) => print(line),
    base: { pid: process.pid, command },
  });
  return {
    logger,
    setPrinter(p) {
      print = p ?? toStderr;
    },
  };
}
