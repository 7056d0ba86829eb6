// Choosing files: real seeder and leecher sessions over loopback, real files on disk.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  openTestSession,
  cleanupAfterEach,
  isComplete,
  sha256File,
  startEngineEnv,
  waitFor,
  writeRandomFile,
} from './engine-harness.ts';

const KiB = 1024;

describe('file selection with real peers', () => {
  const defer = cleanupAfterEach();

  it('downloads only the selected files; boundary bytes go to the parts file and move into place when selected later', async () => {
    const { dir, tracker, open } = await startEngineEnv(defer);
    // 64 KiB pieces over the files in torrent order (a, b, c, tiny): piece 1 holds a.bin's
    // tail and b.bin's head, piece 4 b.bin's tail and c.bin's head, and the last piece
    // c.bin's tail and all of tiny.txt (smaller than a piece).
    const album = path.join(dir, 'src', 'album');
    const sizes = { 'a.bin': 100 * KiB + 17, 'tiny.txt': 3000, 'b.bin': 200 * KiB + 5, 'c.bin': 50 * KiB };
    for (const [name, size] of Object.entries(sizes)) await writeRandomFile(path.join(album, name), size);
    const seeder = await open('seeder');
    const shared = await seeder.share([album], { pieceLengthBytes: 64 * KiB });
    const leecher = await open('leecher');
    const added = await leecher.add(
      { kind: 'metainfo', bytes: shared.torrentBytes },
      { only: ['a.bin', 'c.*'] },
    );
    const done = await waitFor(leecher, added.id, isComplete, 30_000, 'selection complete');
    expect(done.selectedBytes).toBe(sizes['a.bin'] + sizes['c.bin']);
    const got = (name: string) => path.join(dir, 'leecher', 'downloads', 'album', name);
    for (const name of ['a.bin', 'c.bin'])
      expect(await sha256File(got(name))).toBe(await sha256File(path.join(album, name)));
    // Never created, although their pieces' neighbours were downloaded and verified.
    expect(existsSync(got('tiny.txt'))).toBe(false);
    expect(existsSync(got('b.bin'))).toBe(false);
    expect(existsSync(path.join(dir, 'leecher', 'downloads', '.album.parts'))).toBe(true);
    const detail = leecher.detail(added.id);
    expect(detail.files.map((f) => [f.path.join('/'), f.priority])).toEqual([
      ['a.bin', 'normal'],
      ['b.bin', 'skip'],
      ['c.bin', 'normal'],
      ['tiny.txt', 'skip'],
    ]);
    const index = (name: string) => detail.files.find((f) => f.path.join('/') === name)!.index;

    // tiny.txt lies wholly inside a verified boundary piece: selecting it moves its bytes
    // from the parts file into place (and re-verifies them) without downloading anything.
    await leecher.setFilePriorities(added.id, [{ index: index('tiny.txt'), priority: 'normal' }]);
    await waitFor(leecher, added.id, isComplete, 30_000, 'tiny.txt in place');
    expect(await readFile(got('tiny.txt'))).toEqual(await readFile(path.join(album, 'tiny.txt')));

    // b.bin: its first and last pieces' bytes come from the parts file, the rest from the seeder.
    await leecher.setFilePriorities(added.id, [{ index: index('b.bin'), priority: 'high' }]);
    const all = await waitFor(
      leecher,
      added.id,
      (s) => isComplete(s) && s.selectedBytes === undefined,
      30_000,
      'everything',
    );
    expect(all.verifiedBytes).toBe(all.totalBytes);
    expect(await sha256File(got('b.bin'))).toBe(await sha256File(path.join(album, 'b.bin')));

    // Priorities survive a restart (resume data).
    await leecher.setFilePriorities(added.id, [{ index: index('c.bin'), priority: 'skip' }]);
    await leecher.close();
    const again = await openTestSession(dir, 'leecher', { defaultTrackers: [tracker.url] });
    defer(() => again.close());
    await waitFor(again, added.id, (s) => s.state === 'seeding', 30_000, 'restored');
    const restored = again.detail(added.id).files.map((f) => f.priority);
    expect(restored).toEqual(['normal', 'high', 'skip', 'normal']);
  });

  it('--only on a magnet applies once the metadata arrives from peers', async () => {
    const { dir, open } = await startEngineEnv(defer);
    const folder = path.join(dir, 'src', 'mix');
    await writeRandomFile(path.join(folder, 'keep', 'a.bin'), 100 * KiB + 3);
    await writeRandomFile(path.join(folder, 'skip.bin'), 200 * KiB);
    const seeder = await open('seeder');
    const shared = await seeder.share([folder], { pieceLengthBytes: 32 * KiB });
    const leecher = await open('leecher');
    const added = await leecher.add({ kind: 'magnet', uri: shared.magnet }, { only: ['keep/**'] });
    const done = await waitFor(leecher, added.id, isComplete, 30_000, 'selection complete');
    expect(done.selectedBytes).toBe(100 * KiB + 3);
    const got = (name: string) => path.join(dir, 'leecher', 'downloads', 'mix', name);
    expect(await sha256File(got('keep/a.bin'))).toBe(await sha256File(path.join(folder, 'keep', 'a.bin')));
    expect(existsSync(got('skip.bin'))).toBe(false);
  });

  it('a priority change mid-download: a skipped file stops downloading, a high one completes', async () => {
    const { dir, open } = await startEngineEnv(defer);
    const folder = path.join(dir, 'src', 'pair');
    await writeRandomFile(path.join(folder, 'x.bin'), 3 * 1024 * KiB);
    await writeRandomFile(path.join(folder, 'y.bin'), 3 * 1024 * KiB);
    const seeder = await open('seeder');
    const shared = await seeder.share([folder], { pieceLengthBytes: 64 * KiB });
    const leecher = await open('leecher');
    // Slow enough that the change lands while both files are still downloading.
    leecher.setRateLimits({ downloadBps: 512 * KiB, uploadBps: 0 });
    const added = await leecher.add({ kind: 'metainfo', bytes: shared.torrentBytes });
    await waitFor(leecher, added.id, (s) => s.verifiedBytes > 0, 30_000, 'first piece');
    const [x, y] = leecher.detail(added.id).files;
    expect(x!.path).toEqual(['x.bin']);
    await leecher.setFilePriorities(added.id, [
      { index: y!.index, priority: 'skip' },
      { index: x!.index, priority: 'high' },
    ]);
    leecher.setRateLimits({ downloadBps: 0, uploadBps: 0 });
    const done = await waitFor(leecher, added.id, isComplete, 60_000, 'x.bin complete');
    expect(done.selectedBytes).toBe(3 * 1024 * KiB);
    const got = path.join(dir, 'leecher', 'downloads', 'pair', 'x.bin');
    expect(await sha256File(got)).toBe(await sha256File(path.join(folder, 'x.bin')));
    // y.bin's pieces stop coming: what it has now is all it gets while skipped.
    const yBytes = () => leecher.detail(added.id).files[1]!.verifiedBytes;
    const before = yBytes();
    expect(before).toBeLessThan(3 * 1024 * KiB);
    await new Promise((r) => setTimeout(r, 1500));
    expect(yBytes()).toBe(before);
    expect(leecher.list()[0]!.state).toBe('seeding');
  });
});
