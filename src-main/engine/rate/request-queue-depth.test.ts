import { describe, expect, it } from 'vitest';
import { requestQueueDepth } from './request-queue-depth.ts';

describe('requestQueueDepth', () => {
  it.each([
    // rate B/s, elapsedMs, reqq, expected depth
    { rate: 0, elapsed: undefined, reqq: undefined, want: 16, why: 'no rate: the floor' },
    { rate: 0, elapsed: 0, reqq: undefined, want: 64, why: 'fresh connection starts high' },
    { rate: 0, elapsed: 4999, reqq: undefined, want: 64, why: 'still warming up' },
    { rate: 0, elapsed: 5000, reqq: undefined, want: 16, why: 'warm and idle: the floor' },
    {
      rate: 100 * 1024,
      elapsed: undefined,
      reqq: undefined,
      want: 19,
      why: '100 KiB/s × 3 s / 16 KiB = 18.75',
    },
    { rate: 1024 * 1024, elapsed: 10_000, reqq: undefined, want: 192, why: '1 MiB/s × 3 s / 16 KiB' },
    {
      rate: 1024 * 1024,
      elapsed: 100,
      reqq: undefined,
      want: 192,
      why: 'a measured rate beats the initial depth',
    },
    { rate: 500e6, elapsed: undefined, reqq: undefined, want: 500, why: 'loopback speed: the ceiling' },
    {
      rate: 500e6,
      elapsed: undefined,
      reqq: 250,
      want: 250,
      why: 'the peer supports only 250 (BEP 10 reqq)',
    },
    { rate: 0, elapsed: 0, reqq: 10, want: 10, why: 'reqq below the floor and the initial depth wins' },
    { rate: Number.NaN, elapsed: undefined, reqq: 0, want: 16, why: 'junk inputs are ignored' },
  ])('$why → $want', ({ rate, elapsed, reqq, want }) => {
    expect(requestQueueDepth({ rateBytesPerSec: rate, elapsedMs: elapsed, peerReqq: reqq })).toBe(want);
  });

  it('honours custom options', () => {
    const opts = { targetQueueTimeSec: 1, minDepth: 2, maxDepth: 1000, blockLengthBytes: 1000 };
    expect(requestQueueDepth({ rateBytesPerSec: 123_456 }, opts)).toBe(124);
    expect(requestQueueDepth({ rateBytesPerSec: 10 }, opts)).toBe(2);
  });
});
