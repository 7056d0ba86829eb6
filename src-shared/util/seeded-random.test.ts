import { describe, expect, it } from 'vitest';
import { mixSeed, mulberry32, randomInt } from './seeded-random.ts';

describe('mulberry32', () => {
  it('replays the same sequence from the same seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('gives different sequences for different seeds', () => {
    expect(mulberry32(1)()).not.toBe(mulberry32(2)());
  });

  it('spreads integers over the whole range', () => {
    const rnd = mulberry32(7);
    const seen = new Set(Array.from({ length: 2000 }, () => randomInt(rnd, 10)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('mixSeed gives each input index its own seed', () => {
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => mixSeed(1, i)));
    expect(seeds.size).toBe(1000);
    expect(mixSeed(1, 5)).toBe(mixSeed(1, 5));
  });
});
