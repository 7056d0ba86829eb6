// The generator itself lives in mulberry32.ts (one copy); this module adds helpers over it.
import { mulberry32 } from './mulberry32.ts';

export { mulberry32 };

/** An integer in [0, n) from `rnd`. */
export const randomInt = (rnd: () => number, n: number): number => Math.floor(rnd() * n);

/** One element of a non-empty list, chosen with `rnd`. */
export const randomPick = <T>(rnd: () => number, items: readonly T[]): T =>
  items[Math.floor(rnd() * items.length)]!;

/**
 * Mixes two 32-bit numbers into a seed (a step of the murmur3 finaliser), so input `i` of
 * run `seed` gets its own stream and any single input can be replayed on its own.
 */
export function mixSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
