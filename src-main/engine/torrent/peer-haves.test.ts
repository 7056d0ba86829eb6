import { describe, expect, it } from 'vitest';
import { PeerHaves } from './peer-haves.ts';

describe('PeerHaves', () => {
  it('keeps a bitfield received before the metadata and checks it when the size is known', () => {
    const h = new PeerHaves();
    expect(h.onBitfield(Uint8Array.of(0b1010_0000))).toEqual({ kind: 'first' });
    expect(h.onHave(1)).toBe('new');
    expect(h.has(0)).toBe(false); // unknown until the piece count is
    expect(h.setPieceCount(3)).toBe(true);
    expect([h.has(0), h.has(1), h.has(2)]).toEqual([true, true, true]);
    expect(h.isSeed).toBe(true);
    expect(h.count).toBe(3);
  });

  it('refuses a bitfield of the wrong length, before or after the metadata', () => {
    const long = new PeerHaves();
    long.onBitfield(new Uint8Array(2));
    expect(long.setPieceCount(3)).toBe(false);
    const late = new PeerHaves();
    late.setPieceCount(3);
    expect(late.onBitfield(new Uint8Array(2)).kind).toBe('invalid');
    const twoSizes = new PeerHaves();
    twoSizes.onBitfield(new Uint8Array(1));
    expect(twoSizes.onBitfield(new Uint8Array(2)).kind).toBe('invalid');
  });

  it('ignores spare bits past the last piece instead of dropping the peer', () => {
    const h = new PeerHaves();
    h.setPieceCount(3);
    expect(h.onBitfield(Uint8Array.of(0b1001_1111))).toEqual({ kind: 'first' });
    expect([h.has(0), h.has(1), h.has(2), h.has(3)]).toEqual([true, false, false, false]);
    expect(h.count).toBe(1);
    expect(h.bitfield!.hasCleanTail()).toBe(true);
  });

  it('merges a late bitfield after HAVE NONE and HAVEs (aria2), reporting only the new pieces', () => {
    const h = new PeerHaves();
    h.setPieceCount(10);
    expect(h.onHaveNone()).toEqual({ kind: 'first' });
    expect(h.onHave(1)).toBe('new');
    expect(h.onBitfield(Uint8Array.of(0b0110_0000, 0b0100_0000))).toEqual({ kind: 'added', pieces: [2, 9] });
    expect(h.count).toBe(3);
    expect(h.onBitfield(Uint8Array.of(0b0110_0000, 0))).toEqual({ kind: 'none' });
    expect(h.onHaveNone()).toEqual({ kind: 'none' }); // a peer does not lose pieces
    expect(h.count).toBe(3);
  });

  it('a late HAVE ALL adds every missing piece; after it, everything is known', () => {
    const h = new PeerHaves();
    h.setPieceCount(4);
    h.onBitfield(Uint8Array.of(0b1000_0000));
    expect(h.onHaveAll()).toEqual({ kind: 'added', pieces: [1, 2, 3] });
    expect(h.isSeed).toBe(true);
    expect(h.hasAll).toBe(false); // counted piece by piece, as the picker already does
    expect(h.onHave(2)).toBe('known');
  });

  it('merges bitfields that arrive before the metadata', () => {
    const h = new PeerHaves();
    expect(h.onBitfield(Uint8Array.of(0b1000_0000)).kind).toBe('first');
    expect(h.onBitfield(Uint8Array.of(0b0010_0000)).kind).toBe('none');
    expect(h.setPieceCount(3)).toBe(true);
    expect([h.has(0), h.has(1), h.has(2)]).toEqual([true, false, true]);
    const all = new PeerHaves();
    all.onHaveNone();
    expect(all.onHaveAll()).toEqual({ kind: 'none' });
    expect(all.setPieceCount(3) && all.isSeed).toBe(true);
  });

  it('HAVE in range only', () => {
    const h = new PeerHaves();
    h.setPieceCount(10);
    expect(h.onHaveNone()).toEqual({ kind: 'first' });
    expect(h.onHave(9)).toBe('new');
    expect(h.onHave(9)).toBe('known');
    expect(h.onHave(10)).toBe('invalid');
    expect(h.progress()).toBeCloseTo(0.1);
  });

  it('HAVE ALL makes a seed of any size', () => {
    const h = new PeerHaves();
    expect(h.onHaveAll()).toEqual({ kind: 'first' });
    expect(h.setPieceCount(5)).toBe(true);
    expect(h.isSeed && h.hasAll && h.has(4) && !h.has(5)).toBe(true);
    expect(h.bitfield).toBeNull();
    expect(h.onHave(2)).toBe('known');
  });

  it('a HAVE received before the metadata that turns out out of range is a violation', () => {
    const h = new PeerHaves();
    h.onHave(50);
    expect(h.setPieceCount(8)).toBe(false);
  });
});
