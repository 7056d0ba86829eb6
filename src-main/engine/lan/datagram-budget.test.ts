import { describe, expect, it } from 'vitest';
import { DatagramBudget } from './datagram-budget.ts';

describe('DatagramBudget', () => {
  it('lets a burst through, drops the rest, then refills at the rate', () => {
    let now = 0;
    const budget = new DatagramBudget(10, 5, () => now);
    const first = Array.from({ length: 8 }, () => budget.take());
    expect(first).toEqual([true, true, true, true, true, false, false, false]);
    now += 200; // 10/s for 0.2 s: two more
    expect([budget.take(), budget.take(), budget.take()]).toEqual([true, true, false]);
    now += 60_000; // never more than the burst after a long pause
    expect(Array.from({ length: 6 }, () => budget.take()).filter(Boolean)).toHaveLength(5);
  });
});
