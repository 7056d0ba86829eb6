import { describe, expect, it } from 'vitest';
import { InfoHashTable } from './info-hash-table.ts';

/** A deterministic generator, so a failing sequence can be replayed. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

const key = (...bytes: number[]): Uint8Array => {
  const k = new Uint8Array(20);
  k.set(bytes);
  return k;
};
const hexOf = (k: Uint8Array): string => Buffer.from(k).toString('hex');

describe('InfoHashTable', () => {
  it('finds what was added, by value and at an offset, and nothing else', () => {
    const t = new InfoHashTable<string>(1);
    const a = key(1, 2, 3);
    const b = key(1, 2, 4);
    expect(t.find(a)).toBe(-1);
    expect(t.add(a, 0, 'a')).toBe(0);
    expect(t.add(b, 0, 'b')).toBe(1);
    expect(t.size).toBe(2);
    expect(t.valueAt(t.find(key(1, 2, 3)))).toBe('a');
    expect(t.valueAt(t.find(b))).toBe('b');
    expect(t.find(key(1, 2, 5))).toBe(-1);
    const datagram = new Uint8Array(60).fill(9);
    datagram.set(b, 33);
    expect(t.find(datagram, 33)).toBe(1);
    expect(t.find(datagram, 32)).toBe(-1);
    // Added from an offset: the key is copied, not aliased.
    datagram.set(key(7), 10);
    const at = t.add(datagram, 10, 'c');
    datagram.fill(0);
    expect(t.find(key(7))).toBe(at);
    expect(hexOf(t.keyAt(at))).toBe(hexOf(key(7)));
  });

  it('moves the last entry into a removed one and keeps both findable', () => {
    const t = new InfoHashTable<number>(2);
    for (let i = 0; i < 5; i++) t.add(key(i), 0, i);
    t.removeAt(1);
    expect(t.size).toBe(4);
    expect(t.find(key(1))).toBe(-1);
    expect(t.find(key(4))).toBe(1);
    expect(t.valueAt(1)).toBe(4);
    t.removeAt(3);
    t.removeAt(99); // out of range: ignored
    expect(t.size).toBe(3);
    expect([0, 2, 4].map((i) => t.valueAt(t.find(key(i))))).toEqual([0, 2, 4]);
    expect(() => t.valueAt(3)).toThrow(RangeError);
  });

  it('agrees with a Map through random adds and removes, growing and shrinking', () => {
    const random = lcg(42);
    const t = new InfoHashTable<number>(Math.floor(random() * 2 ** 32));
    const model = new Map<string, number>();
    let peak = 0;
    // Keys from a small space (most differ in one or two bytes) so adds and removes collide.
    const randomKey = () =>
      key(
        Math.floor(random() * 4),
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        Math.floor(random() * 64),
        Math.floor(random() * 16),
      );
    for (let step = 0; step < 40_000; step++) {
      const k = randomKey();
      const at = t.find(k);
      const expected = model.get(hexOf(k));
      expect(at >= 0 ? t.valueAt(at) : undefined).toBe(expected);
      // Grow for the first half, shrink for the second.
      const addBias = step < 20_000 ? 0.7 : 0.2;
      if (at < 0 && random() < addBias) {
        t.add(k, 0, step);
        model.set(hexOf(k), step);
      } else if (at >= 0 && random() >= addBias) {
        t.removeAt(at);
        model.delete(hexOf(k));
      }
      expect(t.size).toBe(model.size);
      peak = Math.max(peak, model.size);
      if (step % 2000 === 0) {
        const seen = new Map<string, number>();
        for (let i = 0; i < t.size; i++) seen.set(hexOf(t.keyAt(i)), t.valueAt(i));
        expect(seen).toEqual(model);
      }
    }
    // Of 4096 possible keys, ~70% were present at the peak and ~20% at the end.
    expect(peak).toBeGreaterThan(2500);
    expect(model.size).toBeLessThan(1200);
  });

  it('hashes by a per-table seed: keys that collide in one table do not in another', () => {
    // The same keys spread differently under two seeds, so no key set collides for every seed.
    const a = new InfoHashTable<number>(1);
    const b = new InfoHashTable<number>(2);
    for (let i = 0; i < 64; i++) {
      a.add(key(i), 0, i);
      b.add(key(i), 0, i);
    }
    const order = (t: InfoHashTable<number>) =>
      Array.from({ length: 64 }, (_, i) => t.find(key(i))).join(',');
    expect(order(a)).toBe(order(b)); // same dense indices…
    const slotsOf = (t: InfoHashTable<number>) =>
      Array.from((t as unknown as { index: { slots: Int32Array } }).index.slots).join(',');
    expect(slotsOf(a)).not.toBe(slotsOf(b)); // …in different slots
  });
});
