/**
 * How many datagrams from the LAN we handle. Anyone on the LAN can send to a multicast
 * port, so past the budget datagrams are dropped unread rather than decoded, matched and
 * dialed.
 *
 * Two token buckets stand between a datagram and its handler: one per source address,
 * then one shared by all. The per-sender bucket is what keeps one noisy or hostile machine
 * from spending the whole budget: it runs out of its own tokens long before the shared
 * ones are gone, and the other senders keep theirs. The shared bucket bounds the total
 * work, whatever the number of senders (a sender that forges source addresses gets a
 * fresh bucket per address, so against it only the shared cap holds). A datagram dropped
 * by either bucket costs the other nothing.
 *
 * The table of senders is bounded: when it is full, the sender heard from least recently
 * is forgotten. A forgotten sender starts again with a full bucket, which errs towards
 * handling its datagrams; the shared bucket still caps them, and a flood of forged
 * addresses cannot grow the table. The clock is injected.
 */
export interface DatagramRate {
  perSecond: number;
  /** Datagrams allowed at once after a quiet spell. */
  burst: number;
}

export interface DatagramBudgetOptions {
  /** What one source address may send. */
  perSender: DatagramRate;
  /** What all senders together may send; more than one sender's share, or nobody else gets any. */
  total: DatagramRate;
  /** Source addresses remembered at once. */
  maxSenders: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

export class DatagramBudget {
  /** Least recently heard first: a sender is moved to the end each time it is heard. */
  private readonly senders = new Map<string, Bucket>();
  private readonly total: Bucket;
  private readonly now: () => number;

  constructor(private readonly o: DatagramBudgetOptions) {
    this.now = o.now ?? Date.now;
    this.total = { tokens: o.total.burst, atMs: this.now() };
  }

  /** True when one more datagram from `sourceAddress` may be handled now (and counts it). */
  take(sourceAddress: string): boolean {
    const nowMs = this.now();
    let sender = this.senders.get(sourceAddress);
    if (sender) {
      this.senders.delete(sourceAddress);
      refill(sender, this.o.perSender, nowMs);
    } else {
      if (this.senders.size >= this.o.maxSenders) {
        const leastRecent = this.senders.keys().next();
        if (!leastRecent.done) this.senders.delete(leastRecent.value);
      }
      sender = { tokens: this.o.perSender.burst, atMs: nowMs };
    }
    this.senders.set(sourceAddress, sender);
    if (sender.tokens < 1) return false;
    refill(this.total, this.o.total, nowMs);
    if (this.total.tokens < 1) return false;
    sender.tokens -= 1;
    this.total.tokens -= 1;
    return true;
  }
}

function refill(bucket: Bucket, rate: DatagramRate, nowMs: number): void {
  const elapsedMs = Math.max(0, nowMs - bucket.atMs);
  bucket.tokens = Math.min(rate.burst, bucket.tokens + (elapsedMs / 1000) * rate.perSecond);
  bucket.atMs = nowMs;
}
