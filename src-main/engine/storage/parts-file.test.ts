import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.ts';
import { FileHandlePool } from './file-handle-pool.ts';
import { FileStorage } from './file-storage.ts';
import { layoutFromFiles } from './layout-from-files.ts';
import { pieceLengthOf } from './piece-layout.ts';
import { expectSameBytes, payloadBytes, splitPayload } from './storage-contract.ts';

const KiB = 1024;
// Piece 16 KiB: piece 1 = a.bin tail + small.txt + b.bin head (a boundary piece of three files).
const FILES = [
  { path: ['a.bin'], lengthBytes: 20 * KiB },
  { path: ['docs', 'small.txt'], lengthBytes: 3000 },
  { path: ['b.bin'], lengthBytes: 40 * KiB },
];
const pool = new FileHandlePool({ maxOpen: 8 });

describe('FileStorage with unselected files (parts file)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(selected: boolean[]) {
    const temp = await makeTempDir('swarmdrop-parts-');
    cleanups.push(temp.remove);
    const layout = layoutFromFiles('album', FILES, 16 * KiB);
    const storage = new FileStorage({ savePath: temp.dir, layout, pool, selected });
    cleanups.push(() => storage.close());
    const payload = payloadBytes(layout.totalLengthBytes, 21);
    const pieceBytes = (i: number) =>
      payload.slice(i * layout.pieceLengthBytes, i * layout.pieceLengthBytes + pieceLengthOf(layout, i));
    const fileOnDisk = (...parts: string[]) => path.join(temp.dir, 'album', ...parts);
    return { dir: temp.dir, layout, storage, payload, pieceBytes, fileOnDisk };
  }

  it('never creates an unselected file; its share of a boundary piece goes to the parts file', async () => {
    const { dir, layout, storage, payload, pieceBytes, fileOnDisk } = await setup([true, false, true]);
    await storage.open({ allocate: true });
    for (let i = 0; i < layout.pieceCount; i++) await storage.writePiece(i, pieceBytes(i));
    await storage.flush();
    expect(existsSync(fileOnDisk('docs', 'small.txt'))).toBe(false);
    expect(existsSync(fileOnDisk('docs'))).toBe(false);
    const expected = splitPayload(layout, payload);
    expectSameBytes(new Uint8Array(await readFile(fileOnDisk('a.bin'))), expected[0]!);
    expectSameBytes(new Uint8Array(await readFile(fileOnDisk('b.bin'))), expected[2]!);
    // The boundary piece reads back whole (from two files and the parts file): seedable.
    expectSameBytes(await storage.readPiece(1), pieceBytes(1));
    const parts = await stat(path.join(dir, '.album.parts'));
    expect(parts.isFile()).toBe(true);
    // Reported present with a fixed stamp, so resume data and the change guard trust it.
    const existing = await storage.existingFiles();
    expect(existing[1]).toMatchObject({ exists: true, sizeBytes: 3000, mtimeMs: 0 });
    expect(storage.changeStampSync(1)).toEqual({ sizeBytes: 3000, mtimeMs: 0, ctimeMs: 0 });
  });

  it('selecting the file later moves its bytes into place and returns the pieces to re-verify', async () => {
    const { layout, storage, payload, pieceBytes, fileOnDisk } = await setup([true, false, false]);
    await storage.open({ allocate: true });
    // Only pieces touching a.bin were wanted: 0 and 1 (1 spans all three files).
    await storage.writePiece(0, pieceBytes(0));
    await storage.writePiece(1, pieceBytes(1));
    expect(existsSync(fileOnDisk('b.bin'))).toBe(false);
    const moved = await storage.selectFiles([true, true, true], (p) => p <= 1);
    expect(moved).toEqual([1]);
    const expected = splitPayload(layout, payload);
    expectSameBytes(new Uint8Array(await readFile(fileOnDisk('docs', 'small.txt'))), expected[1]!);
    const b = new Uint8Array(await readFile(fileOnDisk('b.bin')));
    expect(b.length).toBe(40 * KiB);
    const bInPiece1 = 32 * KiB - (20 * KiB + 3000);
    expectSameBytes(b.subarray(0, bInPiece1), expected[2]!.subarray(0, bInPiece1));
    // The rest of b.bin downloads into the real file now.
    for (let i = 2; i < layout.pieceCount; i++) await storage.writePiece(i, pieceBytes(i));
    expectSameBytes(new Uint8Array(await readFile(fileOnDisk('b.bin'))), expected[2]!);
    expectSameBytes(await storage.readPiece(1), pieceBytes(1));
  });

  it('unselecting a file that is already on disk leaves it there', async () => {
    const { storage, pieceBytes, fileOnDisk } = await setup([true, true, true]);
    await storage.open({ allocate: true });
    await storage.writePiece(1, pieceBytes(1));
    await storage.selectFiles([true, false, true], () => true);
    expect(existsSync(fileOnDisk('docs', 'small.txt'))).toBe(true);
    expectSameBytes(await storage.readPiece(1), pieceBytes(1));
  });

  it('a restart with the same selection finds the parts file bytes again', async () => {
    const { dir, layout, storage, pieceBytes } = await setup([true, false, true]);
    await storage.open({ allocate: true });
    await storage.writePiece(1, pieceBytes(1));
    await storage.close();
    const again = new FileStorage({ savePath: dir, layout, pool, selected: [true, false, true] });
    cleanups.push(() => again.close());
    await again.open({ allocate: true });
    expectSameBytes(await again.readPiece(1), pieceBytes(1));
  });

  it('deleteFiles removes the parts file too', async () => {
    const { dir, layout, storage, pieceBytes } = await setup([false, true, false]);
    await storage.open({ allocate: true });
    for (let i = 0; i < layout.pieceCount; i++) await storage.writePiece(i, pieceBytes(i));
    await storage.deleteFiles();
    expect(existsSync(path.join(dir, '.album.parts'))).toBe(false);
    expect(existsSync(path.join(dir, 'album'))).toBe(false);
  });
});
