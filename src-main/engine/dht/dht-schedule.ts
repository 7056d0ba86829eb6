/**
 * When a torrent next asks the DHT for peers and announces itself. libtorrent re-announces
 * every 15 minutes (`dht_announce_interval`); we do the same once a lookup has found
 * peers. A lookup that found none (the routing table was still empty at start, or nobody
 * has the torrent yet) is retried sooner, doubling from `retryBaseMs` up to the interval,
 * so a magnet added before the DHT had nodes does not wait a quarter of an hour.
 */
export interface DhtScheduleTuning {
  /** Between announces once peers were found. Default 15 min. */
  intervalMs: number;
  /** First retry after a lookup that found no peer. Default 30 s. */
  retryBaseMs: number;
}

export const DEFAULT_DHT_SCHEDULE: DhtScheduleTuning = { intervalMs: 15 * 60_000, retryBaseMs: 30_000 };

/** `emptyStreak`: lookups in a row (the last included) that found no peer. */
export function nextDhtAnnounceDelayMs(emptyStreak: number, tuning: DhtScheduleTuning): number {
  if (emptyStreak <= 0) return tuning.intervalMs;
  const backoff = tuning.retryBaseMs * 2 ** Math.min(emptyStreak - 1, 30);
  return Math.min(tuning.intervalMs, backoff);
}
