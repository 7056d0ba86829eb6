/**
 * How many datagrams from the LAN we handle: a bucket of `burst` that refills at
 * `perSecond`. Anyone on the LAN can send to a multicast port, so past the budget
 * datagrams are dropped unread rather than decoded, matched and dialed.
 */
export class DatagramBudget {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.lastMs = now();
  }

  /** True when one more datagram may be handled now (and counts it). */
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.lastMs) / 1000) * this.perSecond);
    this.lastMs = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
