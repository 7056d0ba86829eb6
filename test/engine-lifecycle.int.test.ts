// Torrent lifecycle on real sessions and files: pause/resume, remove (with and without
// the files), recheck, and a session restart that trusts resume data unless files changed.
import { access, open as openFile, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import type { EngineEvent } from '../src-main/engine/session-api.ts';
import {
  cleanupAfterEach,
  isComplete,
  sha256File,
  startEngineEnv,
  waitFor,
  writeRandomFile,
} from './engine-harness.ts';

const MiB = 1024 * 1024;
const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

/** Inverts the byte in the middle of `file` (its size stays the same). */
async function flipByte(file: string, keepMtime = false): Promise<void> {
  const before = await stat(file);
  const fh = await openFile(file, 'r+');
  const at = Math.floor(before.size / 2);
  const b = Buffer.alloc(1);
  await fh.read(b, 0, 1, at);
  b[0] = b[0]! ^ 0xff;
  await fh.write(b, 0, 1, at);
  await fh.close();
  if (keepMtime) await utimes(file, before.atime, before.mtime);
}

describe('engine lifecycle', () => {
  const defer = cleanupAfterEach();

  /** A tracker, and 2 MiB of random data at `src/data.bin` to share. */
  async function env() {
    const { dir, open } = await startEngineEnv(defer);
    const source = path.join(dir, 'src', 'data.bin');
    await writeRandomFile(source, 2 * MiB);
    return { dir, source, open };
  }

  it('pause stops the transfer and resume finishes it', async () => {
    const { dir, source, open } = await env();
    const seeder = await open('seeder', { rateLimits: { uploadBps: 512 * 1024 } });
    const shared = await seeder.share([source], { pieceLengthBytes: 32 * 1024 });
    const leecher = await open('leecher');
    await leecher.add({ kind: 'magnet', uri: shared.magnet });
    await waitFor(leecher, shared.id, (s) => s.progress > 0.1, 30_000, 'some progress');
    await leecher.pause(shared.id);
    const paused = leecher.list()[0]!;
    expect(paused.state).toBe('paused');
    expect(paused.peers).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(leecher.list()[0]!.verifiedBytes).toBe(paused.verifiedBytes);
    await leecher.resume(shared.id);
    await waitFor(leecher, shared.id, isComplete, 45_000, 'completion after resume');
    expect(await sha256File(path.join(dir, 'leecher', 'downloads', 'data.bin'))).toBe(
      await sha256File(source),
    );
  });

  it('shown rates fall to zero after a pause and after completion, pushed as updates', async () => {
    const { source, open } = await env();
    const seeder = await open('seeder', { rateLimits: { uploadBps: 1024 * 1024 } });
    const shared = await seeder.share([source], { pieceLengthBytes: 32 * 1024 });
    const leecher = await open('leecher');
    // Only what 'update' events carry counts: that is what reaches the UI.
    const pushed: { down: number; state: string }[] = [];
    leecher.on('update', (changed) => {
      for (const t of changed) if (t.id === shared.id) pushed.push({ down: t.downRateBps, state: t.state });
    });
    await leecher.add({ kind: 'magnet', uri: shared.magnet });
    await waitFor(
      leecher,
      shared.id,
      (s) => s.progress > 0.1 && s.downRateBps > 0,
      30_000,
      'a running transfer',
    );
    await leecher.pause(shared.id);
    expect(leecher.list()[0]!.downRateBps).toBe(0);
    await leecher.resume(shared.id);
    await waitFor(leecher, shared.id, isComplete, 45_000, 'completion');
    pushed.length = 0;
    // The meter's 5 s window empties after the last byte; the UI must be told.
    const deadline = Date.now() + 15_000;
    while (!pushed.some((p) => p.state === 'seeding' && p.down === 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(pushed.at(-1)).toEqual({ down: 0, state: 'seeding' });
  });

  it("a seeder sees its leecher's progress (HAVE is sent to seeds too)", async () => {
    const { source, open } = await env();
    const seeder = await open('seeder', { rateLimits: { uploadBps: 512 * 1024 } });
    const shared = await seeder.share([source], { pieceLengthBytes: 32 * 1024 });
    const leecher = await open('leecher');
    await leecher.add({ kind: 'magnet', uri: shared.magnet });
    await waitFor(leecher, shared.id, (s) => s.progress > 0.3, 30_000, 'a third downloaded');
    const deadline = Date.now() + 10_000;
    let seen = 0;
    while (seen < 0.2 && Date.now() < deadline) {
      seen = seeder.detail(shared.id).peers[0]?.progress ?? 0;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen).toBeGreaterThanOrEqual(0.2);
  });

  it('a download limit holds from the first second (no start-up burst)', async () => {
    const { dir, open } = await startEngineEnv(defer);
    const source = path.join(dir, 'src', 'big.bin');
    await writeRandomFile(source, 16 * MiB);
    const seeder = await open('seeder');
    const shared = await seeder.share([source], { pieceLengthBytes: 64 * 1024 });
    const limitBps = 512 * 1024;
    const leecher = await open('leecher', { rateLimits: { downloadBps: limitBps } });
    await leecher.add({ kind: 'magnet', uri: shared.magnet });
    await waitFor(leecher, shared.id, (s) => s.downloadedBytes > 0, 30_000, 'the first bytes');
    const startMs = Date.now();
    await new Promise((r) => setTimeout(r, 2000));
    const got = leecher.list()[0]!.downloadedBytes;
    const allowed = (limitBps * (Date.now() - startMs)) / 1000;
    // Everything received so far, against the limit over the time since the first byte.
    // An upper bound only: a slow machine moves less, never more. Before the fix the
    // request pipelines opened before the first byte delivered about three seconds'
    // worth of the limit at once.
    expect(got / allowed).toBeLessThan(1.5);
  });

  it('remove keeps the files unless asked to delete them', async () => {
    const { dir, source, open } = await env();
    const seeder = await open('seeder');
    const shared = await seeder.share([source], { pieceLengthBytes: 32 * 1024 });
    const removed: string[] = [];
    const a = await open('a');
    a.on('torrent-removed', (id) => removed.push(id));
    await a.add({ kind: 'magnet', uri: shared.magnet });
    await waitFor(a, shared.id, isComplete, 30_000, 'download a');
    const fileA = path.join(dir, 'a', 'downloads', 'data.bin');
    await a.remove(shared.id, { deleteFiles: false });
    expect(a.list()).toEqual([]);
    expect(removed).toEqual([shared.id]);
    expect(await exists(fileA)).toBe(true);
    expect(await exists(path.join(dir, 'a', 'data', 'resume', `${shared.id}.json`))).toBe(false);

    const b = await open('b');
    await b.add({ kind: 'magnet', uri: shared.magnet });
    await waitFor(b, shared.id, isComplete, 30_000, 'download b');
    const fileB = path.join(dir, 'b', 'downloads', 'data.bin');
    await b.remove(shared.id, { deleteFiles: true });
    expect(await exists(fileB)).toBe(false);
    // The seeder's shared original is untouched by leechers removing theirs.
    expect(await exists(source)).toBe(true);
    expect(() => b.detail(shared.id)).toThrow(expect.objectContaining({ code: 'unknown-torrent' }));
  });

  it('recheck finds a damaged piece and the download repairs it', async () => {
    const { dir, source, open } = await env();
    const seeder = await open('seeder');
    const shared = await seeder.share([source], { pieceLengthBytes: 32 * 1024 });
    const leecher = await open('leecher');
    await leecher.add({ kind: 'magnet', uri: shared.magnet });
    await waitFor(leecher, shared.id, isComplete, 30_000, 'download');
    const file = path.join(dir, 'leecher', 'downloads', 'data.bin');
    await flipByte(file, true);
    const refetched: number[] = [];
    leecher.on('piece-verified', (e) => refetched.push(e.piece));
    await leecher.recheck(shared.id);
    await waitFor(leecher, shared.id, isComplete, 30_000, 'repair after recheck');
    // Exactly the damaged piece came from the network again.
    expect(refetched).toEqual([Math.floor(MiB / (32 * 1024))]);
    expect(await sha256File(file)).toBe(await sha256File(source));
  });

  it('a restarted session trusts resume data for unchanged files and re-checks changed ones', async () => {
    const { source, open } = await env();
    // A whole-second mtime, so that it can be put back exactly after editing the file.
    const mtime = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    await utimes(source, mtime, mtime);
    const first = await open('seeder');
    const shared = await first.share([source], { pieceLengthBytes: 32 * 1024 });
    await waitFor(first, shared.id, (s) => s.state === 'seeding', 10_000, 'seeding');
    await first.close();

    // Damage the file but put its mtime back: the restart trusts resume data, so nothing
    // is re-hashed (the damage goes unnoticed — which is exactly "no payload re-hash").
    await flipByte(source);
    await utimes(source, mtime, mtime);
    const second = await open('seeder');
    const restored = await waitFor(
      second,
      shared.id,
      (s) => s.state === 'seeding' || s.state === 'downloading',
      10_000,
      'restored',
    );
    expect(restored.name).toBe('data.bin');
    expect(restored.progress).toBe(1);
    await second.close();

    // A new mtime: the restart notices the change and re-checks, finding the bad piece.
    await utimes(source, mtime, new Date(mtime.getTime() + 5000));
    const third = await open('seeder');
    const rechecked = await waitFor(
      third,
      shared.id,
      (s) => s.state === 'downloading',
      10_000,
      'recheck finds damage',
    );
    expect(rechecked.totalBytes - rechecked.verifiedBytes).toBe(32 * 1024);
  });

  it('a tracker that never answers is reported once as a warning naming the tracker', async () => {
    const { source, open } = await env();
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    defer(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const url = `udp://127.0.0.1:${silent.address().port}`;
    const seeder = await open('lonely', { defaultTrackers: [url] });
    const warnings: EngineEvent[] = [];
    seeder.on('warning', (w) => warnings.push(w));
    const shared = await seeder.share([source], { pieceLengthBytes: 32 * 1024, publish: false });
    const deadline = Date.now() + 20_000;
    while (!warnings.some((w) => w.code === 'tracker-failed') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    // Retries follow (every 0.5 s·2ⁿ here); the outage is still reported once.
    await new Promise((r) => setTimeout(r, 2000));
    const failed = warnings.filter((w) => w.code === 'tracker-failed');
    expect(failed.length).toBe(1);
    expect(failed[0]!.torrentId).toBe(shared.id);
    // The service groups failures by tracker from this field, never from the message text.
    expect(failed[0]!.tracker).toBe(url);
    expect(failed[0]!.message).toContain(url);
    // Between retries the status is 'error' or 'announcing'; the error stays until a success.
    expect(seeder.detail(shared.id).trackers[0]!.lastError).toMatch(/\S/);
  });
});
