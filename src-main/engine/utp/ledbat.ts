// LEDBAT congestion control for uTP (BEP 29, RFC 6817): the window grows while the
// one-way queuing delay our packets see stays under the 100 ms target and shrinks in
// proportion as it goes over, so uTP yields to TCP and to interactive traffic on a
// shared link. Loss halves the window (once per window of data); a time-out drops it to
// one packet. Why these constants: ./NOTES.md.
//
// The delay sample is the peer's timestamp_difference: its clock when our packet arrived
// minus our clock when we sent it. The clocks are unrelated, so only the difference to
// the smallest sample seen recently (the base delay: the path with empty queues) means
// anything. Pure: no timers, no sockets, the clock is passed in.

export const TARGET_DELAY_US = 100_000;
/** Most the window grows per round trip when the delay is far below target. */
export const MAX_GAIN_BYTES_PER_RTT = 3000;
/** One base-delay bucket per minute, the last ten kept (RFC 6817 BASE_HISTORY). */
const BASE_BUCKET_MS = 60_000;
const BASE_HISTORY = 10;

export interface LedbatOptions {
  /** Bytes per full packet (payload + header): the smallest window, and the growth step. */
  packetBytes: number;
  /** The window never grows past this (bytes). */
  maxWindowBytes: number;
  targetDelayUs?: number;
}

export class Ledbat {
  /** Bytes that may be in flight. */
  windowBytes: number;
  /** Exponential growth until the first loss or the delay reaching the target. */
  slowStart = true;
  private packetBytes: number;
  private maxWindowBytes: number;
  private readonly targetUs: number;
  /** Minimum delay sample per minute bucket, newest last (ring). */
  private readonly baseBuckets = new Float64Array(BASE_HISTORY).fill(Infinity);
  private bucketIndex = 0;
  private bucketStartMs = -1;
  /** The latest queuing delay estimate (µs above the base delay); 0 before samples. */
  queuingDelayUs = 0;

  constructor(options: LedbatOptions) {
    this.packetBytes = options.packetBytes;
    this.maxWindowBytes = options.maxWindowBytes;
    this.targetUs = options.targetDelayUs ?? TARGET_DELAY_US;
    this.windowBytes = 2 * options.packetBytes;
  }

  /** Smallest delay sample of the history (µs), Infinity before any. */
  get baseDelayUs(): number {
    let min = Infinity;
    for (const v of this.baseBuckets) if (v !== Infinity && (min === Infinity || before(v, min))) min = v;
    return min;
  }

  /**
   * Records a timestamp_difference sample (µs, unsigned 32-bit) and returns the queuing
   * delay it implies. A sample below the base (the peer's clock drifted, or wrapped) starts
   * the history over instead of reading as a delay of four thousand seconds.
   */
  delaySample(sampleUs: number, nowMs: number): number {
    if (this.bucketStartMs < 0 || nowMs - this.bucketStartMs >= BASE_BUCKET_MS) {
      this.bucketIndex = (this.bucketIndex + 1) % BASE_HISTORY;
      this.baseBuckets[this.bucketIndex] = Infinity;
      this.bucketStartMs = nowMs;
    }
    const base = this.baseDelayUs;
    let queued = base === Infinity ? 0 : (sampleUs - base) >>> 0;
    if (queued > 0x7fffffff) {
      // sample < base modulo 2^32: a new minimum; the old buckets describe another clock offset.
      this.baseBuckets.fill(Infinity);
      queued = 0;
    }
    const bucket = this.baseBuckets[this.bucketIndex]!;
    if (bucket === Infinity || before(sampleUs, bucket)) this.baseBuckets[this.bucketIndex] = sampleUs;
    this.queuingDelayUs = queued;
    return queued;
  }

  /**
   * `ackedBytes` newly acknowledged while `flightBytes` were outstanding (before the ack).
   * Grows or shrinks the window by the LEDBAT rule, or exponentially in slow start.
   */
  onAck(ackedBytes: number, flightBytes: number): void {
    if (ackedBytes <= 0) return;
    const offTarget = (this.targetUs - this.queuingDelayUs) / this.targetUs;
    if (this.slowStart) {
      if (offTarget > 0) {
        this.windowBytes += ackedBytes;
      } else {
        this.slowStart = false;
      }
    }
    if (!this.slowStart) {
      // The window moves by at most MAX_GAIN per round trip: each ack its share of it.
      const share = ackedBytes / Math.max(flightBytes, this.packetBytes);
      this.windowBytes += MAX_GAIN_BYTES_PER_RTT * Math.max(-1, Math.min(1, offTarget)) * share;
    }
    this.clamp();
  }

  /** A packet was lost (fast retransmit or selective-ack hole): halve, once per window. */
  onLoss(): void {
    this.slowStart = false;
    this.windowBytes = this.windowBytes / 2;
    this.clamp();
  }

  /** The retransmission timer fired: start again from one packet, and grow slowly. */
  onTimeout(): void {
    this.slowStart = false;
    this.windowBytes = this.packetBytes;
  }

  /**
   * Packets grew (the connection learnt the peer reads bigger datagrams): the smallest
   * window and the ceiling follow; the window keeps its bytes, within the new bounds.
   */
  resize(packetBytes: number, maxWindowBytes: number): void {
    this.packetBytes = packetBytes;
    this.maxWindowBytes = maxWindowBytes;
    this.clamp();
  }

  private clamp(): void {
    this.windowBytes = Math.min(this.maxWindowBytes, Math.max(this.packetBytes, this.windowBytes));
  }
}

/** a is earlier than b on the 32-bit microsecond clock (modulo 2^32, within half its range). */
const before = (a: number, b: number): boolean => a !== b && (a - b) >>> 0 > 0x7fffffff;
