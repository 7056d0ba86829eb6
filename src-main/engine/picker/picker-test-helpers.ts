import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import type { PickerPeer } from './block-picker.ts';

/** Deterministic PRNG (mulberry32) for table tests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function manualClock(startMs = 1_000_000): { t: number; now: () => number } {
  const c = { t: startMs, now: () => c.t };
  return c;
}

export function bitfieldOf(length: number, pieces: Iterable<number>): Bitfield {
  const b = new Bitfield(length);
  for (const p of pieces) b.set(p);
  return b;
}

export function testPeer(id: string, bitfield: Bitfield, extra: Partial<PickerPeer> = {}): PickerPeer {
  return { id, has: (i) => bitfield.get(i), ...extra };
}
