import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.ts';
import { FileHandlePool } from './file-handle-pool.ts';
import { FileStorage, confine } from './file-storage.ts';
import { layoutFromFiles } from './layout-from-files.ts';
import { relativePathOf } from './piece-layout.ts';
import { pathUnderRoots, type SourceRoot } from './source-roots.ts';
import { defineStorageContract, expectSameBytes, payloadBytes, writeAllPieces } from './storage-contract.ts';
import { isStorageError, type StorageLayout } from './storage.ts';

async function writeInitial(
  savePath: string,
  layout: StorageLayout,
  files: readonly (Uint8Array | undefined)[],
) {
  for (const [i, bytes] of files.entries()) {
    if (!bytes) continue;
    const filePath = path.join(savePath, ...relativePathOf(layout, i));
    await mkdir(path.dirname(filePath), { recursive: true });
    await writeFile(filePath, bytes);
  }
}

const pool = new FileHandlePool({ maxOpen: 16 });

defineStorageContract('FileStorage', async (layout, initialFiles) => {
  const temp = await makeTempDir('swarmdrop-storage-');
  if (initialFiles) await writeInitial(temp.dir, layout, initialFiles);
  const storage = new FileStorage({ savePath: temp.dir, layout, pool });
  return {
    storage,
    readFile: async (i) => {
      try {
        return new Uint8Array(await readFile(path.join(temp.dir, ...relativePathOf(layout, i))));
      } catch {
        return undefined;
      }
    },
    cleanup: temp.remove,
  };
});

/**
 * Each top-level entry of a multi-file layout in a folder of its own, as when one torrent is
 * shared from several paths (source-roots.ts); single-file layouts stay under savePath.
 */
function scatteredRoots(base: string, layout: StorageLayout): SourceRoot[] | undefined {
  if (!layout.multiFile) return undefined;
  const names = [...new Set(layout.files.map((f) => f.path[0]!))];
  return names.map((name, i) => ({ name, path: path.join(base, `root-${i}`, name) }));
}

const pathOnDisk = (savePath: string, layout: StorageLayout, roots: SourceRoot[] | undefined, i: number) =>
  roots ? pathUnderRoots(roots, layout.files[i]!.path) : path.join(savePath, ...relativePathOf(layout, i));

defineStorageContract('FileStorage over several roots', async (layout, initialFiles) => {
  const temp = await makeTempDir('swarmdrop-storage-roots-');
  const savePath = path.join(temp.dir, 'save');
  await mkdir(savePath);
  const roots = scatteredRoots(temp.dir, layout);
  for (const [i, bytes] of (initialFiles ?? []).entries()) {
    if (!bytes) continue;
    const filePath = pathOnDisk(savePath, layout, roots, i);
    await mkdir(path.dirname(filePath), { recursive: true });
    await writeFile(filePath, bytes);
  }
  const storage = new FileStorage({ savePath, layout, pool, ...(roots ? { roots } : {}) });
  return {
    storage,
    readFile: async (i) => {
      try {
        return new Uint8Array(await readFile(pathOnDisk(savePath, layout, roots, i)));
      } catch {
        return undefined;
      }
    },
    cleanup: temp.remove,
  };
});

