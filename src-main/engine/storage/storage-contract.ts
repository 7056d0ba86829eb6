/**
 * The one test suite every Storage implementation passes (CONTRIBUTING.md). A test file
 * calls `defineStorageContract(name, factory)`; the factory builds a fresh storage for a
 * layout and gives the suite a back door to the stored files (to check bytes landed in the
 * right file at the right offset, independent of the read path).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { layoutFromFiles, type LayoutFileInput } from './layout-from-files.ts';
import { pieceLengthOf } from './piece-layout.ts';
import { isStorageError, type Storage, type StorageErrorCode, type StorageLayout } from './storage.ts';

export interface StorageFixture {
  storage: Storage;
  /** File `fileIndex` as stored, read around the Storage API; undefined when missing. */
  readFile(fileIndex: number): Promise<Uint8Array | undefined>;
  cleanup(): Promise<void>;
}

/** Builds a storage for `layout`, with `initialFiles[i]` already present (seeding). */
export type StorageFactory = (
  layout: StorageLayout,
  initialFiles?: readonly (Uint8Array | undefined)[],
) => Promise<StorageFixture>;

/** Deterministic pseudo-random payload (xorshift), so a misplaced byte shows. */
export function payloadBytes(lengthBytes: number, seed = 1): Uint8Array {
  const out = new Uint8Array(lengthBytes);
  let x = seed * 2654435761 || 1;
  for (let i = 0; i < lengthBytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * Byte equality with a readable failure (first differing index), and fast on megabytes
 * where a deep `toEqual` crawls.
 */
export function expectSameBytes(actual: Uint8Array | undefined, expected: Uint8Array): void {
  expect(actual, 'bytes missing').toBeDefined();
  const a = Buffer.from(actual!.buffer, actual!.byteOffset, actual!.length);
  const b = Buffer.from(expected.buffer, expected.byteOffset, expected.length);
  let firstDiff = -1;
  if (!a.equals(b)) {
    firstDiff = 0;
    while (firstDiff < Math.min(a.length, b.length) && a[firstDiff] === b[firstDiff]) firstDiff++;
  }
  expect({ lengthBytes: a.length, firstDiff }).toEqual({ lengthBytes: b.length, firstDiff: -1 });
}

export function splitPayload(layout: StorageLayout, payload: Uint8Array): Uint8Array[] {
  return layout.files.map((f) => payload.slice(f.offsetBytes, f.offsetBytes + f.lengthBytes));
}

export async function writeAllPieces(storage: Storage, payload: Uint8Array): Promise<void> {
  const { pieceCount, pieceLengthBytes } = storage.layout;
  const writes: Promise<void>[] = [];
  for (let i = 0; i < pieceCount; i++) {
    const start = i * pieceLengthBytes;
    writes.push(storage.writePiece(i, payload.slice(start, start + pieceLengthOf(storage.layout, i))));
  }
  await Promise.all(writes);
}

async function expectCode(promise: Promise<unknown>, code: StorageErrorCode): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isStorageError(err) ? err.code : err).toBe(code);
}

const KiB = 1024;
const SINGLE: LayoutFileInput[] = [{ path: ['movie.bin'], lengthBytes: 100 * KiB + 123 }];
// Piece 16 KiB. Piece 1 = big[16K..20K) + small-a (5000) + small-b (3000) + nested[...]:
// it spans four files, one of them zero-length in between.
const MULTI: LayoutFileInput[] = [
  { path: ['big.bin'], lengthBytes: 20 * KiB },
  { path: ['docs', 'small-a.txt'], lengthBytes: 5000 },
  { path: ['docs', 'empty.txt'], lengthBytes: 0 },
  { path: ['docs', 'deep', 'small-b.txt'], lengthBytes: 3000 },
  { path: ['media', 'nested', 'clip.bin'], lengthBytes: 40 * KiB + 7 },
  { path: ['trailing-empty'], lengthBytes: 0 },
];

