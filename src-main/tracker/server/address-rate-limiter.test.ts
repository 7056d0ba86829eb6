import { describe, expect, it } from 'vitest';
import { AddressRateLimiter } from './address-rate-limiter.ts';

function setup(maxAddresses = 10) {
  let now = 0;
  const limiter = new AddressRateLimiter({ now: () => now, burst: 3, perMinute: 6, maxAddresses });
  return { limiter, advance: (ms: number) => (now += ms) };
}

describe('AddressRateLimiter', () => {
  it('allows a burst, then one per refill period', () => {
    const { limiter, advance } = setup();
    expect([1, 2, 3, 4].map(() => limiter.tryTake('a'))).toEqual([true, true, true, false]);
    expect(limiter.tryTake('b')).toBe(true); // per address
    advance(9_999);
    expect(limiter.tryTake('a')).toBe(false);
    advance(1);
    expect(limiter.tryTake('a')).toBe(true);
  });

  it('bounds the table and forgets refilled addresses', () => {
    const { limiter, advance } = setup(2);
    limiter.tryTake('a');
    limiter.tryTake('b');
    limiter.tryTake('c');
    expect(limiter.size).toBe(2);
    advance(10_000);
    limiter.prune();
    expect(limiter.size).toBe(0);
  });
});