describe('FileStorage on disk', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const tempDir = async () => {
    const t = await makeTempDir('swarmdrop-storage-');
    cleanups.push(t.remove);
    return t.dir;
  };
  const track = <T extends { close(): Promise<void> }>(x: T): T => {
    cleanups.push(() => x.close());
    return x;
  };

  it('allocates a 100 MiB torrent sparsely (ftruncate, no zeros written)', async () => {
    const dir = await tempDir();
    const layout = layoutFromFiles(
      'big',
      [
        { path: ['a.bin'], lengthBytes: 60 * 2 ** 20 },
        { path: ['b.bin'], lengthBytes: 40 * 2 ** 20 },
      ],
      2 ** 20,
    );
    const storage = track(new FileStorage({ savePath: dir, layout, pool }));
    await storage.open({ allocate: true });
    const a = await stat(path.join(dir, 'big', 'a.bin'));
    const b = await stat(path.join(dir, 'big', 'b.bin'));
    expect(a.size).toBe(60 * 2 ** 20);
    expect(b.size).toBe(40 * 2 ** 20);
    // st_blocks counts 512-byte units actually allocated: a sparse file has (almost) none.
    expect((a.blocks + b.blocks) * 512).toBeLessThan(2 ** 20);
  });

  it('refuses paths that leave savePath', async () => {
    const dir = await tempDir();
    const escapes: StorageLayout[] = [
      layoutFromFiles('..', [{ path: ['x'], lengthBytes: 1 }], 16384, { multiFile: false }),
      layoutFromFiles('t', [{ path: ['..', '..', 'etc', 'passwd'], lengthBytes: 1 }], 16384, {
        multiFile: true,
      }),
      layoutFromFiles(
        't',
        [
          { path: ['/abs'], lengthBytes: 1 },
          { path: ['..'], lengthBytes: 1 },
        ],
        16384,
      ),
      layoutFromFiles('/etc/passwd', [{ path: ['x'], lengthBytes: 1 }], 16384, { multiFile: false }),
      layoutFromFiles('t', [{ path: ['a\0b'], lengthBytes: 1 }], 16384, { multiFile: true }),
    ];
    for (const layout of escapes) {
      let code: unknown;
      try {
        new FileStorage({ savePath: dir, layout, pool });
      } catch (err) {
        code = isStorageError(err) && err.code;
      }
      expect(code, JSON.stringify(layout.files)).toBe('path-escape');
    }
    // '..' inside the torrent's own folder stays inside savePath, and '..x' is a plain name.
    expect(confine(dir, ['t', 'a', '..', 'b'])).toBe(path.join(dir, 't', 'b'));
    expect(confine(dir, ['..x'])).toBe(path.join(dir, '..x'));
  });

  it('deleteFiles removes only its own files and the folders left empty', async () => {
    const dir = await tempDir();
    const layout = layoutFromFiles(
      'album',
      [
        { path: ['docs', 'a.txt'], lengthBytes: 10 },
        { path: ['docs', 'deep', 'b.txt'], lengthBytes: 10 },
        { path: ['c.txt'], lengthBytes: 10 },
      ],
      16384,
    );
    await writeFile(path.join(dir, 'neighbour.txt'), 'keep me');
    await mkdir(path.join(dir, 'album', 'docs'), { recursive: true });
    await writeFile(path.join(dir, 'album', 'docs', 'notes-by-user.txt'), 'keep me too');
    const storage = new FileStorage({ savePath: dir, layout, pool });
    await storage.open({ allocate: true });
    await storage.deleteFiles();
    expect((await readdir(dir)).sort()).toEqual(['album', 'neighbour.txt']);
    expect(await readdir(path.join(dir, 'album'))).toEqual(['docs']);
    expect(await readdir(path.join(dir, 'album', 'docs'))).toEqual(['notes-by-user.txt']);

    const single = layoutFromFiles('one.bin', [{ path: ['one.bin'], lengthBytes: 5 }], 16384);
    const s = new FileStorage({ savePath: dir, layout: single, pool });
    await s.open({ allocate: true });
    await s.deleteFiles();
    expect((await readdir(dir)).sort()).toEqual(['album', 'neighbour.txt']);
  });

  it('keeps at most maxOpen descriptors across many files and torrents', async () => {
    const dir = await tempDir();
    const small = track(new FileHandlePool({ maxOpen: 5 }));
    const files = Array.from({ length: 40 }, (_, i) => ({ path: [`f${i}.bin`], lengthBytes: 3000 + i }));
    const layouts = [layoutFromFiles('one', files, 16384), layoutFromFiles('two', files, 16384)];
    for (const layout of layouts) {
      const storage = track(new FileStorage({ savePath: dir, layout, pool: small }));
      await storage.open({ allocate: true });
      const payload = payloadBytes(layout.totalLengthBytes, 21);
      for (let i = 0; i < layout.pieceCount; i++) {
        await writeAllPiecesOne(storage, payload, i);
        await small.settled();
        expect(small.openCount).toBeLessThanOrEqual(5);
      }
      for (let i = 0; i < layout.pieceCount; i++) {
        const start = i * layout.pieceLengthBytes;
        expectSameBytes(
          await storage.readPiece(i),
          payload.subarray(start, start + Math.min(16384, layout.totalLengthBytes - start)),
        );
      }
    }
    // Pieces cover up to 6 of these files and allocation runs 8 files at once, yet the
    // bound holds: opens beyond it wait for a handle to go idle.
    expect(small.peakOpenCount).toBe(5);
    await small.settled();
    expect(small.openCount).toBeLessThanOrEqual(5);
    expect(small.openCount).toBeGreaterThan(0); // it does cache
  });

  it('opens a seeded file read-only: no write permission needed', async () => {
    const dir = await tempDir();
    const layout = layoutFromFiles('ro.bin', [{ path: ['ro.bin'], lengthBytes: 20000 }], 16384);
    const payload = payloadBytes(20000, 4);
    const filePath = path.join(dir, 'ro.bin');
    await writeFile(filePath, payload, { mode: 0o444 });
    const storage = track(new FileStorage({ savePath: dir, layout, pool }));
    await storage.open({ allocate: false });
    expectSameBytes(await storage.readPiece(1), payload.subarray(16384));
    if (process.getuid?.() !== 0) {
      // root ignores file modes, so only an ordinary user can see the refusal.
      let code: unknown;
      await storage
        .writePiece(1, payload.slice(16384))
        .catch((err: unknown) => (code = isStorageError(err) && err.code));
      expect(code).toBe('permission-denied');
    }
    expectSameBytes(new Uint8Array(await readFile(filePath)), payload);
  });

  it('writes into an existing file without truncating it, upgrading a read handle', async () => {
    const dir = await tempDir();
    const layout = layoutFromFiles('x.bin', [{ path: ['x.bin'], lengthBytes: 40000 }], 16384);
    const payload = payloadBytes(40000, 8);
    const damaged = payload.slice();
    damaged.fill(0, 16384, 32768);
    await writeFile(path.join(dir, 'x.bin'), damaged);
    const storage = track(new FileStorage({ savePath: dir, layout, pool }));
    await storage.open({ allocate: false });
    expectSameBytes(await storage.readPiece(0), payload.subarray(0, 16384));
    await storage.writePiece(1, payload.slice(16384, 32768));
    await storage.flush();
    expectSameBytes(new Uint8Array(await readFile(path.join(dir, 'x.bin'))), payload);
  });

  it('allocate sets an existing file of the wrong size to its torrent length', async () => {
    const dir = await tempDir();
    const layout = layoutFromFiles('x.bin', [{ path: ['x.bin'], lengthBytes: 1000 }], 16384);
    await writeFile(path.join(dir, 'x.bin'), payloadBytes(3000));
    const storage = track(new FileStorage({ savePath: dir, layout, pool }));
    await storage.open({ allocate: true });
    expect((await storage.existingFiles())[0]).toMatchObject({ exists: true, sizeBytes: 1000 });
  });

  // /dev/full is the only honest way to get ENOSPC without filling a disk; systems without
  // it (macOS, some containers) skip this one case.
  it.skipIf(!existsSync('/dev/full'))(
    'maps a real ENOSPC to disk-full (file linked to /dev/full)',
    async () => {
      const dir = await tempDir();
      await symlink('/dev/full', path.join(dir, 'full.bin'));
      const layout = layoutFromFiles('full.bin', [{ path: ['full.bin'], lengthBytes: 16384 }], 16384);
      const storage = track(new FileStorage({ savePath: dir, layout, pool }));
      await storage.open({ allocate: false });
      const err = await storage.writePiece(0, new Uint8Array(16384)).catch((e: unknown) => e);
      expect(isStorageError(err) && err.code).toBe('disk-full');
    },
  );

  it('existingFiles reports absolute paths, sizes, mtimes and ctimes', async () => {
    const dir = await tempDir();
    const layout = layoutFromFiles(
      't',
      [
        { path: ['a'], lengthBytes: 5 },
        { path: ['b'], lengthBytes: 6 },
      ],
      16384,
    );
    const storage = track(new FileStorage({ savePath: dir, layout, pool }));
    await storage.open({ allocate: true });
    await writeAllPieces(storage, payloadBytes(11));
    const existing = await storage.existingFiles();
    const a = await stat(path.join(dir, 't', 'a'));
    expect(existing[0]).toEqual({
      path: path.join(dir, 't', 'a'),
      exists: true,
      sizeBytes: 5,
      mtimeMs: a.mtimeMs,
      ctimeMs: a.ctimeMs,
    });
    expect(storage.changeStampSync(0)).toEqual({ sizeBytes: 5, mtimeMs: a.mtimeMs, ctimeMs: a.ctimeMs });
    expect(existing[1]!.sizeBytes).toBe(6);
  });
});