export function defineStorageContract(name: string, factory: StorageFactory): void {
  describe(`Storage contract: ${name}`, () => {
    const fixtures: StorageFixture[] = [];
    const make = async (layout: StorageLayout, initial?: readonly (Uint8Array | undefined)[]) => {
      const fixture = await factory(layout, initial);
      fixtures.push(fixture);
      return fixture;
    };
    afterEach(async () => {
      for (const f of fixtures.splice(0)) {
        await f.storage.close();
        await f.cleanup();
      }
    });

    it('single file: writes every piece (last one short) and reads them back', async () => {
      const layout = layoutFromFiles('movie.bin', SINGLE, 16 * KiB);
      expect(pieceLengthOf(layout, layout.pieceCount - 1)).toBe((100 * KiB + 123) % (16 * KiB));
      const payload = payloadBytes(layout.totalLengthBytes);
      const { storage, readFile } = await make(layout);
      await storage.open({ allocate: true });
      await writeAllPieces(storage, payload);
      await storage.flush();
      expectSameBytes(await readFile(0), payload);
      for (let i = 0; i < layout.pieceCount; i++) {
        const start = i * layout.pieceLengthBytes;
        expectSameBytes(
          await storage.readPiece(i),
          payload.subarray(start, start + pieceLengthOf(layout, i)),
        );
      }
      const last = layout.pieceCount - 1;
      expectSameBytes(
        await storage.readBlock(last, 100, 23),
        payload.subarray(last * 16 * KiB + 100, last * 16 * KiB + 123),
      );
    });

    it('multi-file with nested folders: each file gets exactly its bytes', async () => {
      const layout = layoutFromFiles('album', MULTI, 16 * KiB);
      const payload = payloadBytes(layout.totalLengthBytes, 7);
      const { storage, readFile } = await make(layout);
      await storage.open({ allocate: true });
      // Out of order, as a swarm delivers them.
      for (const i of [3, 0, 2, 1, 4].filter((p) => p < layout.pieceCount)) {
        const start = i * layout.pieceLengthBytes;
        await storage.writePiece(i, payload.slice(start, start + pieceLengthOf(layout, i)));
      }
      const expected = splitPayload(layout, payload);
      for (let f = 0; f < layout.files.length; f++) expectSameBytes(await readFile(f), expected[f]!);
    });

    it('a block spanning three files reads across the boundaries', async () => {
      const layout = layoutFromFiles('album', MULTI, 16 * KiB);
      const payload = payloadBytes(layout.totalLengthBytes, 3);
      const { storage } = await make(layout);
      await storage.open({ allocate: true });
      await writeAllPieces(storage, payload);
      // Piece 1 starts at 16 KiB: big.bin tail (4 KiB), small-a (5000), small-b (3000), clip head.
      const piece1 = 16 * KiB;
      expectSameBytes(
        await storage.readBlock(1, 4000, 9000),
        payload.subarray(piece1 + 4000, piece1 + 13000),
      );
      expectSameBytes(await storage.readPiece(1), payload.subarray(piece1, piece1 + 16 * KiB));
      if (storage.readBlockInto) {
        // Into a caller's buffer: the same bytes, twice (cached or not), nothing past `out`.
        for (let round = 0; round < 2; round++) {
          const out = new Uint8Array(9000).fill(0xee);
          await storage.readBlockInto(1, 4000, out);
          expectSameBytes(out, payload.subarray(piece1 + 4000, piece1 + 13000));
        }
      }
    });

    it('zero-length files exist after allocate and take no bytes', async () => {
      const layout = layoutFromFiles('album', MULTI, 16 * KiB);
      const { storage, readFile } = await make(layout);
      await storage.open({ allocate: true });
      const existing = await storage.existingFiles();
      expect(existing.map((f) => [f.exists, f.sizeBytes])).toEqual(
        layout.files.map((f) => [true, f.lengthBytes]),
      );
      expect(await readFile(2)).toEqual(new Uint8Array(0));
      expect(await readFile(5)).toEqual(new Uint8Array(0));
    });

    it('a torrent made only of zero-length files has no pieces to touch', async () => {
      const layout = layoutFromFiles(
        'empties',
        [
          { path: ['a'], lengthBytes: 0 },
          { path: ['b', 'c'], lengthBytes: 0 },
        ],
        16 * KiB,
      );
      expect(layout.pieceCount).toBe(0);
      const { storage } = await make(layout);
      await storage.open({ allocate: true });
      expect((await storage.existingFiles()).every((f) => f.exists && f.sizeBytes === 0)).toBe(true);
      await expectCode(storage.readPiece(0), 'out-of-range');
    });

    it('seeds existing files without allocating (reads them as they are)', async () => {
      const layout = layoutFromFiles('album', MULTI, 16 * KiB);
      const payload = payloadBytes(layout.totalLengthBytes, 11);
      const { storage } = await make(layout, splitPayload(layout, payload));
      await storage.open({ allocate: false });
      for (let i = 0; i < layout.pieceCount; i++) {
        const start = i * layout.pieceLengthBytes;
        expectSameBytes(
          await storage.readPiece(i),
          payload.subarray(start, start + pieceLengthOf(layout, i)),
        );
      }
      const existing = await storage.existingFiles();
      expect(existing.map((f) => f.sizeBytes)).toEqual(layout.files.map((f) => f.lengthBytes));
    });

    it('reading a file that is not there → missing-file; writing creates it', async () => {
      const layout = layoutFromFiles('album', MULTI, 16 * KiB);
      const payload = payloadBytes(layout.totalLengthBytes, 5);
      const { storage } = await make(layout);
      await storage.open({ allocate: false });
      expect((await storage.existingFiles()).some((f) => f.exists)).toBe(false);
      await expectCode(storage.readPiece(0), 'missing-file');
      await storage.writePiece(0, payload.slice(0, 16 * KiB));
      expectSameBytes(await storage.readPiece(0), payload.subarray(0, 16 * KiB));
      // big.bin now exists but only up to the end of piece 0: its tail is still missing.
      await expectCode(storage.readBlock(1, 0, 100), 'missing-file');
    });

    it('rejects bad indices, ranges and piece lengths with out-of-range', async () => {
      const layout = layoutFromFiles('movie.bin', SINGLE, 16 * KiB);
      const { storage } = await make(layout);
      await storage.open({ allocate: true });
      await expectCode(storage.readPiece(layout.pieceCount), 'out-of-range');
      await expectCode(storage.readPiece(-1), 'out-of-range');
      await expectCode(storage.readBlock(0, 16 * KiB - 10, 11), 'out-of-range');
      await expectCode(storage.writePiece(layout.pieceCount, new Uint8Array(16 * KiB)), 'out-of-range');
      await expectCode(storage.writePiece(0, new Uint8Array(16 * KiB - 1)), 'out-of-range');
      await expectCode(storage.writePiece(layout.pieceCount - 1, new Uint8Array(16 * KiB)), 'out-of-range');
    });

    it('open is idempotent and keeps written data', async () => {
      const layout = layoutFromFiles('movie.bin', SINGLE, 16 * KiB);
      const payload = payloadBytes(layout.totalLengthBytes, 9);
      const { storage } = await make(layout);
      await storage.open({ allocate: true });
      await writeAllPieces(storage, payload);
      await storage.open({ allocate: true });
      expectSameBytes(await storage.readPiece(2), payload.subarray(32 * KiB, 48 * KiB));
    });

    it('close is idempotent; later calls reject with closed', async () => {
      const layout = layoutFromFiles('movie.bin', SINGLE, 16 * KiB);
      const { storage } = await make(layout);
      await storage.open({ allocate: true });
      await storage.close();
      await storage.close();
      await expectCode(storage.readPiece(0), 'closed');
      await expectCode(storage.writePiece(0, new Uint8Array(16 * KiB)), 'closed');
      await expectCode(storage.open({ allocate: true }), 'closed');
    });

    it('BEP 47 padding files are never created: they read as zeros, writes skip them', async () => {
      // Hybrid-torrent style: each real file starts on a piece boundary, pads in between.
      const layout = layoutFromFiles(
        'hybrid',
        [
          { path: ['a.bin'], lengthBytes: 10 * KiB },
          { path: ['.pad', '6144'], lengthBytes: 6 * KiB, padding: true },
          { path: ['b.bin'], lengthBytes: 20 * KiB },
          { path: ['.pad', '12288'], lengthBytes: 12 * KiB, padding: true },
          { path: ['c.bin'], lengthBytes: 3 * KiB },
        ],
        16 * KiB,
      );
      const payload = payloadBytes(layout.totalLengthBytes, 13);
      for (const f of layout.files)
        if (f.padding) payload.fill(0, f.offsetBytes, f.offsetBytes + f.lengthBytes);
      const { storage, readFile } = await make(layout);
      await storage.open({ allocate: true });
      await writeAllPieces(storage, payload);
      await storage.flush();
      expect(await readFile(1)).toBeUndefined();
      expect(await readFile(3)).toBeUndefined();
      const expected = splitPayload(layout, payload);
      for (const f of [0, 2, 4]) expectSameBytes(await readFile(f), expected[f]!);
      for (let i = 0; i < layout.pieceCount; i++) {
        const start = i * layout.pieceLengthBytes;
        expectSameBytes(
          await storage.readPiece(i),
          payload.subarray(start, start + pieceLengthOf(layout, i)),
        );
      }
      // Padding counts as present at full length (so its pieces are checkable), yet is not there.
      const existing = await storage.existingFiles();
      expect(existing.map((f) => [f.exists, f.sizeBytes])).toEqual(
        layout.files.map((f) => [true, f.lengthBytes]),
      );
      await storage.deleteFiles();
      for (let f = 0; f < layout.files.length; f++) expect(await readFile(f)).toBeUndefined();
    });

    it('deleteFiles removes every file of the torrent', async () => {
      const layout = layoutFromFiles('album', MULTI, 16 * KiB);
      const { storage, readFile } = await make(
        layout,
        splitPayload(layout, payloadBytes(layout.totalLengthBytes)),
      );
      await storage.open({ allocate: false });
      await storage.deleteFiles();
      for (let f = 0; f < layout.files.length; f++) expect(await readFile(f)).toBeUndefined();
      await storage.deleteFiles(); // nothing left: still fine
    });
  });
}
