import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.ts';

function clock(startMs = 0) {
  const c = { t: startMs, now: () => c.t };
  return c;
}

describe('TokenBucket', () => {
  it('is unlimited at rate 0 (the default)', () => {
    const b = new TokenBucket();
    expect(b.unlimited).toBe(true);
    expect(b.take(1e12)).toBe(0);
    expect(b.take(1e12)).toBe(0);
  });

  it.each([
    // rate, burst, takes (at t=0), expected waits
    { rate: 1000, burst: 1000, takes: [500, 500, 500], waits: [0, 0, 500] },
    { rate: 1000, burst: 1000, takes: [3000], waits: [2000] },
    { rate: 100_000, burst: 16_384, takes: [16_384, 16_384, 16_384], waits: [0, 164, 328] },
  ])('rate $rate burst $burst: takes $takes wait $waits ms', ({ rate, burst, takes, waits }) => {
    const c = clock();
    const b = new TokenBucket({ rateBytesPerSec: rate, burstBytes: burst, now: c.now });
    expect(takes.map((n) => b.take(n))).toEqual(waits);
  });

  it('refills with time up to the burst only', () => {
    const c = clock();
    const b = new TokenBucket({ rateBytesPerSec: 1000, burstBytes: 2000, now: c.now });
    expect(b.take(2000)).toBe(0);
    expect(b.take(1000)).toBe(1000);
    c.t += 1000; // debt repaid
    expect(b.take(1000)).toBe(1000);
    c.t += 60_000; // long idle: the bucket holds only the burst
    expect(b.take(2000)).toBe(0);
    expect(b.take(500)).toBe(500);
  });

  it('long-run throughput matches the rate', () => {
    const c = clock();
    const b = new TokenBucket({ rateBytesPerSec: 50_000, burstBytes: 16_384, now: c.now });
    let sent = 0;
    // a sender that waits as told, for 10 simulated seconds
    while (c.t < 10_000) {
      c.t += b.take(16_384);
      sent += 16_384;
    }
    expect(sent / (c.t / 1000)).toBeLessThanOrEqual(50_000 + 16_384 / 10);
    expect(sent / (c.t / 1000)).toBeGreaterThan(48_000);
  });

  it('refund gives bytes back; setRate switches limits at run time', () => {
    const c = clock();
    const b = new TokenBucket({ rateBytesPerSec: 1000, burstBytes: 1000, now: c.now });
    expect(b.take(1500)).toBe(500);
    b.refund(1000);
    expect(b.take(400)).toBe(0);
    b.setRate(0);
    expect(b.take(1e9)).toBe(0);
    b.setRate(2000, 4000); // from unlimited: starts full
    expect(b.take(4000)).toBe(0);
    expect(b.take(2000)).toBe(1000);
    expect(() => b.setRate(-1)).toThrow(RangeError);
  });
});
