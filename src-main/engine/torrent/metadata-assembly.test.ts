import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_METADATA_BYTES, METADATA_PIECE_BYTES } from '../../protocol/wire/ut-metadata.ts';
import { MetadataAssembly } from './metadata-assembly.ts';

const sha1 = (b: Uint8Array) => new Uint8Array(createHash('sha1').update(b).digest());

describe('MetadataAssembly (BEP 9)', () => {
  const info = randomBytes(2 * METADATA_PIECE_BYTES + 100);

  it('assembles pieces in any order and checks the info-hash', () => {
    const a = new MetadataAssembly(sha1(info));
    expect(a.setSize(info.length)).toBe(true);
    expect(a.pieceCount).toBe(3);
    expect(a.onPiece(2, info.subarray(2 * METADATA_PIECE_BYTES))).toBe('stored');
    expect(a.onPiece(0, info.subarray(0, METADATA_PIECE_BYTES))).toBe('stored');
    expect(a.onPiece(0, info.subarray(0, METADATA_PIECE_BYTES))).toBe('ignored');
    expect(a.onPiece(1, info.subarray(METADATA_PIECE_BYTES, 2 * METADATA_PIECE_BYTES))).toBe('complete');
    expect(Buffer.from(a.infoBytes()).equals(info)).toBe(true);
  });

  it('discards everything when the result does not hash to the info-hash', () => {
    const a = new MetadataAssembly(new Uint8Array(20));
    a.setSize(100);
    expect(a.onPiece(0, info.subarray(0, 100))).toBe('mismatch');
    expect(a.sizeBytes).toBe(0);
    expect(a.setSize(200)).toBe(true); // a fresh start, possibly another peer's size
  });

  it('refuses implausible sizes and pieces of the wrong length', () => {
    const a = new MetadataAssembly(sha1(info));
    expect(a.setSize(0)).toBe(false);
    expect(a.setSize(MAX_METADATA_BYTES + 1)).toBe(false);
    expect(a.setSize(info.length)).toBe(true);
    expect(a.setSize(info.length + 1)).toBe(false);
    expect(a.onPiece(0, info.subarray(0, 10))).toBe('ignored');
    expect(a.onPiece(3, info.subarray(0, 10))).toBe('ignored');
  });

  it('knows which pieces have arrived', () => {
    const a = new MetadataAssembly(sha1(info));
    a.setSize(info.length);
    a.onPiece(1, info.subarray(METADATA_PIECE_BYTES, 2 * METADATA_PIECE_BYTES));
    expect([a.has(0), a.has(1), a.has(2), a.has(3)]).toEqual([false, true, false, false]);
  });
});
