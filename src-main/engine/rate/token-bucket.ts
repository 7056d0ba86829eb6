/**
 * Byte-rate limiter (see NOTES.md). A bucket fills at `rateBytesPerSec` up to `burstBytes`;
 * `take(bytes)` debits at once — the balance may go negative — and answers how long the
 * caller must wait before sending, i.e. until the debt is repaid. Debiting up front makes
 * concurrent callers queue in order without any list of waiters, and keeps `take` O(1)
 * and allocation-free. Rate 0 means unlimited (the default) and costs one comparison.
 */
export interface TokenBucketOptions {
  /** 0 = unlimited. */
  rateBytesPerSec?: number;
  /** Largest burst after an idle period (default: one second of rate, at least 64 KiB). */
  burstBytes?: number;
  now?: () => number;
}

const MIN_BURST_BYTES = 64 * 1024;

export interface RateLimiter {
  /** The limit in bytes per second; 0 = unlimited. */
  readonly rate: number;
  /** Debit `bytes`; returns milliseconds to wait before sending them (0 = go now). */
  take(bytes: number): number;
  /** Return bytes that were taken but never sent (e.g. the peer went away). */
  refund(bytes: number): void;
}

export class TokenBucket implements RateLimiter {
  private rateBytesPerSec = 0;
  private burstBytes = 0;
  private tokens = 0;
  private lastMs: number;
  private readonly now: () => number;

  constructor(options: TokenBucketOptions = {}) {
    this.now = options.now ?? Date.now;
    this.lastMs = this.now();
    this.setRate(options.rateBytesPerSec ?? 0, options.burstBytes);
  }

  get unlimited(): boolean {
    return this.rateBytesPerSec === 0;
  }

  get rate(): number {
    return this.rateBytesPerSec;
  }

  /** Change the limit at run time (settings); a new bucket starts full. */
  setRate(rateBytesPerSec: number, burstBytes?: number): void {
    if (!Number.isFinite(rateBytesPerSec) || rateBytesPerSec < 0) {
      throw new RangeError(`bad rate ${rateBytesPerSec} B/s`);
    }
    const wasUnlimited = this.rateBytesPerSec === 0;
    this.refill();
    this.rateBytesPerSec = rateBytesPerSec;
    this.burstBytes = Math.max(1, burstBytes ?? Math.max(rateBytesPerSec, MIN_BURST_BYTES));
    this.tokens = wasUnlimited ? this.burstBytes : Math.min(this.tokens, this.burstBytes);
  }

  take(bytes: number): number {
    if (this.rateBytesPerSec === 0 || !(bytes > 0)) return 0;
    this.refill();
    this.tokens -= bytes;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.rateBytesPerSec);
  }

  refund(bytes: number): void {
    if (this.rateBytesPerSec === 0 || !(bytes > 0)) return;
    this.refill();
    this.tokens = Math.min(this.burstBytes, this.tokens + bytes);
  }

  private refill(): void {
    const nowMs = this.now();
    const elapsedMs = nowMs - this.lastMs;
    this.lastMs = nowMs;
    if (elapsedMs <= 0 || this.rateBytesPerSec === 0) return;
    this.tokens = Math.min(this.burstBytes, this.tokens + (elapsedMs * this.rateBytesPerSec) / 1000);
  }
}
