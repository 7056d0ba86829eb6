// The `swarmdrop` command: parses the sub-command and hands off to its module.
// Every sub-command is a `CliCommand`: it returns the process exit code.
import type { CliCommand } from './cli-command.ts';
import { createCommand } from './create-command.ts';
import { trackerCommand } from './tracker-command.ts';
import { listCommand } from './list-command.ts';
import { daemonCommand } from '../daemon/daemon-command.ts';
import { shareCommand } from './share-command.ts';
import { getCommand } from './get-command.ts';

const commands: Record<string, CliCommand> = {
  create: createCommand,
  tracker: trackerCommand,
  list: listCommand,
  daemon: daemonCommand,
  share: shareCommand,
  get: getCommand,
};

const usage = `usage: swarmdrop <command> [options]

commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run \`swarmdrop <command> --help\` for a command's options.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    console.log(process.env.npm_package_version ?? '0.1.0');
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`swarmdrop: unknown command '${name}'\n\n${usage}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    // Errors that reach here are reported in one line; a stack only with SWARMDROP_DEBUG.
    const message = err instanceof Error ? err.message : String(err);
    console.error(`swarmdrop ${name}: ${message}`);
    if (process.env.SWARMDROP_DEBUG && err instanceof Error) console.error(err.stack);
    return 1;
  }
}
