import { describe, expect, it } from 'vitest';
import { announceOrder, promote, retryDelayMs, shuffleTiers } from './announce-policy.ts';

/** Replays a fixed list of random numbers. */
const seq = (...xs: number[]) => {
  let i = 0;
  return () => xs[i++ % xs.length] ?? 0;
};

describe('BEP 12 announce-list policy', () => {
  it('shuffles within tiers only, dropping duplicates and empty tiers', () => {
    const tiers = [['a', 'b', 'c'], [], ['d', 'a'], ['e']];
    // random 0 always swaps position i with 0: [a,b,c] → i=2: swap(2,0) [c,b,a] → i=1: swap(1,0) [b,c,a]
    expect(shuffleTiers(tiers, seq(0))).toEqual([['b', 'c', 'a'], ['d'], ['e']]);
    // random just under 1 keeps each element in place
    expect(shuffleTiers(tiers, seq(0.999))).toEqual([['a', 'b', 'c'], ['d'], ['e']]);
  });

  it('is a permutation for any randomness', () => {
    for (let k = 0; k < 50; k++) {
      const out = shuffleTiers([['a', 'b', 'c', 'd']], Math.random);
      expect([...(out[0] ?? [])].sort()).toEqual(['a', 'b', 'c', 'd']);
    }
  });

  it.each([
    ['front already', [['a', 'b'], ['c']], 'a', [['a', 'b'], ['c']]],
    ['middle of tier', [['a', 'b', 'c'], ['d']], 'c', [['c', 'a', 'b'], ['d']]],
    ['second tier', [['a'], ['b', 'c']], 'c', [['a'], ['c', 'b']]],
    ['unknown url', [['a']], 'x', [['a']]],
  ])('promote: %s', (_name, tiers, url, expected) => {
    expect(promote(tiers, url)).toEqual(expected);
  });

  it('tries tiers in order, then trackers in order', () => {
    expect(announceOrder([['a', 'b'], ['c']])).toEqual([
      { url: 'a', tier: 0 },
      { url: 'b', tier: 0 },
      { url: 'c', tier: 1 },
    ]);
  });

  it.each([
    [1, 30_000],
    [2, 60_000],
    [3, 120_000],
    [7, 1_800_000],
    [100, 1_800_000],
  ])('retry after %d failed rounds waits %d ms', (failures, expected) => {
    expect(retryDelayMs(failures, 30_000, 1_800_000)).toBe(expected);
  });
});
