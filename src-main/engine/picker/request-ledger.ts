import { BLOCK_FREE, BLOCK_RECEIVED, BLOCK_REQUESTED, PartialPiece } from './partial-piece.ts';
import type { PieceGeometry } from './piece-geometry.ts';
import type { BlockRefBatch } from '../../protocol/wire/block-ref-batch.ts';
import {
  newPeerState,
  type BlockReceipt,
  type BlockRequest,
  type CancelRequest,
  type Contributor,
  type PeerState,
} from './picker-types.ts';

/**
 * Block-level bookkeeping under the picker: which blocks of the started pieces are free,
 * requested (from whom, since when) or received, and each peer's outstanding requests.
 * The BlockPicker decides *which piece*; this ledger keeps every request accounted for,
 * so a timeout, a choke or a lost peer returns exactly its blocks to the pool.
 */
/** Recycled PartialPieces kept at most (more than are ever in flight at once in practice). */
const MAX_IDLE_PARTIALS = 64;

export class RequestLedger {
  readonly partials = new Map<number, PartialPiece>();
  /** Started pieces with at least one free block, oldest first. */
  readonly freePartials = new Set<number>();
  private readonly peers = new Map<string, PeerState>();
  /**
   * Finished PartialPieces kept for the next pieces. A piece is in flight for tens of ms,
   * long enough to be promoted by a minor GC, so a fresh one per piece filled the old
   * generation with dead ones (docs/PERFORMANCE.md).
   */
  private readonly idlePartials: PartialPiece[] = [];
  /** Reused list of peer ids (receive, finish): no array per block. */
  private readonly scratchPeers: string[] = [];

  constructor(
    private readonly geometry: PieceGeometry,
    private readonly now: () => number,
    private readonly snubTimeoutMs: number,
    /** Blocks of wanted pieces that nobody has requested (started or not); 0 means endgame. */
    public freeBlocks: number,
  ) {}

  peer(peerId: string): PeerState {
    let ps = this.peers.get(peerId);
    if (!ps) {
      ps = newPeerState(this.now());
      this.peers.set(peerId, ps);
    }
    return ps;
  }

  findPeer(peerId: string): PeerState | undefined {
    return this.peers.get(peerId);
  }

  /** Release the peer's requests and forget it; returns how many blocks went back to free. */
  dropPeer(peerId: string): number {
    const ps = this.peers.get(peerId);
    if (!ps) return 0;
    const released = this.releaseAll(peerId, ps);
    this.peers.delete(peerId);
    return released;
  }

  start(pieceIndex: number): PartialPiece {
    const blockCount = this.geometry.blockCount(pieceIndex);
    const recycled = blockCount === this.geometry.blocksPerPiece ? this.idlePartials.pop() : undefined;
    const partial = recycled ? recycled.reuse(pieceIndex) : new PartialPiece(pieceIndex, blockCount);
    this.partials.set(pieceIndex, partial);
    this.freePartials.add(pieceIndex);
    return partial;
  }

  /** Request free blocks of `partial` in order until `out` holds `budget` requests. */
  takeFree(partial: PartialPiece, peerId: string, ps: PeerState, out: BlockRefBatch, budget: number): void {
    while (out.count < budget) {
      const b = partial.nextFree();
      if (b < 0) break;
      this.request(partial, b, peerId, ps, out);
    }
  }

  /** Endgame: duplicate requests of busy blocks, fewest requesters first, oldest pieces first. */
  takeBusy(
    canRequest: (pieceIndex: number) => boolean,
    maxRequestsPerBlock: number,
    peerId: string,
    ps: PeerState,
    out: BlockRefBatch,
    budget: number,
  ): void {
    for (let dup = 1; dup < maxRequestsPerBlock; dup++) {
      for (const partial of this.partials.values()) {
        if (partial.freeCount + partial.receivedCount === partial.blockCount) continue;
        if (!canRequest(partial.pieceIndex)) continue;
        for (let b = 0; b < partial.blockCount; b++) {
          if (
            partial.state[b] === BLOCK_REQUESTED &&
            partial.requesterCount(b) === dup &&
            !partial.isRequestedBy(b, peerId)
          ) {
            this.request(partial, b, peerId, ps, out);
            if (out.count >= budget) return;
          }
        }
      }
    }
  }

  private request(partial: PartialPiece, b: number, peerId: string, ps: PeerState, out: BlockRefBatch): void {
    const p = partial.pieceIndex;
    if (partial.state[b] === BLOCK_FREE) this.freeBlocks--;
    const nowMs = this.now();
    partial.addRequester(b, peerId, nowMs);
    if (partial.freeCount === 0) this.freePartials.delete(p);
    if (ps.outstanding === 0) ps.waitingSinceMs = nowMs;
    ps.outstanding++;
    out.push(p, b * this.geometry.blockLengthBytes, this.geometry.blockLength(p, b));
  }

