// Shared files that change on disk while `swarmdrop share` seeds them: edited in place
// (same size; with and without the old mtime put back) and truncated. Real processes,
// real files, real sockets on 127.0.0.1.
import { copyFile, mkdir, open as openFile, stat, truncate, utimes } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackedChild } from '../harness/tracked-child.ts';
import type { Session } from '../src-main/engine/session-api.ts';
import { TrackerServer } from '../src-main/tracker/server/index.ts';
import {
  cleanupAfterEach,
  isComplete,
  sha256File,
  startEngineEnv,
  waitFor,
  writeRandomFile,
} from './engine-harness.ts';
import { buildCli, exitOrTimeout, startShare, type BuiltCli } from './support/swarmdrop-cli.ts';

const MiB = 1024 * 1024;
const SIZE = 16 * MiB;
const PIECE = 256 * 1024;
const EDIT_AT = 5 * MiB;

describe('shared files changed on disk', () => {
  let cli: BuiltCli;
  beforeAll(async () => {
    cli = await buildCli();
  }, 60_000);
  afterAll(async () => {
    await cli?.remove();
  });
  const defer = cleanupAfterEach();

  /**
   * A tracker that remembers peers for 20 s: CLI peers announce every 10 s at the most, and
   * the engine harness's tracker (for in-process sessions) forgets them after 2 s.
   */
  async function cliTracker(): Promise<string> {
    return (await cliTrackerServer()).url;
  }

  async function cliTrackerServer(): Promise<{ url: string; server: TrackerServer }> {
    const server = new TrackerServer({ intervalSec: 10 });
    const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
    defer(() => server.close());
    return { url: `udp://127.0.0.1:${port}`, server };
  }

  /** Resolves once the tracker lists a peer on `peerPort` that is (`seeder`) or is not a seeder. */
  async function trackerSees(
    server: TrackerServer,
    infoHashHex: string,
    peerPort: number,
    seeder: boolean,
    timeoutMs: number,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const swarm = server.snapshot().swarms.find((s) => s.infoHashHex === infoHashHex);
      if (swarm?.peers.some((p) => p.port === peerPort && p.seeder === seeder)) return;
      if (Date.now() > deadline)
        throw new Error(
          `tracker never listed port ${peerPort} with seeder=${seeder}: ${JSON.stringify(swarm?.peers)}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** A whole second, so that putting it back with utimes restores it exactly. */
  const OLD_TIME_SEC = 1_700_000_000;

  /** Overwrites 1 MiB at EDIT_AT in place (same size); with `keepMtime`, puts the old times back. */
  async function editInPlace(file: string, keepMtime: boolean): Promise<void> {
    const before = await stat(file);
    const handle = await openFile(file, 'r+');
    await handle.write(randomBytes(MiB), 0, MiB, EDIT_AT);
    await handle.close();
    if (keepMtime) await utimes(file, OLD_TIME_SEC, OLD_TIME_SEC);
    const after = await stat(file);
    expect(after.size).toBe(before.size);
    if (keepMtime) expect(after.mtimeMs).toBe(before.mtimeMs);
  }

  /** Resolves once the CLI's stderr shows `text` (the tail is polled: it keeps the last lines). */
  async function stderrShows(child: TrackedChild, text: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!child.stderr().includes(text)) {
      if (Date.now() > deadline) throw new Error(`no "${text}" on ${child.name}'s stderr: ${child.stderr()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function leech(open: (name: string) => Promise<Session>, magnet: string): Promise<Session> {
    const leecher = await open('leecher');
    await leecher.add({ kind: 'magnet', uri: magnet });
    return leecher;
  }

  it('an in-place edit with the old mtime put back is caught: the seeder stops serving it and says so, the leecher completes from a good seeder wasting < 2x', async () => {
    const { dir, open } = await startEngineEnv(defer);
    const trackerUrl = await cliTracker();
    const source = path.join(dir, 'edited', 'payload.bin');
    const pristine = path.join(dir, 'good', 'payload.bin');
    await writeRandomFile(source, SIZE);
    await utimes(source, OLD_TIME_SEC, OLD_TIME_SEC);
    await mkdir(path.dirname(pristine), { recursive: true });
    await copyFile(source, pristine);
    const share = await startShare(cli, [source], {
      tracker: trackerUrl,
      dataDir: path.join(dir, 'share-data'),
      pieceLength: '256K',
    });
    defer(() => share.stop());
    const good = await open('good');
    const shared = await good.share([pristine], { pieceLengthBytes: PIECE, trackers: [trackerUrl] });
    expect(shared.id).toBe(share.infoHashHex);
    await editInPlace(source, true);

    const leecher = await leech(open, share.magnet);
    const done = await waitFor(
      leecher,
      share.infoHashHex,
      isComplete,
      90_000,
      'download from the good seeder',
    );
    expect(await sha256File(path.join(dir, 'leecher', 'downloads', 'payload.bin'))).toBe(
      await sha256File(pristine),
    );
    expect(done.downloadedBytes).toBeLessThan(2 * SIZE);
    await stderrShows(share.child, 'warning: payload.bin changed on disk: 4 pieces no longer match', 30_000);
  });

  it('with the edited seeder as the only source, the leecher gets every unchanged piece, never the changed ones, and wastes < 2x', async () => {
    const { dir, open } = await startEngineEnv(defer);
    const { url: trackerUrl, server } = await cliTrackerServer();
    const source = path.join(dir, 'edited', 'payload.bin');
    await writeRandomFile(source, SIZE);
    const share = await startShare(cli, [source], {
      tracker: trackerUrl,
      dataDir: path.join(dir, 'share-data'),
      pieceLength: '256K',
    });
    defer(() => share.stop());
    await stderrShows(share.child, 'seeding on port', 30_000);
    const seederPort = Number(/seeding on port (\d+)/.exec(share.child.stderr())![1]);
    await trackerSees(server, share.infoHashHex, seederPort, true, 30_000);
    await editInPlace(source, false);

    const leecher = await leech(open, share.magnet);
    // 1 MiB at a piece boundary: exactly 4 pieces changed.
    const changedBytes = MiB;
    const summary = await waitFor(
      leecher,
      share.infoHashHex,
      (s) => s.verifiedBytes === SIZE - changedBytes,
      90_000,
      'every unchanged piece',
    );
    await stderrShows(share.child, 'warning: payload.bin changed on disk: 4 pieces no longer match', 30_000);
    // The seeder tells the tracker it is no longer one (left > 0), within its minimum interval.
    await trackerSees(server, share.infoHashHex, seederPort, false, 30_000);
    // Nothing more comes, and the changed pieces are not sent over and over.
    await new Promise((r) => setTimeout(r, 3000));
    const later = leecher.list().find((t) => t.id === share.infoHashHex)!;
    expect(later.verifiedBytes).toBe(SIZE - changedBytes);
    expect(later.state).toBe('downloading');
    expect(later.downloadedBytes).toBeLessThan(2 * SIZE);
    expect(later.downloadedBytes - summary.downloadedBytes).toBeLessThan(SIZE);
    const map = leecher.detail(share.infoHashHex);
    expect(map.files[0]!.verifiedBytes).toBe(SIZE - changedBytes);
  });

  it('pieces lost to an edit stay held across a restart: a good seeder in the swarm never gets to overwrite the edit', async () => {
    const { dir, open } = await startEngineEnv(defer);
    const source = path.join(dir, 'edited', 'payload.bin');
    const pristine = path.join(dir, 'good', 'payload.bin');
    await writeRandomFile(source, 4 * MiB);
    await mkdir(path.dirname(pristine), { recursive: true });
    await copyFile(source, pristine);
    const first = await open('sharer');
    const shared = await first.share([source], { pieceLengthBytes: PIECE });
    const warnings: string[] = [];
    first.on('warning', (w) => warnings.push(w.code));
    const handle = await openFile(source, 'r+');
    await handle.write(Buffer.alloc(PIECE, 0x42), 0, PIECE, MiB);
    await handle.close();
    const edited = await sha256File(source);
    // Noticed by the periodic check alone: nobody downloads.
    await waitFor(first, shared.id, (s) => s.state === 'files-changed', 30_000, 'files-changed');
    // The warning comes once the whole file is re-hashed, a moment after the first lost piece.
    await waitFor(first, shared.id, () => warnings.includes('files-changed'), 30_000, 'the warning');
    expect(first.list()[0]!.verifiedBytes).toBe(4 * MiB - PIECE);
    await first.close();

    const good = await open('good');
    await good.share([pristine], { pieceLengthBytes: PIECE });
    const again = await open('sharer');
    await waitFor(again, shared.id, (s) => s.state === 'files-changed', 30_000, 'restored as files-changed');
    // Time for the good seeder to be found and used if the held piece were wanted.
    await waitFor(again, shared.id, (s) => s.peers > 0, 30_000, 'the good seeder connected');
    await new Promise((r) => setTimeout(r, 2000));
    const s = again.list().find((t) => t.id === shared.id)!;
    expect(s.state).toBe('files-changed');
    expect(s.verifiedBytes).toBe(4 * MiB - PIECE);
    expect(await sha256File(source)).toBe(edited);
    // An explicit recheck is the user's decision to download over the edit.
    await again.recheck(shared.id);
    await waitFor(again, shared.id, isComplete, 60_000, 'complete after the recheck');
    expect(await sha256File(source)).toBe(await sha256File(pristine));
  });

  it('a shared file truncated while `share` runs makes it exit non-zero with a clear message', async () => {
    const { dir } = await startEngineEnv(defer);
    const trackerUrl = await cliTracker();
    const source = path.join(dir, 'src', 'payload.bin');
    await writeRandomFile(source, 4 * MiB);
    const share = await startShare(cli, [source], {
      tracker: trackerUrl,
      dataDir: path.join(dir, 'share-data'),
      pieceLength: '256K',
    });
    defer(() => share.stop());
    await truncate(source, MiB);
    const outcome = await exitOrTimeout(share.child, 30_000);
    expect(outcome).not.toBe('timeout');
    if (outcome === 'timeout') return;
    expect(outcome.code).toBe(1);
    expect(share.child.stderr()).toMatch(
      /stopped: payload\.bin is now 1048576 bytes, the torrent needs 4194304.*\(missing-file\)/,
    );
  });
});
