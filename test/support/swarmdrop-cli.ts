// The `swarmdrop` CLI as a test subject: bundled from src-main/cli/main.ts into a folder
// private to this test process (so parallel test files that rebuild dist/ can never hand
// us a half-written bundle), then run as child processes with the bench's TrackedChild.
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { TrackedChild } from '../../harness/tracked-child.ts';
import { repoRoot } from './interop-harness.ts';

const run = promisify(execFile);

export interface BuiltCli {
  /** `node` + this script runs the CLI. */
  readonly script: string;
  /** Why `commands` cannot run yet (not registered), or undefined. */
  missing(...commands: string[]): string | undefined;
  /** Idempotent. */
  remove(): Promise<void>;
}

/**
 * Bundles the CLI the way scripts/build.mjs does, below node_modules/.cache (so the
 * bundle's external packages resolve from the repo's node_modules), and lists the
 * sub-commands its help prints.
 */
export async function buildCli(): Promise<BuiltCli> {
  const dir = path.join(
    repoRoot,
    'node_modules/.cache',
    `swarmdrop-test-cli-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  await mkdir(dir, { recursive: true });
  await build({
    entryPoints: [path.join(repoRoot, 'src-main/cli/main.ts')],
    outfile: path.join(dir, 'main.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'error',
    banner: {
      js: "import { createRequire as __swarmdropCreateRequire } from 'node:module'; const require = __swarmdropCreateRequire(import.meta.url);",
    },
  });
  const script = path.join(dir, 'swarmdrop.mjs');
  await writeFile(
    script,
    "import { main } from './main.js';\nprocess.exitCode = await main(process.argv.slice(2));\n",
  );
  const { stdout } = await run(process.execPath, [script, 'help'], { timeout: 20_000 });
  // The usage text lists one `  <name>  <summary>` line per command after "commands:".
  const section = stdout.split(/^commands:\s*$/m)[1] ?? '';
  const registered = new Set([...section.matchAll(/^ {2}(\S+)\s/gm)].map((m) => m[1]!));
  let removed: Promise<void> | undefined;
  return {
    script,
    missing(...commands) {
      const absent = commands.filter((c) => !registered.has(c));
      return absent.length === 0
        ? undefined
        : `swarmdrop ${absent.join(', ')} not registered in src-main/cli/main.ts`;
    },
    remove() {
      removed ??= rm(dir, { recursive: true, force: true });
      return removed;
    },
  };
}

/**
 * For a test file at module level: the CLI built, when `toolsPresent` and it registers
 * every one of `commands`; otherwise undefined, so the file's tests are skipped (with the
 * reason printed). Under CI a command not registered yet is an error instead.
 */
export async function buildCliFor(
  toolsPresent: boolean,
  ...commands: string[]
): Promise<BuiltCli | undefined> {
  if (!toolsPresent) return undefined;
  const cli = await buildCli();
  const notReady = cli.missing(...commands);
  if (notReady === undefined) return cli;
  await cli.remove();
  if (process.env.CI) throw new Error(notReady);
  console.warn(`SKIPPED: ${notReady}`);
  return undefined;
}

/**
 * `node <cli> ...args` as a tracked child. `debug` sets SWARMDROP_DEBUG (stack traces on
 * stderr, for diagnosing failures); without it stderr is exactly what a user sees.
 */
export function spawnCli(cli: BuiltCli, name: string, args: string[], debug = true): TrackedChild {
  const env = { ...process.env };
  if (debug) env.SWARMDROP_DEBUG = '1';
  else delete env.SWARMDROP_DEBUG;
  return new TrackedChild(name, process.execPath, [cli.script, ...args], { env });
}

/** Flags that keep a `share`/`get` peer on loopback (or `host`) with an ephemeral port and its own data folder. */
export function loopbackPeerFlags(dataDir: string, host = '127.0.0.1'): string[] {
  return ['--host', host, '--port', '0', '--data-dir', dataDir];
}

/** How `child` exited, or 'timeout' when it is still running after `timeoutMs` (it is not stopped). */
export async function exitOrTimeout(
  child: TrackedChild,
  timeoutMs: number,
): Promise<Awaited<TrackedChild['exited']> | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([child.exited, timedOut]);
  clearTimeout(timer);
  return outcome;
}

export interface CliPeerOptions {
  tracker: string;
  /** Resume data folder (`--data-dir`), private to this process. */
  dataDir: string;
  /** `--encryption` (default: the CLI's, prefer). */
  encryption?: 'prefer' | 'require' | 'off';
  /** `--host` (default 127.0.0.1). */
  host?: string;
}

function encryptionFlags(o: CliPeerOptions): string[] {
  return o.encryption ? ['--encryption', o.encryption] : [];
}

export interface RunningShare {
  readonly child: TrackedChild;
  /** The magnet link `share` printed. */
  readonly magnet: string;
  /** Hex info-hash, from the magnet. */
  readonly infoHashHex: string;
  stop(): Promise<void>;
}

/**
 * `swarmdrop share PATH... --tracker URL --host 127.0.0.1 --port 0 [--torrent-out F]
 * --piece-length 256K`: resolves once it has printed its magnet link (hashed, seeding).
 */
export async function startShare(
  cli: BuiltCli,
  paths: string[],
  o: CliPeerOptions & {
    torrentOut?: string;
    pieceLength?: string;
    timeoutMs?: number;
    /** More `share` flags, e.g. `['--name', 'pack']`. */
    extraArgs?: string[];
  },
): Promise<RunningShare> {
  const args = [
    'share',
    ...paths,
    '--tracker',
    o.tracker,
    ...loopbackPeerFlags(o.dataDir, o.host),
    ...encryptionFlags(o),
  ];
  if (o.torrentOut) args.push('--torrent-out', o.torrentOut);
  args.push('--piece-length', o.pieceLength ?? '256K', ...(o.extraArgs ?? []));
  const child = spawnCli(cli, 'swarmdrop share', args);
  try {
    const line = await child.waitFor(
      (e) => /^magnet:\?\S+$/.test(e.line.trim()),
      o.timeoutMs ?? 30_000,
      'magnet link',
    );
    const magnet = line.line.trim();
    const hash = /xt=urn:btih:([0-9a-fA-F]{40})/.exec(magnet)?.[1];
    if (!hash) throw new Error(`swarmdrop share printed a magnet without a hex info-hash: ${magnet}`);
    return { child, magnet, infoHashHex: hash.toLowerCase(), stop: () => child.stop() };
  } catch (err) {
    await child.stop();
    throw err;
  }
}

export interface GetResult {
  /** Every stdout line, for diagnosis. */
  stdout: string[];
}

/**
 * `swarmdrop get SOURCE --tracker URL --out DIR --no-seed`: resolves when it exits 0
 * (complete and verified); rejects with its output on a non-zero exit or after
 * `timeoutMs` (then it is killed). `track` registers the child for clean-up.
 */
export async function runGet(
  cli: BuiltCli,
  source: string,
  o: CliPeerOptions & { out: string; timeoutMs: number; track?: (child: { stop(): Promise<void> }) => void },
): Promise<GetResult> {
  const args = [
    'get',
    source,
    '--tracker',
    o.tracker,
    '--out',
    o.out,
    '--no-seed',
    ...loopbackPeerFlags(o.dataDir, o.host),
    ...encryptionFlags(o),
  ];
  const child = spawnCli(cli, 'swarmdrop get', args);
  o.track?.(child);
  const outcome = await exitOrTimeout(child, o.timeoutMs);
  const stdout = child.allEvents().map((e) => e.line);
  if (outcome === 'timeout') {
    await child.stop();
    throw new Error(
      `swarmdrop get did not finish within ${o.timeoutMs / 1000} s; last output: ${tail(stdout)} | stderr: ${child.stderr()}`,
    );
  }
  if (outcome.code !== 0) {
    throw new Error(
      `swarmdrop get exited ${outcome.code ?? outcome.signal}: ${child.stderr()} | stdout: ${tail(stdout)}`,
    );
  }
  return { stdout };
}

function tail(lines: string[]): string {
  return lines.slice(-5).join(' | ');
}
