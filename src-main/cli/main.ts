// The `swarmdrop` command: parses the sub-command and hands off to its module.
// Every sub-command is a `CliCommand`: it returns the process exit code.
//
// Each command's module is loaded only when it runs (the build splits them into chunks):
// `swarmdrop create` then starts in ~60 ms instead of ~120 ms spent evaluating the
// daemon, engine and IPC schemas it never uses, which was a fifth of creating a 1 GiB
// torrent (docs/PERFORMANCE.md). The full list is loaded only to print it.
import type { CliCommand } from './cli-command.ts';

const loaders: Record<string, () => Promise<CliCommand>> = {
  create: async () => (await import('./create-command.ts')).createCommand,
  tracker: async () => (await import('./tracker-command.ts')).trackerCommand,
  list: async () => (await import('./list-command.ts')).listCommand,
  daemon: async () => (await import('./daemon-command.ts')).daemonCommand,
  share: async () => (await import('./share-command.ts')).shareCommand,
  get: async () => (await import('./get-command.ts')).getCommand,
};

async function usage(): Promise<string> {
  const commands = await Promise.all(
    Object.entries(loaders).map(async ([name, load]) => [name, await load()] as const),
  );
  return `usage: swarmdrop <command> [options]

commands:
${commands.map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`).join('\n')}

Run \`swarmdrop <command> --help\` for a command's options.`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(await usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    console.log(process.env.npm_package_version ?? '0.1.0');
    return 0;
  }
  const load = Object.hasOwn(loaders, name) ? loaders[name] : undefined;
  if (!load) {
    console.error(`swarmdrop: unknown command '${name}'\n\n${await usage()}`);
    return 2;
  }
  try {
    return await (await load()).run(rest);
  } catch (err) {
    // Errors that reach here are reported in one line; a stack only with SWARMDROP_DEBUG.
    const message = err instanceof Error ? err.message : String(err);
    console.error(`swarmdrop ${name}: ${message}`);
    if (process.env.SWARMDROP_DEBUG && err instanceof Error) console.error(err.stack);
    return 1;
  }
}
