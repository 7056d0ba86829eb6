/**
 * Transfer rate over a sliding window, kept as a ring of fixed-width buckets.
 *
 * `add` is O(1) (amortised: a jump of k buckets clears min(k, bucketCount) slots) and
 * allocates nothing, so it can sit on the hot path of every received block. The rate is
 * the window's byte sum divided by the time the window really covers, so a young meter
 * (or one whose window reaches back before it was created) is not diluted by empty time —
 * that matters for the request-queue depth of a fresh loopback peer.
 */
export interface RateMeterOptions {
  /** Injected clock in milliseconds (default `Date.now`). */
  now?: () => number;
  /** Length of the sliding window (default 5000 ms). */
  windowMs?: number;
  /** Width of one bucket (default windowMs / 10). */
  bucketMs?: number;
}

export class RateMeter {
  /** Bytes ever added. */
  totalBytes = 0;
  readonly windowMs: number;
  readonly bucketMs: number;
  private readonly now: () => number;
  private readonly buckets: Float64Array;
  /** Absolute number (floor(nowMs / bucketMs)) of the bucket being filled. */
  private headBucket: number;
  private windowSumBytes = 0;
  private readonly startMs: number;

  constructor(options: RateMeterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.windowMs = options.windowMs ?? 5000;
    this.bucketMs = options.bucketMs ?? this.windowMs / 10;
    if (!(this.windowMs > 0) || !(this.bucketMs > 0) || this.bucketMs > this.windowMs) {
      throw new RangeError(`bad rate window ${this.windowMs} ms / bucket ${this.bucketMs} ms`);
    }
    this.buckets = new Float64Array(Math.max(1, Math.round(this.windowMs / this.bucketMs)));
    this.startMs = this.now();
    this.headBucket = Math.floor(this.startMs / this.bucketMs);
  }

  /** No bytes in the window: the rate reads 0 until the next `add`. No clock read. */
  get isEmpty(): boolean {
    return this.windowSumBytes === 0;
  }

  add(bytes: number): void {
    if (!(bytes > 0)) return;
    this.advance(this.now());
    this.buckets[mod(this.headBucket, this.buckets.length)]! += bytes;
    this.windowSumBytes += bytes;
    this.totalBytes += bytes;
  }

  /** Average rate over the window (bytes per second). */
  bytesPerSecond(): number {
    const nowMs = this.now();
    this.advance(nowMs);
    const n = this.buckets.length;
    // The window is the n-1 full buckets behind us plus the elapsed part of the current one.
    const windowSpanMs = (n - 1) * this.bucketMs + (nowMs - this.headBucket * this.bucketMs);
    // Never divide by less than one bucket: a single burst right after creation would
    // otherwise read as an absurd rate.
    const spanMs = Math.max(this.bucketMs, Math.min(windowSpanMs, nowMs - this.startMs));
    return (this.windowSumBytes * 1000) / spanMs;
  }

  private advance(nowMs: number): void {
    const bucket = Math.floor(nowMs / this.bucketMs);
    if (bucket <= this.headBucket) return; // same bucket, or the clock stepped back
    const n = this.buckets.length;
    const steps = Math.min(bucket - this.headBucket, n);
    for (let i = 1; i <= steps; i++) {
      const slot = mod(this.headBucket + i, n);
      this.windowSumBytes -= this.buckets[slot]!;
      this.buckets[slot] = 0;
    }
    if (steps === n) this.windowSumBytes = 0; // whole window expired: drop float residue
    this.headBucket = bucket;
  }
}

function mod(a: number, n: number): number {
  const r = a % n;
  return r < 0 ? r + n : r;
}
