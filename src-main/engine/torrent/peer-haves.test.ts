import { describe, expect, it } from 'vitest';
import { PeerHaves } from './peer-haves.ts';

describe('PeerHaves', () => {
  it('keeps a bitfield received before the metadata and checks it when the size is known', () => {
    const h = new PeerHaves();
    expect(h.onBitfield(Uint8Array.of(0b1010_0000))).toBe(true);
    expect(h.onHave(1)).toBe('new');
    expect(h.has(0)).toBe(false); // unknown until the piece count is
    expect(h.setPieceCount(3)).toBe(true);
    expect([h.has(0), h.has(1), h.has(2)]).toEqual([true, true, true]);
    expect(h.isSeed).toBe(true);
    expect(h.count).toBe(3);
  });

  it('refuses a bitfield of the wrong length or with spare bits set (BEP 3)', () => {
    const long = new PeerHaves();
    long.onBitfield(new Uint8Array(2));
    expect(long.setPieceCount(3)).toBe(false);
    const spare = new PeerHaves();
    expect(spare.setPieceCount(3)).toBe(true);
    expect(spare.onBitfield(Uint8Array.of(0b0001_0000))).toBe(false);
  });

  it('allows one availability message only, and HAVE in range', () => {
    const h = new PeerHaves();
    h.setPieceCount(10);
    expect(h.onHaveNone()).toBe(true);
    expect(h.onHaveAll()).toBe(false);
    expect(h.onHave(9)).toBe('new');
    expect(h.onHave(9)).toBe('known');
    expect(h.onHave(10)).toBe('invalid');
    expect(h.progress()).toBeCloseTo(0.1);
  });

  it('HAVE ALL makes a seed of any size', () => {
    const h = new PeerHaves();
    expect(h.onHaveAll()).toBe(true);
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
