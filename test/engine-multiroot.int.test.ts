// A torrent shared from several paths, on real sessions and files: another session downloads
// it into <downloads>/pack/..., and a restarted session seeds it again from where the files
// are (the roots kept in its resume record), through a full re-hash too.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cleanupAfterEach,
  isComplete,
  sha256File,
  startEngineEnv,
  waitFor,
  writeRandomFile,
} from './engine-harness.ts';

const KiB = 1024;
/** An error carrying `code` (the engine's errors and createTorrent's input errors do). */
const hasCode = (code: string) => (err: unknown) =>
  err instanceof Error && (err as Error & { code?: unknown }).code === code;

describe('a share made from several paths', () => {
  const defer = cleanupAfterEach();

  /** a.bin and b.txt in two folders, album/ in a third: nothing under one common torrent folder. */
  async function scattered() {
    const env = await startEngineEnv(defer);
    const sources = {
      'a.bin': path.join(env.dir, 'x', 'a.bin'),
      'album/cd1/01.flac': path.join(env.dir, 'y', 'album', 'cd1', '01.flac'),
      'album/z.jpg': path.join(env.dir, 'y', 'album', 'z.jpg'),
      'b.txt': path.join(env.dir, 'w', 'b.txt'),
    };
    await writeRandomFile(sources['a.bin'], 300 * KiB + 7);
    await writeRandomFile(sources['album/cd1/01.flac'], 200 * KiB - 3);
    await writeRandomFile(sources['album/z.jpg'], 5 * KiB);
    await writeRandomFile(sources['b.txt'], 100);
    const paths = [sources['a.bin'], path.join(env.dir, 'y', 'album'), sources['b.txt']];
    return { ...env, sources, paths };
  }

  it('is downloaded by another session into <downloads>/pack with every file intact', async () => {
    const { dir, open, sources, paths } = await scattered();
    const seeder = await open('seeder');
    const shared = await seeder.share(paths, { name: 'pack', pieceLengthBytes: 32 * KiB });
    const summary = await waitFor(seeder, shared.id, isComplete, 10_000, 'seeding');
    expect(summary.name).toBe('pack');
    // There is no <savePath>/pack: "Open" and "Show in folder" use the folder holding the roots.
    expect(summary.contentPath).toBe(dir);
    const leecher = await open('leecher');
    await leecher.add({ kind: 'magnet', uri: shared.magnet });
    await waitFor(leecher, shared.id, isComplete, 30_000, 'download');
    for (const [rel, source] of Object.entries(sources)) {
      const got = path.join(dir, 'leecher', 'downloads', 'pack', ...rel.split('/'));
      expect(await sha256File(got), rel).toBe(await sha256File(source));
    }
  });

  it('is seeded again after a restart from the same places, and a recheck finds every piece there', async () => {
    const { open, paths } = await scattered();
    const first = await open('seeder');
    const shared = await first.share(paths, { name: 'pack', pieceLengthBytes: 32 * KiB });
    await waitFor(first, shared.id, isComplete, 10_000, 'seeding');
    await first.close();

    const second = await open('seeder');
    const restored = await waitFor(
      second,
      shared.id,
      (s) => s.state === 'seeding' || s.state === 'downloading' || s.state === 'error',
      10_000,
      'restored',
    );
    expect(restored.state).toBe('seeding');
    expect(restored.progress).toBe(1);
    // A recheck hashes every piece from disk: only the roots lead to the files.
    await second.recheck(shared.id);
    const rechecked = await waitFor(
      second,
      shared.id,
      (s) => s.state !== 'checking' && s.state !== 'queued',
      20_000,
      'recheck',
    );
    expect(rechecked.state).toBe('seeding');
    expect(rechecked.verifiedBytes).toBe(rechecked.totalBytes);
  });

  it('refuses several paths without a name, and two paths with one name, with their codes', async () => {
    const { dir, open, paths } = await scattered();
    const seeder = await open('seeder');
    await expect(seeder.share(paths)).rejects.toSatisfy(hasCode('name-required'));
    const other = path.join(dir, 'z', 'a.bin');
    await writeRandomFile(other, 10);
    await expect(seeder.share([paths[0]!, other], { name: 'pack' })).rejects.toSatisfy(hasCode('name-clash'));
    expect(seeder.list()).toEqual([]);
  });
});
