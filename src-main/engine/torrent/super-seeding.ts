/**
 * Super-seeding (BEP 16): an initial seeder that pretends to have nothing and offers each
 * peer one piece at a time (a HAVE), the piece fewest peers have or were offered. The next
 * piece goes to that peer only once it reports the offered one (its HAVE): by then it can
 * pass the piece on, so the seeder's upload goes to pieces the swarm lacks instead of to
 * the same first pieces for everyone. Worth it for the first copies of a share; a seed in
 * a healthy swarm gains nothing from it.
 *
 * This module only decides which piece to offer; ActiveTransfer sends the HAVEs.
 */
export class SuperSeeding {
  /** The piece each peer was last offered and has not reported yet. */
  private readonly pending = new Map<string, number>();
  /** Every piece each peer was offered, so turning the mode off announces the rest. */
  private readonly offeredTo = new Map<string, Set<number>>();
  /** How many offers each piece has had (counts toward rarity with what peers report). */
  private readonly offers: Uint32Array;

  constructor(
    readonly pieceCount: number,
    private readonly random: () => number = Math.random,
  ) {
    this.offers = new Uint32Array(pieceCount);
  }

  /**
   * The next piece to offer `peerId`, or null when it has everything or already waits on an
   * offer. `peerHas` is what the peer reported; `availability` how many connected peers
   * have a piece. Ties are broken from a random start so peers joining together spread out.
   */
  nextFor(
    peerId: string,
    peerHas: (piece: number) => boolean,
    availability: (piece: number) => number,
  ): number | null {
    if (this.pending.has(peerId)) return null;
    const offered = this.offeredTo.get(peerId);
    let best = -1;
    let bestScore = Infinity;
    const start = Math.floor(this.random() * this.pieceCount);
    for (let k = 0; k < this.pieceCount; k++) {
      const piece = (start + k) % this.pieceCount;
      if (peerHas(piece) || offered?.has(piece)) continue;
      const score = availability(piece) + this.offers[piece]!;
      if (score < bestScore) {
        best = piece;
        bestScore = score;
        if (score === 0) break;
      }
    }
    if (best < 0) return null;
    this.pending.set(peerId, best);
    this.offers[best]!++;
    let set = offered;
    if (!set) this.offeredTo.set(peerId, (set = new Set()));
    set.add(best);
    return best;
  }

  /** The peer reported `piece`; true when that was its offer (so it may have the next). */
  peerReported(peerId: string, piece: number): boolean {
    if (this.pending.get(peerId) !== piece) return false;
    this.pending.delete(peerId);
    return true;
  }

  /** Was `piece` offered to `peerId` (it already heard a HAVE for it)? */
  wasOffered(peerId: string, piece: number): boolean {
    return this.offeredTo.get(peerId)?.has(piece) ?? false;
  }

  peerGone(peerId: string): void {
    this.pending.delete(peerId);
    this.offeredTo.delete(peerId);
  }
}
