import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatEta,
  formatPercent,
  formatRate,
  formatRatio,
  formatRelative,
  plural,
} from './format.ts';

describe('format', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.00 KiB'],
    [1536, '1.50 KiB'],
    [10 * 1024 * 1024, '10.0 MiB'],
    [500 * 1024 ** 3, '500 GiB'],
    [-1, '–'],
    [Number.NaN, '–'],
  ])('formatBytes(%d) = %s', (n, s) => expect(formatBytes(n)).toBe(s));

  it('formats rates, zero and negatives as 0 B/s', () => {
    expect(formatRate(2048)).toBe('2.00 KiB/s');
    expect(formatRate(0)).toBe('0 B/s');
    expect(formatRate(-5)).toBe('0 B/s');
  });

  it.each([
    [null, '–'],
    [5, '5s'],
    [65, '1m 5s'],
    [3 * 3600 + 20 * 60, '3h 20m'],
    [2 * 86_400 + 4 * 3600, '2d 4h'],
    [200 * 86_400, '∞'],
  ])('formatEta(%s) = %s', (s, t) => expect(formatEta(s)).toBe(t));

  it('never rounds an incomplete download up to 100%', () => {
    expect(formatPercent(0.9996)).toBe('99.9%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0.051)).toBe('5.1%');
    expect(formatPercent(0)).toBe('0%');
  });

  it('formats ratios and relative times', () => {
    expect(formatRatio(1.234)).toBe('1.23');
    expect(formatRatio(Infinity)).toBe('–');
    expect(formatRelative(10_000, 70_000)).toBe('1 min ago');
    expect(formatRelative(100_000, 70_000)).toBe('in 30s');
    expect(formatRelative(null, 0)).toBe('–');
  });

  it('counts with the right noun: 1 peer, 0 peers, 2 peers', () => {
    expect([plural(1, 'peer'), plural(0, 'peer'), plural(2, 'seed')]).toEqual([
      '1 peer',
      '0 peers',
      '2 seeds',
    ]);
  });
});
