// What `swarmdrop get` tells its user and writes to its log: --verbose debug lines, hash
// failures and bans from a corrupt seeder on stderr, the JSON log in <data-dir>/logs/, and
// a clear `no-space` failure, before anything is written, when the download cannot fit.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostilePeer } from './engine-hostile-peer.ts';
import { cleanupAfterEach, startEngineEnv, writeRandomFile } from './engine-harness.ts';
import { buildCli, loopbackPeerFlags, type BuiltCli } from './support/swarmdrop-cli.ts';

const MiB = 1024 * 1024;

interface CliRun {
  code: number | null;
  stdout: string[];
  stderr: string[];
}

/** Runs the CLI to its end, keeping every line of both streams (not a TTY: no progress bar). */
function runCli(cli: BuiltCli, args: string[], timeoutMs: number): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.SWARMDROP_DEBUG;
    const child = spawn(process.execPath, [cli.script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`swarmdrop ${args[0]} still running after ${timeoutMs} ms; stderr: ${err.slice(-2000)}`),
      );
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: out.split('\n').filter(Boolean), stderr: err.split('\n').filter(Boolean) });
    });
  });
}

async function logEntries(dataDir: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path.join(dataDir, 'logs', 'cli.log'), 'utf8');
  return text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('swarmdrop get: logs and what the user sees', () => {
  let cli: BuiltCli;
  beforeAll(async () => {
    cli = await buildCli();
  }, 60_000);
  afterAll(async () => {
    await cli?.remove();
  });
  const defer = cleanupAfterEach();

  it('--verbose prints debug lines on stderr and writes them to <data-dir>/logs/cli.log', async () => {
    const { dir, open } = await startEngineEnv(defer);
    const source = path.join(dir, 'src', 'v.bin');
    await writeRandomFile(source, MiB);
    const seeder = await open('seeder');
    const shared = await seeder.share([source], { pieceLengthBytes: 64 * 1024 });
    const dataDir = path.join(dir, 'd');
    const run = await runCli(
      cli,
      [
        'get',
        shared.magnet,
        '--out',
        path.join(dir, 'out'),
        '--no-seed',
        '--verbose',
        ...loopbackPeerFlags(dataDir),
      ],
      60_000,
    );
    expect(run.code, run.stderr.join('\n')).toBe(0);
    const debug = run.stderr.filter((l) => l.startsWith('swarmdrop get: debug: '));
    expect(
      debug.some((l) => /^swarmdrop get: debug: session open peerPort=\d+/.test(l)),
      debug.join('\n'),
    ).toBe(true);
    expect(debug.some((l) => l.includes(`first verified piece torrentId=${shared.id}`))).toBe(true);
    const entries = await logEntries(dataDir);
    expect(entries.some((e) => e.level === 'debug' && e.msg === 'session open')).toBe(true);
    expect(
      entries.some((e) => e.level === 'info' && e.msg === 'download complete' && e.torrentId === shared.id),
    ).toBe(true);
    expect(entries.every((e) => e.command === 'get' && typeof e.time === 'string')).toBe(true);
  });

  it('without --verbose: no debug lines, but hash failures and the ban of a corrupt seeder are printed, naming it', async () => {
    const { dir, open } = await startEngineEnv(defer);
    const source = path.join(dir, 'src', 'payload.bin');
    await writeRandomFile(source, MiB);
    // The honest seeder is slow, so the hostile one gets asked for plenty of pieces.
    const seeder = await open('seeder', { rateLimits: { uploadBps: 256 * 1024 } });
    const shared = await seeder.share([source], { pieceLengthBytes: 32 * 1024 });
    const hostile = await startHostilePeer(Buffer.from(shared.id, 'hex'));
    defer(() => hostile.close());
    const bad = `127.0.0.1:${hostile.port}`;
    const dataDir = path.join(dir, 'd');
    const run = await runCli(
      cli,
      [
        'get',
        `${shared.magnet}&x.pe=${bad}`,
        '--out',
        path.join(dir, 'out'),
        '--no-seed',
        ...loopbackPeerFlags(dataDir),
      ],
      90_000,
    );
    expect(run.code, run.stderr.join('\n')).toBe(0);
    expect(run.stderr.filter((l) => l.includes(': debug: '))).toEqual([]);
    const hashLines = run.stderr.filter((l) =>
      /^swarmdrop get: warning: piece \d+ failed its hash check \(data from .+\)$/.test(l),
    );
    expect(hashLines.length, run.stderr.join('\n')).toBeGreaterThan(0);
    expect(hashLines.some((l) => l.includes(bad))).toBe(true);
    expect(run.stderr).toContain(
      `swarmdrop get: warning: banned ${bad}: it sent pieces that failed their hash check`,
    );
    // The log has them as entries with their code and peer as fields.
    const entries = await logEntries(dataDir);
    expect(entries.some((e) => e.code === 'hash-failed' && typeof e.piece === 'number')).toBe(true);
    expect(entries.some((e) => e.code === 'peer-banned' && e.peer === bad && e.level === 'warn')).toBe(true);
  });

  it('a download that does not fit fails with no-space before writing anything', async (ctx) => {
    const { dir, open } = await startEngineEnv(defer);
    const small = path.join(dir, 'small-disk');
    await mkdir(small);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small], { stdio: 'pipe' });
    } catch (err) {
      const reason = `cannot mount a 1 MiB tmpfs here (${(err as Error).message.split('\n')[0]}): needs root`;
      console.warn(`SKIPPED: ${reason}`);
      ctx.skip(reason);
      return;
    }
    defer(async () => {
      execFileSync('umount', [small]);
      await rmdir(small);
    });
    const source = path.join(dir, 'src', 'big.bin');
    await writeRandomFile(source, 3 * MiB);
    const seeder = await open('seeder');
    const shared = await seeder.share([source], { pieceLengthBytes: 64 * 1024 });
    // A magnet: the size is only known once the metadata has arrived from the seeder.
    const run = await runCli(
      cli,
      ['get', shared.magnet, '--out', small, '--no-seed', ...loopbackPeerFlags(path.join(dir, 'd'))],
      60_000,
    );
    expect(run.code).toBe(1);
    // One line, said once (not also as a logged error).
    expect(run.stderr).toEqual([
      expect.stringMatching(
        /^swarmdrop get: no-space: not enough free space in .*small-disk: 3\.00 MiB still to download, 1\.00 MiB free$/,
      ),
    ]);
    expect(await readdir(small)).toEqual([]);
  });
});
