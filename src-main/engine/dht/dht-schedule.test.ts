import { describe, expect, it } from 'vitest';
import { DEFAULT_DHT_SCHEDULE, nextDhtAnnounceDelayMs } from './dht-schedule.ts';

describe('DHT announce schedule', () => {
  it('re-announces every 15 minutes once peers were found', () => {
    expect(nextDhtAnnounceDelayMs(0, DEFAULT_DHT_SCHEDULE)).toBe(15 * 60_000);
  });

  it('retries an empty lookup sooner, doubling up to the interval', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 100].map((n) => nextDhtAnnounceDelayMs(n, DEFAULT_DHT_SCHEDULE));
    expect(delays).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000, 900_000]);
  });
});
