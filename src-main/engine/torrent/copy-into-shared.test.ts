import { describe, expect, it } from 'vitest';
import { copyIntoShared } from './copy-into-shared.ts';

describe('copyIntoShared', () => {
  it('copies exactly the source bytes for every alignment of source and target', () => {
    const target = new Uint8Array(new SharedArrayBuffer(40_000));
    const source = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 31 + 7) & 0xff);
    for (let from = 0; from < 9; from++) {
      for (let at = 0; at < 9; at++) {
        for (const length of [0, 1, 255, 256, 257, 16_384]) {
          target.fill(0xaa);
          copyIntoShared(target, at, source.subarray(from, from + length));
          expect(target.subarray(at, at + length)).toEqual(source.subarray(from, from + length));
          // Nothing written around it.
          if (at > 0) expect(target[at - 1]).toBe(0xaa);
          expect(target[at + length]).toBe(0xaa);
        }
      }
    }
  });

  it('works on views that do not start at their buffer', () => {
    const shared = new SharedArrayBuffer(1024);
    const target = new Uint8Array(shared, 3, 1000);
    const source = new Uint8Array(2000).map((_, i) => i & 0xff).subarray(5, 605);
    copyIntoShared(target, 10, source);
    expect(new Uint8Array(shared, 13, 600)).toEqual(source);
  });

  it('refuses a copy past the end of the target, like TypedArray#set', () => {
    const target = new Uint8Array(new SharedArrayBuffer(1000));
    const source = new Uint8Array(600).subarray(1);
    expect(() => copyIntoShared(target, 500, source)).toThrow(RangeError);
    expect(() => copyIntoShared(target, -1, source)).toThrow(RangeError);
    expect(() => target.set(source, 500)).toThrow(RangeError);
  });
});
