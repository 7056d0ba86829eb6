import { describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield.ts';

describe('Bitfield', () => {
  it('uses BitTorrent bit order: piece 0 is the high bit of byte 0', () => {
    const b = new Bitfield(10);
    b.set(0);
    b.set(9);
    expect([...b.bytes]).toEqual([0x80, 0x40]);
    expect(b.get(0) && b.get(9) && !b.get(1)).toBe(true);
    expect(b.count()).toBe(2);
  });

  it('builds a full field with clean spare bits', () => {
    const b = Bitfield.full(10);
    expect([...b.bytes]).toEqual([0xff, 0xc0]);
    expect(b.isComplete()).toBe(true);
    expect(b.hasCleanTail()).toBe(true);
    expect(new Bitfield(10, Uint8Array.of(0, 1)).hasCleanTail()).toBe(false);
  });

  it('round-trips through base64 and rejects a wrong byte length', () => {
    const b = new Bitfield(17);
    b.set(3);
    b.set(16);
    const back = Bitfield.fromBase64(17, b.toBase64());
    expect([...back.bytes]).toEqual([...b.bytes]);
    expect(() => new Bitfield(17, new Uint8Array(2))).toThrow(RangeError);
    expect(() => b.set(17)).toThrow(RangeError);
    expect(b.get(-1)).toBe(false);
  });
});
