import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import { layoutFromFiles } from '../storage/layout-from-files.ts';
import { MemoryStorage } from '../storage/memory-storage.ts';
import { payloadBytes, splitPayload } from '../storage/storage-contract.ts';
import type { ChangeStamp } from '../storage/storage.ts';
import { DiskChangeGuard } from './disk-change-guard.ts';

const KiB = 1024;
const sha1 = (data: Uint8Array) => Promise.resolve(new Uint8Array(createHash('sha1').update(data).digest()));

/** A seeding torrent of two files over memory storage, every piece had, with a fake clock. */
async function seeding() {
  const layout = layoutFromFiles(
    'album',
    [
      { path: ['a.bin'], lengthBytes: 64 * KiB },
      { path: ['b.bin'], lengthBytes: 40 * KiB },
    ],
    16 * KiB,
  );
  const payload = payloadBytes(layout.totalLengthBytes, 3);
  const hashes = new Uint8Array(layout.pieceCount * 20);
  for (let p = 0; p < layout.pieceCount; p++) {
    const start = p * layout.pieceLengthBytes;
    hashes.set(
      await sha1(payload.subarray(start, Math.min(start + layout.pieceLengthBytes, payload.length))),
      p * 20,
    );
  }
  let nowMs = 1000;
  const storage = new MemoryStorage({ layout, files: splitPayload(layout, payload), now: () => nowMs });
  const have = Bitfield.full(layout.pieceCount);
  const lost: number[] = [];
  const missing: [number, ChangeStamp | null][] = [];
  const checked: [number, number][] = [];
  const guard = new DiskChangeGuard({
    storage,
    layout,
    pieceHashes: hashes,
    hashPool: { sha1 },
    have: (p) => have.get(p),
    now: () => nowMs,
    onPieceLost: (p) => {
      lost.push(p);
      have.set(p, false);
    },
    onFileMissing: (f, stamp) => missing.push([f, stamp]),
    onFileChecked: (f, n) => checked.push([f, n]),
  });
  guard.baseline(await storage.existingFiles());
  const later = (ms = 1000) => (nowMs += ms);
  const settle = () => new Promise((r) => setTimeout(r, 10));
  return { layout, storage, guard, have, lost, missing, checked, later, settle };
}

describe('DiskChangeGuard', () => {
  it('serves unchanged files at once, without hashing', async () => {
    const t = await seeding();
    t.later();
    for (let p = 0; p < t.layout.pieceCount; p++) expect(t.guard.servable(p)).toBe(true);
    expect(t.guard.pendingCount).toBe(0);
  });

  it('an in-place edit with the old mtime put back is caught: changed pieces are lost, the rest still served', async () => {
    const t = await seeding();
    // Piece 1 is a.bin [16K, 32K): change 100 bytes of it, keep size and mtime.
    t.storage.editBehindOurBack(0, 20 * KiB, new Uint8Array(100).fill(0xab), true);
    t.later();
    const verdict = t.guard.servable(1);
    expect(verdict).toBeInstanceOf(Promise);
    expect(await verdict).toBe(false);
    await t.settle();
    expect(t.lost).toEqual([1]);
    expect(t.checked).toEqual([[0, 1]]);
    expect(t.guard.servable(0)).toBe(true);
    expect(t.guard.servable(1)).toBe(false);
    expect(t.guard.servable(5)).toBe(true); // b.bin untouched
  });

  it('an edit is noticed by the periodic check even when nobody asks for a piece', async () => {
    const t = await seeding();
    t.storage.editBehindOurBack(1, 0, new Uint8Array(10).fill(1));
    t.later();
    t.guard.checkSome(2);
    await t.settle();
    // b.bin starts in piece 4 (a.bin is exactly 4 pieces).
    expect(t.lost).toEqual([4]);
    expect(t.checked).toEqual([[1, 1]]);
  });

  it('a file touched but not changed costs a re-hash and loses nothing', async () => {
    const t = await seeding();
    const same = t.storage.fileBytes(0)!.subarray(0, 16);
    t.storage.editBehindOurBack(0, 0, same);
    t.later();
    expect(await t.guard.servable(0)).toBe(true);
    await t.settle();
    expect(t.lost).toEqual([]);
    expect(t.checked).toEqual([[0, 0]]);
    expect(t.guard.servable(2)).toBe(true);
  });

  it('our own writes move the stamps without a re-hash', async () => {
    const t = await seeding();
    t.guard.noteWrite(0);
    await t.storage.writePiece(0, (await t.storage.readPiece(0)).slice());
    t.guard.noteWrite(0);
    t.later();
    expect(t.guard.servable(0)).toBe(true);
    expect(t.guard.servable(3)).toBe(true);
  });

  it('a file that shrank is reported missing once, and nothing of it is re-hashed', async () => {
    const t = await seeding();
    t.storage.truncateBehindOurBack(1, 10);
    t.later();
    expect(t.guard.servable(5)).toBe(true); // the guard reports; the read then fails (missing-file)
    t.later();
    t.guard.servable(5);
    t.guard.checkSome(2);
    expect(t.missing.map(([f, stamp]) => [f, stamp?.sizeBytes])).toEqual([[1, 10]]);
    expect(t.lost).toEqual([]);
    expect(t.guard.servable(0)).toBe(true);
  });

  it('a file already short when the baseline is taken (cut right after hashing) is reported at the first check', async () => {
    const t = await seeding();
    t.storage.truncateBehindOurBack(0, 100);
    t.guard.baseline(await t.storage.existingFiles());
    t.guard.checkSome(2);
    expect(t.missing.map(([f, stamp]) => [f, stamp?.sizeBytes])).toEqual([[0, 100]]);
  });
});
