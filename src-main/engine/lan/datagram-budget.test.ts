import { describe, expect, it } from 'vitest';
import { DatagramBudget } from './datagram-budget.ts';

function setup(maxSenders = 16, totalBurst = 12) {
  let now = 0;
  const budget = new DatagramBudget({
    perSender: { perSecond: 10, burst: 5 },
    total: { perSecond: 30, burst: totalBurst },
    maxSenders,
    now: () => now,
  });
  const takes = (address: string, count: number) =>
    Array.from({ length: count }, () => budget.take(address)).filter(Boolean).length;
  return { budget, takes, advance: (ms: number) => (now += ms) };
}

describe('DatagramBudget', () => {
  it('lets a sender burst, drops the rest, then refills at the rate', () => {
    const { budget, advance } = setup();
    const first = Array.from({ length: 8 }, () => budget.take('192.0.2.1'));
    expect(first).toEqual([true, true, true, true, true, false, false, false]);
    advance(200); // 10/s for 0.2 s: two more
    expect([budget.take('192.0.2.1'), budget.take('192.0.2.1'), budget.take('192.0.2.1')]).toEqual([
      true,
      true,
      false,
    ]);
    advance(60_000); // never more than the burst after a long pause
    expect(Array.from({ length: 6 }, () => budget.take('192.0.2.1')).filter(Boolean)).toHaveLength(5);
  });

  it('a flooding sender spends only its own share: another sender is still handled', () => {
    const { takes, advance } = setup();
    expect(takes('192.0.2.66', 1000)).toBe(5);
    expect(takes('192.0.2.7', 3)).toBe(3);
    // A second of flooding: the flooder gets its rate, the honest sender its own.
    for (let ms = 0; ms < 1000; ms += 10) {
      advance(10);
      takes('192.0.2.66', 50);
    }
    expect(takes('192.0.2.7', 5)).toBe(5);
  });

  it('caps all senders together, and a datagram dropped by the cap costs its sender nothing', () => {
    const { takes, advance } = setup();
    // Three senders of 5 each against a total of 12: the third gets what is left.
    expect([takes('192.0.2.1', 5), takes('192.0.2.2', 5), takes('192.0.2.3', 5)]).toEqual([5, 5, 2]);
    expect(takes('192.0.2.4', 5)).toBe(0);
    advance(100); // 3 shared tokens back; the fourth sender's bucket is still full
    expect(takes('192.0.2.4', 5)).toBe(3);
  });

  it('remembers at most maxSenders addresses, forgetting the one heard least recently', () => {
    const { takes } = setup(3, 1000);
    expect(takes('192.0.2.1', 5)).toBe(5);
    expect(takes('192.0.2.2', 5)).toBe(5);
    expect(takes('192.0.2.1', 1)).toBe(0); // heard again: now the most recent
    expect(takes('192.0.2.3', 1)).toBe(1);
    // A fourth address pushes out the least recently heard (192.0.2.2), not the first one seen.
    expect(takes('192.0.2.4', 1)).toBe(1);
    expect(takes('192.0.2.1', 1)).toBe(0); // still remembered: still empty
    expect(takes('192.0.2.2', 5)).toBe(5); // forgotten: starts again with a full bucket
  });

  it('a flood from forged source addresses gets no more than the shared cap', () => {
    const { takes, advance } = setup();
    let handled = 0;
    for (let i = 0; i < 10_000; i++) handled += takes(`198.51.100.${i % 250}:${i}`, 1);
    expect(handled).toBe(12);
    advance(1000);
    expect(takes('192.0.2.7', 5)).toBe(5); // the shared bucket refills as usual
  });
});
