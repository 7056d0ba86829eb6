/**
 * A token bucket per key (an address or a network prefix), for what one sender may do at
 * a metered rate: catalog publishes, catalog searches, creating swarms. The table of addresses is bounded: when it is full the oldest-inserted address is
 * forgotten (it then starts again with a full bucket, which is the lenient outcome).
 * Pure: the clock is injected.
 */
export interface AddressRateLimiterOptions {
  now: () => number;
  /** Tokens a key may spend in a burst. */
  burst: number;
  /** Tokens regained per minute. */
  perMinute: number;
  /** Keys remembered at once. */
  maxAddresses: number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

export class AddressRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: AddressRateLimiterOptions) {}

  /** Takes one token for `address`; false when it has none left. */
  tryTake(address: string): boolean {
    const now = this.options.now();
    let bucket = this.buckets.get(address);
    if (bucket) {
      bucket.tokens = this.refilled(bucket, now);
      bucket.atMs = now;
    } else {
      if (this.buckets.size >= this.options.maxAddresses) {
        const oldest = this.buckets.keys().next();
        if (!oldest.done) this.buckets.delete(oldest.value);
      }
      bucket = { tokens: this.options.burst, atMs: now };
      this.buckets.set(address, bucket);
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Forgets addresses whose bucket is full again (they would start full anyway). */
  prune(): void {
    const now = this.options.now();
    for (const [address, bucket] of this.buckets) {
      if (this.refilled(bucket, now) >= this.options.burst) this.buckets.delete(address);
    }
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(bucket: Bucket, now: number): number {
    return Math.min(
      this.options.burst,
      bucket.tokens + ((now - bucket.atMs) / 60_000) * this.options.perMinute,
    );
  }
}
