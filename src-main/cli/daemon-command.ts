/**
 * `swarmdrop daemon`: the engine with no Electron. Serves the renderer and the contract
 * over HTTP + WebSocket, runs the embedded tracker, and prints one line
 * `web UI on http://H:P/?token=T` once everything listens: the token (kept in the data
 * dir, access-token.ts) is what lets that address, and only it, drive the daemon.
 *
 * A sub-command of the CLI like the others; the daemon's own parts (web server, static
 * files, access checks) live in src-main/daemon/, which never imports the CLI.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand } from './cli-command.ts';
import { HOST_FLAG_OPTIONS, HOST_FLAGS_HELP, hostFlagsFrom, parsePort } from '../service/host-flags.ts';
import { defaultDataDir, defaultDownloadDir } from '../service/host-paths.ts';
import { AppService } from '../service/app-service.ts';
import { desktopOpenCommand } from '../service/desktop-open.ts';
import { realServiceDeps } from '../service/real-deps.ts';
import { loadAccessToken } from '../daemon/access-token.ts';
import { WebServer } from '../daemon/web-server.ts';
import packageJson from '../../package.json' with { type: 'json' };

const help = `usage: swarmdrop daemon [options]

Runs Swarmdrop without a window: the engine, the embedded tracker and the web UI.

options:
  --web HOST:PORT           where the web UI listens (default 127.0.0.1:9080); the
                            printed address carries the access token it needs
  --new-token               replace the access token (addresses printed before stop working)
${HOST_FLAGS_HELP}`;

export function parseWebAddress(value: string): { host: string; port: number } {
  const m = value.match(/^\[([^\]]+)\]:(\d+)$/) ?? value.match(/^([^:]+):(\d+)$/);
  if (m) return { host: m[1]!, port: parsePort(m[2]!, '--web') };
  if (/^\d+$/.test(value)) return { host: '127.0.0.1', port: parsePort(value, '--web') };
  throw new UsageError(`--web needs HOST:PORT, e.g. 127.0.0.1:9080, got '${value}'`);
}

/** dist/renderer next to the bundle (dist/cli/main.js), or from the source tree. */
export function findRendererDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../renderer'), path.resolve(here, '../../dist/renderer')];
  return candidates.find((d) => existsSync(path.join(d, 'index.html'))) ?? candidates[0]!;
}

export const daemonCommand: CliCommand = {
  summary: 'run the engine, embedded tracker and web UI without a window',
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        options: {
          ...HOST_FLAG_OPTIONS,
          web: { type: 'string' },
          'new-token': { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
        strict: true,
      });
    } catch (err) {
      console.error(`${(err as Error).message}\n\n${help}`);
      return 2;
    }
    if (parsed.values.help) {
      console.log(help);
      return 0;
    }
    let web;
    let flags;
    try {
      web = parseWebAddress(parsed.values.web ?? '127.0.0.1:9080');
      flags = hostFlagsFrom(parsed.values, process.env);
    } catch (err) {
      if (err instanceof UsageError) {
        console.error(`${err.message}\n\n${help}`);
        return 2;
      }
      throw err;
    }
    const rendererDir = findRendererDir();
    if (!existsSync(path.join(rendererDir, 'index.html'))) {
      console.error(
        `swarmdrop daemon: the web UI is not built (${rendererDir} is missing); run \`npm run build\` first`,
      );
      return 1;
    }
    const dataDir = flags.dataDir ?? defaultDataDir();
    const service = await AppService.open(
      {
        host: 'daemon',
        version: packageJson.version,
        dataDir,
        defaultDownloadDir: defaultDownloadDir(flags.dataDir),
        overrides: flags.overrides,
        verbose: flags.verbose,
        hostCommands: {
          openPath: desktopOpenCommand((id) => {
            const detail = service.session.detail(id);
            return { ...detail.summary, files: detail.files };
          }),
        },
      },
      realServiceDeps(),
    );
    let server: WebServer;
    let access;
    try {
      access = await loadAccessToken(dataDir, { renew: parsed.values['new-token'] === true });
      server = await WebServer.start(service, {
        host: web.host,
        port: web.port,
        rendererDir,
        token: access.token,
      });
    } catch (err) {
      await service.close();
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        console.error(
          `swarmdrop daemon: port ${web.port} on ${web.host} is already in use; pick another with --web HOST:PORT`,
        );
        return 1;
      }
      throw err;
    }
    service.startRestore();
    // Listen for the stop signal before saying we are ready: a SIGTERM sent the moment the
    // address appears must still close the service (and remove the router's port mapping).
    const stopped = new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    console.log(`web UI on ${server.url}`);
    for (const url of server.otherUrls()) console.log(`also on ${url}`);
    console.log(
      `(the token in this address is kept in ${access.file}; \`swarmdrop daemon --new-token\` replaces it)`,
    );
    await stopped;
    await server.close();
    await service.close();
    return 0;
  },
};
