// `swarmdrop share` and `swarmdrop get` as processes: catalog publish and lookup by name,
// --json, clean shutdown, crash (SIGKILL) and resume, and clear failures.
import { createSocket } from 'node:dgram';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackedChild } from '../harness/tracked-child.ts';
import { bencode } from '../src-main/protocol/bencode.ts';
import { makeTempDir } from './support/temp-dir.ts';
import {
  buildCli,
  exitOrTimeout,
  loopbackPeerFlags,
  spawnCli,
  type BuiltCli,
} from './support/swarmdrop-cli.ts';
import { cleanupAfterEach, sha256File, startEngineEnv, waitFor, writeRandomFile } from './engine-harness.ts';

const MiB = 1024 * 1024;

async function waitUntil(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('swarmdrop share / get', () => {
  let cli: BuiltCli;
  beforeAll(async () => {
    cli = await buildCli();
  }, 60_000);
  afterAll(async () => {
    await cli?.remove();
  });
  const defer = cleanupAfterEach();

  /** The CLI as a child stopped after the test; `debug`: stack traces on stderr (SWARMDROP_DEBUG). */
  function startCli(name: string, args: string[], debug = true): TrackedChild {
    const child = spawnCli(cli, name, args, debug);
    defer(() => child.stop());
    return child;
  }

  async function exitOf(child: TrackedChild, timeoutMs: number): Promise<number | null> {
    const outcome = await exitOrTimeout(child, timeoutMs);
    if (outcome === 'timeout')
      throw new Error(`${child.name} still running after ${timeoutMs} ms: ${child.stderr()}`);
    return outcome.code;
  }

  it('shares, publishes to the catalog, and gets by catalog name with --json', async () => {
    const { dir, tracker } = await startEngineEnv(defer);
    const source = path.join(dir, 'src', 'holiday photos.tar');
    await writeRandomFile(source, 3 * MiB + 5);
    const share = startCli('share', [
      'share',
      source,
      '--tracker',
      tracker.url,
      ...loopbackPeerFlags(path.join(dir, 'd1')),
      '--piece-length',
      '64K',
    ]);
    const magnetLine = await share.waitFor((e) => e.line.startsWith('magnet:?'), 30_000, 'magnet link');
    expect(magnetLine.line).toMatch(/^magnet:\?xt=urn:btih:[0-9a-f]{40}&dn=holiday%20photos\.tar&tr=udp/);
    // The magnet comes first; the catalog entry follows once the tracker saw us seed.
    await waitUntil(
      'the catalog entry',
      () => tracker.server.snapshot().catalog.some((e) => e.name === 'holiday photos.tar'),
      30_000,
    );
    const out = path.join(dir, 'out');
    const get = startCli('get', [
      'get',
      'holiday photos.tar',
      '--tracker',
      tracker.url,
      '--out',
      out,
      '--no-seed',
      '--json',
      ...loopbackPeerFlags(path.join(dir, 'd2')),
    ]);
    expect(await exitOf(get, 45_000)).toBe(0);
    const docs = get.allEvents().filter((e) => e.json);
    expect(docs.length).toBe(1);
    const doc = docs[0]!.json as { infoHash: string; name: string; sizeBytes: number; path: string };
    expect(doc.name).toBe('holiday photos.tar');
    expect(doc.sizeBytes).toBe(3 * MiB + 5);
    expect(magnetLine.line).toContain(doc.infoHash);
    expect(await sha256File(doc.path)).toBe(await sha256File(source));
    // The sharer is told someone downloaded, and what they got once they left.
    await waitUntil(
      '"left after receiving 3.00 MiB"',
      () => share.stderrHas('left after receiving 3.00 MiB'),
      10_000,
    );
    // SIGTERM: announces `stopped`, saves resume data, exits 0.
    await share.stop();
    expect(await exitOf(share, 10_000)).toBe(0);
  });

  it('share prints the magnet at once when the tracker never answers, and still stops at once', async () => {
    const { dir } = await startEngineEnv(defer);
    // A bound UDP socket that never answers: no announce, no catalog.
    const silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r));
    defer(() => new Promise<void>((r) => silent.close(() => r())));
    const source = path.join(dir, 'src', 'notes.txt');
    await writeRandomFile(source, 100_000);
    const startedAt = performance.now();
    const share = startCli('share', [
      'share',
      source,
      '--tracker',
      `udp://127.0.0.1:${silent.address().port}`,
      ...loopbackPeerFlags(path.join(dir, 'd1')),
    ]);
    // Before, the line waited for the announce (up to 4 time-outs) and the publish (45 s).
    await share.waitFor((e) => e.line.startsWith('magnet:?'), 20_000, 'magnet link');
    expect(performance.now() - startedAt).toBeLessThan(20_000);
    await share.stop();
    expect(await exitOf(share, 10_000)).toBe(0);
  });

  /** `get --events --no-seed` of a 1 MiB share from an engine seeder, with `flags`; exits 0. */
  async function getWithEvents(name: string, flags: string[]) {
    const { dir, open } = await startEngineEnv(defer);
    const source = path.join(dir, 'src', name);
    await writeRandomFile(source, MiB);
    const seeder = await open('seeder');
    const shared = await seeder.share([source], { pieceLengthBytes: 16 * 1024 });
    const out = path.join(dir, 'out');
    const get = startCli(`get --events ${flags.join(' ')}`, [
      'get',
      shared.magnet,
      '--out',
      out,
      '--no-seed',
      '--events',
      ...flags,
      ...loopbackPeerFlags(path.join(dir, 'd')),
    ]);
    expect(await exitOf(get, 30_000)).toBe(0);
    expect(await sha256File(path.join(out, name))).toBe(await sha256File(source));
    return get.allEvents();
  }

  it('get --events prints metadata, first-piece and complete as JSON lines (magnet)', async () => {
    const lines = await getWithEvents('e.bin', []);
    expect(lines.every((e) => e.json)).toBe(true);
    // 'totals' lines come once a second, so a slow run has some: the moments are in order.
    expect(lines.map((e) => e.json!.event).filter((e) => e !== 'totals')).toEqual([
      'metadata',
      'first-piece',
      'complete',
    ]);
    const moments = lines.filter((e) => e.json!.event !== 'totals');
    expect(moments[1]!.json!.piece).toEqual(expect.any(Number));
    // TCP goes first by default, and the seeder takes TCP.
    expect(moments[1]!.json!.transport).toBe('tcp');
    expect(moments[0]!.json!.name).toBe('e.bin');
  });

  it('get --prefer-utp reaches a seeder that takes both over uTP (first-piece says so)', async () => {
    const lines = await getWithEvents('u.bin', ['--prefer-utp']);
    expect(lines.find((e) => e.json?.event === 'first-piece')?.json?.transport).toBe('utp');
  });

  it('get --events, seeding, reports how much it uploaded in its once-a-second totals', async () => {
    const { dir, tracker, open } = await startEngineEnv(defer);
    const source = path.join(dir, 'src', 'up.bin');
    await writeRandomFile(source, 2 * MiB);
    const maker = await open('maker');
    const made = await maker.share([source], { pieceLengthBytes: 64 * 1024, trackers: [tracker.url] });
    await maker.close();
    const torrentFile = path.join(dir, 'up.torrent');
    await writeFile(torrentFile, made.torrentBytes);
    // The CLI checks the complete file where it is, then seeds it.
    const seeder = startCli('get --events (seeding)', [
      'get',
      torrentFile,
      '--out',
      path.join(dir, 'src'),
      '--events',
      ...loopbackPeerFlags(path.join(dir, 'cli-data')),
    ]);
    await seeder.waitFor((e) => e.json?.event === 'complete', 30_000, 'complete (checked)');
    const leecher = await open('leecher');
    await leecher.add({ kind: 'torrent-file', path: torrentFile });
    await seeder.waitFor(
      (e) => e.json?.event === 'totals' && e.json.uploadedBytes === 2 * MiB,
      60_000,
      'totals with the whole file uploaded',
    );
  });

  it('a leecher killed with SIGKILL resumes without downloading verified pieces again', async () => {
    const { dir, tracker, open } = await startEngineEnv(defer);
    const total = 6 * MiB;
    const source = path.join(dir, 'src', 'big.bin');
    await writeRandomFile(source, total);
    const seeder = await open('seeder', { rateLimits: { uploadBps: 1 * MiB } });
    const shared = await seeder.share([source], { pieceLengthBytes: 64 * 1024 });
    const torrentFile = path.join(dir, 'big.torrent');
    await writeFile(torrentFile, shared.torrentBytes);
    const out = path.join(dir, 'out');
    const args = [
      'get',
      torrentFile,
      '--tracker',
      tracker.url,
      '--out',
      out,
      '--no-seed',
      ...loopbackPeerFlags(path.join(dir, 'leecher-data')),
    ];

    const first = startCli('get (killed)', args);
    await first.waitFor(
      (e) => /^downloading: (\d+)/.test(e.line) && Number(/^downloading: ([\d.]+)/.exec(e.line)![1]) >= 30,
      30_000,
      '30%',
    );
    process.kill(first.pid!, 'SIGKILL');
    await exitOf(first, 5000);
    const beforeRestart = seeder.list()[0]!.uploadedBytes;
    expect(beforeRestart).toBeGreaterThanOrEqual(0.3 * total);

    const second = startCli('get (restarted)', args);
    expect(await exitOf(second, 60_000)).toBe(0);
    expect(await sha256File(path.join(out, 'big.bin'))).toBe(await sha256File(source));
    const sentInTotal = seeder.list()[0]!.uploadedBytes;
    // Without resume the seeder would send the first run's bytes again (≥ 1.3 × total);
    // with it, only what was in flight at the kill is sent twice.
    expect(sentInTotal).toBeLessThan(total + beforeRestart / 2);
    await waitFor(seeder, shared.id, (s) => s.peers === 0, 10_000, 'leecher gone');
  });

  it('get refuses a torrent whose paths escape the folder: exit 1, one clear line', async () => {
    const tmp = await makeTempDir();
    defer(tmp.remove);
    const evil = path.join(tmp.dir, 'evil.torrent');
    await writeFile(
      evil,
      bencode({
        info: {
          name: 'x',
          'piece length': 16384,
          pieces: new Uint8Array(20),
          files: [{ length: 5, path: ['..', 'etc', 'passwd'] }],
        },
      }),
    );
    const get = startCli(
      'get evil',
      [
        'get',
        evil,
        '--out',
        path.join(tmp.dir, 'out'),
        '--no-seed',
        ...loopbackPeerFlags(path.join(tmp.dir, 'd')),
      ],
      false,
    );
    expect(await exitOf(get, 20_000)).toBe(1);
    // TrackedChild joins stderr lines with ' | '.
    const lines = get
      .stderr()
      .split(' | ')
      .filter((l) => l.trim() !== '');
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(/^swarmdrop get: .*\.\./);
  });

  it('get of an unknown catalog name fails with a clear message', async () => {
    const { dir, tracker } = await startEngineEnv(defer);
    const get = startCli('get missing', [
      'get',
      'no such thing',
      '--tracker',
      tracker.url,
      '--out',
      path.join(dir, 'out'),
      '--no-seed',
      ...loopbackPeerFlags(path.join(dir, 'd')),
    ]);
    expect(await exitOf(get, 20_000)).toBe(1);
    expect(get.stderr()).toMatch(/nothing named 'no such thing' in the catalog/);
  });
});
