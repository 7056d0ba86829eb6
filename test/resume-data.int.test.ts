// What `swarmdrop get` says about data it did not hash in this run, and what it does with
// resume records it cannot use. Real CLI processes, real files, sockets on 127.0.0.1.
import { execFile } from 'node:child_process';
import { open as openFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackedChild } from '../harness/tracked-child.ts';
import { TrackerServer } from '../src-main/tracker/server/index.ts';
import { cleanupAfterEach, sha256File, startEngineEnv, writeRandomFile } from './engine-harness.ts';
import {
  buildCli,
  exitOrTimeout,
  loopbackPeerFlags,
  spawnCli,
  startShare,
  type BuiltCli,
} from './support/swarmdrop-cli.ts';

const run = promisify(execFile);
const MiB = 1024 * 1024;

describe('resume data as `get` reports it', () => {
  let cli: BuiltCli;
  beforeAll(async () => {
    cli = await buildCli();
  }, 60_000);
  afterAll(async () => {
    await cli?.remove();
  });
  const defer = cleanupAfterEach();

  /** A shared 2 MiB file and a `get` that runs to completion into `out` with `data` kept between runs. */
  async function setup() {
    const env = await startEngineEnv(defer);
    // CLI peers announce every 10 s at the most: a tracker forgetting peers after 2 s (the
    // engine harness's, for in-process sessions) would hide the seeder most of the time.
    const tracker = new TrackerServer({ intervalSec: 10 });
    const { port } = await tracker.listen({ host: '127.0.0.1', port: 0 });
    defer(() => tracker.close());
    const source = path.join(env.dir, 'src', 'payload.bin');
    await writeRandomFile(source, 2 * MiB);
    const torrent = path.join(env.dir, 'payload.torrent');
    const share = await startShare(cli, [source], {
      tracker: `udp://127.0.0.1:${port}`,
      dataDir: path.join(env.dir, 'share-data'),
      pieceLength: '64K',
      torrentOut: torrent,
    });
    defer(() => share.stop());
    const out = path.join(env.dir, 'out');
    const data = path.join(env.dir, 'get-data');
    const get = async (...extra: string[]): Promise<{ child: TrackedChild; stdout: string[] }> => {
      const args = ['get', torrent, '--out', out, '--no-seed', ...extra, ...loopbackPeerFlags(data)];
      const child = spawnCli(cli, 'swarmdrop get', args, false);
      defer(() => child.stop());
      const outcome = await exitOrTimeout(child, 120_000);
      const stdout = child.allEvents().map((e) => e.line);
      if (outcome === 'timeout' || outcome.code !== 0)
        throw new Error(`get failed: ${JSON.stringify(outcome)} ${child.stderr()} | ${stdout.join(' | ')}`);
      return { child, stdout };
    };
    const resumeFile = path.join(data, 'resume', `${share.infoHashHex}.json`);
    return { source, out, data, torrent, get, resumeFile, downloaded: path.join(out, 'payload.bin') };
  }

  it('a same-size, same-mtime edit of a completed file resumes as "complete (resumed)", not "verified"; --recheck finds and repairs it', async () => {
    const t = await setup();
    const first = await t.get();
    expect(first.stdout.join('\n')).toMatch(/^complete: .*payload\.bin \(2097152 bytes, verified\)$/m);

    // Edit 4 KiB in place and put the exact old timestamps back (touch -r keeps nanoseconds).
    const reference = `${t.downloaded}.times`;
    await writeFile(reference, '');
    await run('touch', ['-r', t.downloaded, reference]);
    const handle = await openFile(t.downloaded, 'r+');
    await handle.write(Buffer.alloc(4096, 0x5a), 0, 4096, MiB);
    await handle.close();
    await run('touch', ['-r', reference, t.downloaded]);

    const resumed = await t.get();
    const line = resumed.stdout.join('\n');
    expect(line).toMatch(
      /^complete \(resumed\): .*payload\.bin \(2097152 bytes; 32 pieces from the last run not hashed again, --recheck hashes them\)$/m,
    );
    expect(line).not.toContain('verified');

    const rechecked = await t.get('--recheck');
    expect(rechecked.stdout.join('\n')).toMatch(/^complete: .*payload\.bin \(2097152 bytes, verified\)$/m);
    expect(await sha256File(t.downloaded)).toBe(await sha256File(t.source));
  }, 400_000);

  it('a `get` stopped mid-download by a signal closes cleanly, and the next `get` keeps the pieces it had', async () => {
    const t = await setup();
    // Slow enough (2 MiB at 256 KiB/s) that the signal lands mid-download.
    const args = ['get', t.torrent, '--out', t.out, '--no-seed', '--events', '--download-limit', '256K'];
    const child = spawnCli(cli, 'swarmdrop get (stopped)', [...args, ...loopbackPeerFlags(t.data)], false);
    defer(() => child.stop());
    // `--events` prints the verified bytes every second: stop once six 64 KiB pieces are in.
    const sixPieces = (e: { json?: Record<string, unknown> }) =>
      e.json?.event === 'totals' && Number(e.json.verifiedBytes) >= 6 * 64 * 1024;
    await child.waitFor(sixPieces, 120_000, 'six verified pieces');
    await child.stop(30_000);
    const exit = await child.exited;
    expect(exit).toEqual({ code: 143, signal: null });
    expect(child.stderr()).toMatch(
      /swarmdrop get: stopped by SIGTERM at \d+\.\d%; the same command continues from there/,
    );
    expect(child.allEvents().some((e) => e.json?.event === 'complete')).toBe(false);

    const resumed = await t.get();
    const line = resumed.stdout.join('\n');
    const kept = /complete \(resumed\): .*\(2097152 bytes; (\d+) pieces? from the last run/.exec(line);
    expect(kept, line).not.toBeNull();
    expect(Number(kept![1])).toBeGreaterThanOrEqual(6);
    expect(await sha256File(t.downloaded)).toBe(await sha256File(t.source));
  }, 300_000);

  it('a corrupt resume record is reported once and costs a full check, not the download', async () => {
    const t = await setup();
    await t.get();
    await writeFile(t.resumeFile, '{"version": 1, "infoHash');
    const again = await t.get();
    const warnings = again.child
      .stderr()
      .split(' | ')
      .filter((l) => l.includes('warning: resume data of'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('(corrupt)');
    expect(warnings[0]).toContain('checking the files on disk instead');
    // Hashed from disk in this run: honestly "verified".
    expect(again.stdout.join('\n')).toMatch(/^complete: .*\(2097152 bytes, verified\)$/m);
  }, 300_000);

  it('an oversize resume record is not read: reported as corrupt, the files are checked instead', async () => {
    const t = await setup();
    await t.get();
    // Sparse: 200 MiB that takes no disk, which a whole-file read would still allocate.
    await truncate(t.resumeFile, 200 * MiB);
    const again = await t.get();
    expect(again.child.stderr()).toMatch(
      /warning: resume data of .* unusable \(corrupt\): .*209715200 bytes, more than the 33554432/,
    );
    expect(again.stdout.join('\n')).toMatch(/^complete: .*\(2097152 bytes, verified\)$/m);
  }, 300_000);
});