  /**
   * A block arrived for a started piece. Other peers' requests for it (endgame duplicates)
   * are dropped and appended to `cancel`, when given.
   */
  receive(peerId: string, partial: PartialPiece, b: number, cancel: CancelRequest[] | null): BlockReceipt {
    const ps = this.peers.get(peerId);
    if (ps) {
      ps.lastDeliveryMs = this.now();
      ps.snubbed = false;
    }
    // A second copy: every request for the block was dropped when the first one came.
    if (partial.state[b] === BLOCK_RECEIVED) return 'dropped';
    if (partial.state[b] === BLOCK_FREE) this.freeBlocks--;
    const others = this.scratchPeers;
    others.length = 0;
    if (partial.receive(b, peerId, others) && ps) ps.outstanding--;
    if (partial.freeCount === 0) this.freePartials.delete(partial.pieceIndex);
    for (const id of others) {
      const other = this.peers.get(id);
      if (other) other.outstanding--;
      cancel?.push({ peerId: id, block: this.blockRequest(partial.pieceIndex, b) });
    }
    return partial.complete ? 'piece-complete' : 'accepted';
  }

  /** One request of one peer is void; true when its block went back to free. */
  release(peerId: string, ps: PeerState, pieceIndex: number, b: number): boolean {
    const partial = this.partials.get(pieceIndex);
    if (!partial) return false;
    const removal = partial.removeRequester(b, peerId);
    if (removal === 'not-requested') return false;
    ps.outstanding--;
    if (removal !== 'freed') return false;
    this.freeBlocks++;
    this.freePartials.add(pieceIndex);
    return true;
  }

  releaseAll(peerId: string, ps: PeerState): number {
    let released = 0;
    this.forEachRequestOf(peerId, ps, Infinity, (p, b) => {
      if (this.release(peerId, ps, p, b)) released++;
    });
    return released;
  }

  releaseOlderThan(peerId: string, ps: PeerState, cutoffMs: number): BlockRequest[] {
    const out: BlockRequest[] = [];
    this.forEachRequestOf(peerId, ps, cutoffMs, (p, b) => {
      out.push(this.blockRequest(p, b));
      this.release(peerId, ps, p, b);
    });
    return out;
  }

  /**
   * Calls `fn` for each outstanding request of the peer made at or before `cutoffMs`. The
   * blocks of each piece are listed before the calls, so `fn` may release them (releasing
   * never removes a started piece). Requests live in the started pieces (tens of them), so
   * this scan is cheap next to its callers' period.
   */
  private forEachRequestOf(
    peerId: string,
    ps: PeerState,
    cutoffMs: number,
    fn: (pieceIndex: number, block: number) => void,
  ): void {
    if (ps.outstanding === 0) return;
    const blocks: number[] = [];
    for (const partial of this.partials.values()) {
      blocks.length = 0;
      partial.blocksRequestedBy(peerId, cutoffMs, blocks);
      for (const b of blocks) fn(partial.pieceIndex, b);
    }
  }

  /**
   * The piece leaves the download: verified (its free blocks stop counting) or failed (all
   * its blocks are free again). Outstanding requests are dropped and, when `cancel` is
   * given, listed there. Returns who delivered its blocks.
   */
  finish(pieceIndex: number, outcome: 'verified' | 'failed', cancel: CancelRequest[] | null): Contributor[] {
    const partial = this.partials.get(pieceIndex);
    if (!partial) return [];
    const contributors = partial.contributors();
    const requesters = this.scratchPeers;
    for (let b = 0; b < partial.blockCount; b++) {
      requesters.length = 0;
      partial.takeRequesters(b, requesters);
      for (const id of requesters) {
        const ps = this.peers.get(id);
        if (ps) ps.outstanding--;
        cancel?.push({ peerId: id, block: this.blockRequest(pieceIndex, b) });
      }
    }
    if (outcome === 'verified') this.freeBlocks -= partial.freeCount;
    else this.freeBlocks += partial.blockCount - partial.freeCount;
    this.partials.delete(pieceIndex);
    this.freePartials.delete(pieceIndex);
    if (partial.blockCount === this.geometry.blocksPerPiece && this.idlePartials.length < MAX_IDLE_PARTIALS)
      this.idlePartials.push(partial);
    return contributors;
  }

  /** Sticky like libtorrent's: once snubbed, a peer stays so until it delivers a block. */
  isSnubbed(ps: PeerState): boolean {
    if (ps.snubbed || ps.outstanding === 0) return ps.snubbed;
    ps.snubbed = this.now() - Math.max(ps.lastDeliveryMs, ps.waitingSinceMs) >= this.snubTimeoutMs;
    return ps.snubbed;
  }

  blockRequest(pieceIndex: number, b: number): BlockRequest {
    const g = this.geometry;
    return { pieceIndex, offsetBytes: b * g.blockLengthBytes, lengthBytes: g.blockLength(pieceIndex, b) };
  }
}
