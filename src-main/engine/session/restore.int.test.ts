// Restoring the last run's torrents: in the background with progress when the host asks
// for it, and without rewriting resume records that did not change.
import { stat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.ts';
import { writeSavedTorrents } from '../../../test/support/saved-torrents.ts';
import type { RestoreProgress, Session, SessionOptions } from '../session-api.ts';
import { TrackerServer } from '../../tracker/server/index.ts';
import { openSession } from './open-session.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function setup(count: number): Promise<{ options: SessionOptions; ids: string[]; resumeDir: string }> {
  const t = await makeTempDir();
  cleanups.push(() => t.remove());
  const dataDir = path.join(t.dir, 'engine');
  const downloadDir = path.join(t.dir, 'downloads');
  const ids = await writeSavedTorrents(dataDir, downloadDir, count);
  return {
    options: { dataDir, downloadDir, peerHost: '127.0.0.1', peerPort: 0 },
    ids,
    resumeDir: path.join(dataDir, 'resume'),
  };
}

async function open(options: SessionOptions): Promise<Session> {
  const s = await openSession(options);
  cleanups.push(() => s.close());
  return s;
}

const allSeeding = (s: Session, n: number) =>
  s.list().length === n && s.list().every((t) => t.state === 'seeding');

/** Inode and mtime of every resume record: an atomic rewrite changes both. */
async function recordStamps(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of await readdir(dir)) {
    const s = await stat(path.join(dir, name));
    out.set(name, `${s.ino}/${s.mtimeMs}`);
  }
  return out;
}

describe('restoring saved torrents', () => {
  it('in the background: nothing before startRestore, then progress climbs to every torrent and ends done', async () => {
    const { options, ids } = await setup(150);
    const session = await open({ ...options, restoreInBackground: true });
    expect(session.restoreProgress()).toEqual({ restored: 0, total: 0, done: false });
    await new Promise((r) => setTimeout(r, 100));
    expect(session.list()).toEqual([]);
    const seen: RestoreProgress[] = [];
    session.on('restore-progress', (p) => seen.push(p));
    session.startRestore();
    session.startRestore(); // idempotent: one restore
    await until(() => session.restoreProgress().done, 'the restore to finish');
    expect(seen.at(-1)).toEqual({ restored: 150, total: 150, done: true });
    const counts = seen.map((p) => p.restored);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    // Progress in steps, not one jump from nothing to everything.
    expect(seen.some((p) => p.restored > 0 && p.restored < 150)).toBe(true);
    expect(new Set(session.list().map((t) => t.id))).toEqual(new Set(ids));
    await until(() => allSeeding(session, 150), 'every torrent seeding');
  });

  it('a restart with unchanged torrents rewrites no resume record; a changed one is rewritten', async () => {
    const { options, ids, resumeDir } = await setup(5);
    const first = await open(options);
    await until(() => allSeeding(first, 5), 'every torrent seeding');
    await first.close();
    const before = await recordStamps(resumeDir);
    expect(before.size).toBe(5);

    const second = await open(options);
    await until(() => allSeeding(second, 5), 'every torrent seeding after the restart');
    await second.pause(ids[0]!);
    await second.close();
    const after = await recordStamps(resumeDir);
    const rewritten = [...after].filter(([name, s]) => before.get(name) !== s).map(([name]) => name);
    expect(rewritten).toEqual([`${ids[0]}.json`]);
  });

  it('close during a background restore stops it: nothing is registered after close', async () => {
    const { options } = await setup(300);
    const session = await open({ ...options, restoreInBackground: true });
    session.startRestore();
    await session.close();
    const restored = session.restoreProgress();
    expect(restored.done).toBe(true);
    expect(restored.restored).toBeLessThan(300);
    expect(session.list()).toEqual([]);
  });

  it('a background restore that never started is over once the session closes', async () => {
    const { options } = await setup(3);
    const session = await open({ ...options, restoreInBackground: true });
    await session.close();
    expect(session.restoreProgress()).toEqual({ restored: 0, total: 0, done: true });
    session.startRestore();
    expect(session.list()).toEqual([]);
  });

  it('close announces `stopped`, except to a tracker the host says stops with it', async () => {
    for (const skip of [false, true]) {
      const tracker = new TrackerServer({ intervalSec: 60 });
      const { port } = await tracker.listen({ host: '127.0.0.1', port: 0 });
      cleanups.push(() => tracker.close());
      const url = `udp://127.0.0.1:${port}`;
      const { options } = await setup(1);
      const session = await open({
        ...options,
        defaultTrackers: [url],
        ...(skip ? { skipStoppedOnClose: (u: string) => u === url } : {}),
      });
      await until(() => tracker.stats().peers === 1, 'the started announce');
      await session.close();
      // `stopped` is awaited by close (bounded): the tracker has dropped us, or not.
      expect(tracker.stats().peers).toBe(skip ? 1 : 0);
    }
  });
});