async function writeAllPiecesOne(storage: FileStorage, payload: Uint8Array, index: number) {
  const start = index * storage.layout.pieceLengthBytes;
  const end = Math.min(start + storage.layout.pieceLengthBytes, storage.layout.totalLengthBytes);
  await storage.writePiece(index, payload.slice(start, end));
}

describe('FileStorage over several roots', () => {
  it('deleteFiles removes the shared files and emptied shared folders, never the folders they were in', async () => {
    const temp = await makeTempDir('swarmdrop-storage-roots-');
    try {
      const layout = layoutFromFiles(
        'pack',
        [
          { path: ['a.bin'], lengthBytes: 10 },
          { path: ['album', 'cd1', '01.flac'], lengthBytes: 20 },
        ],
        16 * 1024,
      );
      const roots = [
        { name: 'a.bin', path: path.join(temp.dir, 'x', 'a.bin') },
        { name: 'album', path: path.join(temp.dir, 'y', 'album') },
      ];
      await mkdir(path.join(temp.dir, 'x'));
      await writeFile(roots[0]!.path, new Uint8Array(10));
      await mkdir(path.join(roots[1]!.path, 'cd1'), { recursive: true });
      await writeFile(path.join(roots[1]!.path, 'cd1', '01.flac'), new Uint8Array(20));
      await writeFile(path.join(temp.dir, 'x', 'keep.txt'), 'not shared');
      const storage = new FileStorage({ savePath: temp.dir, layout, pool, roots });
      expect(storage.filePaths).toEqual([roots[0]!.path, path.join(roots[1]!.path, 'cd1', '01.flac')]);
      await storage.deleteFiles();
      expect(existsSync(roots[0]!.path)).toBe(false);
      expect(existsSync(roots[1]!.path)).toBe(false);
      expect(await readdir(path.join(temp.dir, 'x'))).toEqual(['keep.txt']);
      expect(existsSync(path.join(temp.dir, 'y'))).toBe(true);
    } finally {
      await temp.remove();
    }
  });
});
