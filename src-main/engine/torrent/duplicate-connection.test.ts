import { describe, expect, it } from 'vitest';
import { keepsNewcomer } from './duplicate-connection.ts';

const LOW = new Uint8Array(20).fill(0x10);
const HIGH = new Uint8Array(20).fill(0x20);
type Direction = 'outgoing' | 'incoming';
const other = (d: Direction): Direction => (d === 'outgoing' ? 'incoming' : 'outgoing');

/**
 * Both ends of a pair that dialed each other at once, each with its own order of arrival:
 * which connection each end keeps, named by who opened it.
 */
function keptOpener(lowFirst: Direction, highFirst: Direction): { atLow: string; atHigh: string } {
  const kept = (us: Uint8Array, them: Uint8Array, first: Direction) =>
    keepsNewcomer(us, them, first, other(first)) ? other(first) : first;
  // An outgoing connection at one end is the one that end opened.
  const opener = (us: string, them: string, d: Direction) => (d === 'outgoing' ? us : them);
  return {
    atLow: opener('low', 'high', kept(LOW, HIGH, lowFirst)),
    atHigh: opener('high', 'low', kept(HIGH, LOW, highFirst)),
  };
}

describe('keepsNewcomer (two connections to one peer)', () => {
  it('both ends keep the same connection, whatever order each saw them in: the one the greater peer id opened', () => {
    for (const lowFirst of ['outgoing', 'incoming'] as const)
      for (const highFirst of ['outgoing', 'incoming'] as const)
        expect(keptOpener(lowFirst, highFirst)).toEqual({ atLow: 'high', atHigh: 'high' });
  });

  it('two connections opened by the same side keep the older', () => {
    expect(keepsNewcomer(LOW, HIGH, 'outgoing', 'outgoing')).toBe(false);
    expect(keepsNewcomer(LOW, HIGH, 'incoming', 'incoming')).toBe(false);
    expect(keepsNewcomer(HIGH, LOW, 'outgoing', 'outgoing')).toBe(false);
    expect(keepsNewcomer(HIGH, LOW, 'incoming', 'incoming')).toBe(false);
  });

  it('compares the ids as bytes, first difference first', () => {
    const a = new Uint8Array(20).fill(0xff);
    a[0] = 0x01;
    const b = new Uint8Array(20);
    b[0] = 0x02;
    // b is the greater id: at a, the connection b opened (incoming) replaces a's outgoing.
    expect(keepsNewcomer(a, b, 'outgoing', 'incoming')).toBe(true);
    expect(keepsNewcomer(b, a, 'incoming', 'outgoing')).toBe(true);
  });
});
