/**
 * Which peer to ask for which BEP 9 metadata piece. Pure bookkeeping (the clock is passed
 * in); `P` is whatever identifies a peer.
 *
 * - **One request outstanding per peer.** rtorrent answers one `ut_metadata` request at a
 *   time and silently ignores a second one while the first is pending; asking for every
 *   piece at once then waiting for a time-out stalled magnets from rtorrent seeders.
 *   A 16 KiB piece per round trip is fast enough (metadata is rarely > 10 pieces), and
 *   more peers mean more pieces in flight.
 * - **Spread**: each piece is asked of one peer at a time; idle peers take the next
 *   pieces nobody is asked for, so pieces come from several peers at once.
 * - **Re-ask elsewhere**: a request unanswered for `retryMs` frees its piece; it goes to a
 *   peer that has not failed it (timed out or rejected) when there is one, else back to
 *   any idle peer (the request may simply have been lost). Peers with fewer time-outs are
 *   asked first. A late answer is still welcome: the caller takes data for any missing
 *   piece, from anyone.
 */
export class MetadataRequests<P> {
  private readonly outstanding = new Map<P, { piece: number; sentAtMs: number }>();
  private readonly timeouts = new Map<P, number>();
  private readonly failedBy = new Map<number, Set<P>>();

  constructor(private readonly retryMs: number) {}

  /** The piece this peer is asked for, if any. */
  pending(peer: P): number | undefined {
    return this.outstanding.get(peer)?.piece;
  }

  get outstandingCount(): number {
    return this.outstanding.size;
  }

  /**
   * Requests to send now, recorded as outstanding: one per idle peer of `peers` (those that
   * offer the metadata, in the caller's order), for pieces `0..pieceCount-1` that are
   * `missing` and not asked of anyone.
   */
  plan(
    peers: readonly P[],
    pieceCount: number,
    missing: (piece: number) => boolean,
    nowMs: number,
  ): { peer: P; piece: number }[] {
    const asked = new Set<number>();
    for (const { piece } of this.outstanding.values()) asked.add(piece);
    const idle = peers
      .filter((p) => !this.outstanding.has(p))
      .map((p, order) => ({ p, order, timeouts: this.timeouts.get(p) ?? 0 }))
      .sort((a, b) => a.timeouts - b.timeouts || a.order - b.order)
      .map((x) => x.p);
    const out: { peer: P; piece: number }[] = [];
    for (let piece = 0; piece < pieceCount && idle.length > 0; piece++) {
      if (!missing(piece) || asked.has(piece)) continue;
      const failed = this.failedBy.get(piece);
      let i = failed ? idle.findIndex((p) => !failed.has(p)) : 0;
      if (i < 0) i = 0; // everyone idle failed it once: try again
      const peer = idle.splice(i, 1)[0]!;
      this.outstanding.set(peer, { piece, sentAtMs: nowMs });
      out.push({ peer, piece });
    }
    return out;
  }

  /** Data for `piece` arrived from `peer` (whether or not it was asked). */
  answered(peer: P, piece: number): void {
    if (this.outstanding.get(peer)?.piece === piece) this.outstanding.delete(peer);
  }

  /** The peer rejected the piece (BEP 9 reject): ask someone else. */
  rejected(peer: P, piece: number): void {
    if (this.outstanding.get(peer)?.piece !== piece) return;
    this.outstanding.delete(peer);
    this.fail(peer, piece);
  }

  gone(peer: P): void {
    this.outstanding.delete(peer);
    this.timeouts.delete(peer);
    for (const failed of this.failedBy.values()) failed.delete(peer);
  }

  /** Frees requests unanswered for `retryMs`; returns the peers that timed out. */
  expire(nowMs: number): P[] {
    const late: P[] = [];
    for (const [peer, { piece, sentAtMs }] of this.outstanding) {
      if (nowMs - sentAtMs < this.retryMs) continue;
      this.outstanding.delete(peer);
      this.timeouts.set(peer, (this.timeouts.get(peer) ?? 0) + 1);
      this.fail(peer, piece);
      late.push(peer);
    }
    return late;
  }

  /** Forgets everything (the metadata arrived, or failed its hash and starts over). */
  reset(): void {
    this.outstanding.clear();
    this.timeouts.clear();
    this.failedBy.clear();
  }

  private fail(peer: P, piece: number): void {
    let failed = this.failedBy.get(piece);
    if (!failed) this.failedBy.set(piece, (failed = new Set()));
    failed.add(peer);
  }
}
