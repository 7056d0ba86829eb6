// Round-trip time and retransmission time-out, the way TCP does it (RFC 6298) with the
// bounds BEP 29 gives uTP: the time-out is srtt + 4·rttvar, never under 500 ms.
// Samples come only from packets sent once (Karn's rule: an ack of a resent packet
// does not say which copy it answers); the caller enforces that.

export const MIN_RTO_MS = 500;
export const MAX_RTO_MS = 60_000;
export const INITIAL_RTO_MS = 1000;

export class RttEstimator {
  /** Smoothed round trip, ms (0 until the first sample). */
  srttMs = 0;
  rttVarMs = 0;
  rtoMs = INITIAL_RTO_MS;
  private backedOff = 1;

  sample(rttMs: number): void {
    const r = Math.max(0, rttMs);
    if (this.srttMs === 0) {
      this.srttMs = r;
      this.rttVarMs = r / 2;
    } else {
      this.rttVarMs += (Math.abs(this.srttMs - r) - this.rttVarMs) / 4;
      this.srttMs += (r - this.srttMs) / 8;
    }
    this.backedOff = 1;
    this.rtoMs = clampRto(this.srttMs + 4 * this.rttVarMs);
  }

  /** A time-out fired: the next one waits twice as long (until a fresh sample). */
  backOff(): void {
    this.backedOff = Math.min(this.backedOff * 2, 64);
    this.rtoMs = clampRto(
      (this.srttMs === 0 ? INITIAL_RTO_MS : this.srttMs + 4 * this.rttVarMs) * this.backedOff,
    );
  }
}

const clampRto = (ms: number): number => Math.min(MAX_RTO_MS, Math.max(MIN_RTO_MS, ms));
