import { describe, expect, it } from 'vitest';
import { RateMeter } from './rate-meter.ts';

function clock(startMs = 0) {
  const c = { t: startMs, now: () => c.t };
  return c;
}

describe('RateMeter', () => {
  it('reports a steady rate once the window is full', () => {
    const c = clock(10_000);
    const m = new RateMeter({ now: c.now, windowMs: 5000 });
    // 100 kB every 100 ms = 1 MB/s, for 10 s
    for (let i = 0; i < 100; i++) {
      c.t += 100;
      m.add(100_000);
    }
    // within one bucket's worth of quantisation (1/9 of the window at worst)
    expect(Math.abs(m.bytesPerSecond() - 1_000_000)).toBeLessThan(1_000_000 / 9);
    c.t += 250; // mid-bucket, the estimate is tighter
    expect(Math.abs(m.bytesPerSecond() - 1_000_000)).toBeLessThan(1_000_000 / 18);
    expect(m.totalBytes).toBe(10_000_000);
  });

  it('does not dilute a young meter with time before it existed', () => {
    const c = clock(0);
    const m = new RateMeter({ now: c.now, windowMs: 10_000 });
    c.t = 2000;
    m.add(4_000_000);
    // 4 MB over the 2 s the meter has lived, not over 10 s
    expect(m.bytesPerSecond()).toBeCloseTo(2_000_000, -3);
  });

  it('averages a burst at creation over at least one bucket', () => {
    const c = clock(0);
    const m = new RateMeter({ now: c.now, windowMs: 5000, bucketMs: 500 });
    m.add(1000);
    expect(Number.isFinite(m.bytesPerSecond())).toBe(true);
    expect(m.bytesPerSecond()).toBe(2000);
  });

  it('forgets bytes older than the window', () => {
    const c = clock(0);
    const m = new RateMeter({ now: c.now, windowMs: 5000 });
    c.t = 1000;
    m.add(5_000_000);
    c.t = 7000;
    expect(m.bytesPerSecond()).toBe(0);
    expect(m.totalBytes).toBe(5_000_000);
    c.t = 7500;
    m.add(500);
    // 500 B over the 9 full buckets behind us + 0 ms of the current one = 4.5 s
    expect(m.bytesPerSecond()).toBeCloseTo(500 / 4.5, 6);
  });

  it('decays gradually as buckets slide out', () => {
    const c = clock(0);
    const m = new RateMeter({ now: c.now, windowMs: 4000, bucketMs: 1000 });
    for (let s = 0; s < 8; s++) {
      c.t = s * 1000 + 500;
      m.add(1000);
    }
    c.t = 8000; // window = buckets 5, 6, 7 (1000 B each) + 0 ms of bucket 8
    expect(m.bytesPerSecond()).toBeCloseTo(1000, 6);
    c.t = 10_000; // window = buckets 7, 8, 9 + 0 ms of 10: only bucket 7 holds bytes
    expect(m.bytesPerSecond()).toBeCloseTo(1000 / 3, 6);
    c.t = 11_000;
    expect(m.bytesPerSecond()).toBe(0);
  });

  it('ignores a clock that steps back and non-positive adds', () => {
    const c = clock(5000);
    const m = new RateMeter({ now: c.now, windowMs: 5000 });
    c.t = 6000;
    m.add(1000);
    c.t = 5500;
    m.add(1000);
    m.add(0);
    m.add(-5);
    expect(m.totalBytes).toBe(2000);
    c.t = 6000;
    expect(m.bytesPerSecond()).toBe(2000);
  });

  it('is empty before any byte and again once the window has passed over the last one', () => {
    const c = clock(10_000);
    const m = new RateMeter({ now: c.now, windowMs: 5000 });
    expect(m.isEmpty).toBe(true);
    m.add(1000);
    expect(m.isEmpty).toBe(false);
    c.t += 6000;
    expect(m.bytesPerSecond()).toBe(0);
    expect(m.isEmpty).toBe(true);
  });

  it('rejects a bucket wider than the window', () => {
    expect(() => new RateMeter({ windowMs: 100, bucketMs: 200 })).toThrow(RangeError);
    expect(() => new RateMeter({ windowMs: 0 })).toThrow(RangeError);
  });
});
