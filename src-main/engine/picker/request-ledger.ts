import { BLOCK_FREE, BLOCK_RECEIVED, BLOCK_REQUESTED, PartialPiece } from './partial-piece.ts';
import type { PieceGeometry } from './piece-geometry.ts';
import {
  newPeerState,
  type BlockReceivedResult,
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
export class RequestLedger {
  readonly partials = new Map<number, PartialPiece>();
  /** Started pieces with at least one free block, oldest first. */
  readonly freePartials = new Set<number>();
  private readonly peers = new Map<string, PeerState>();

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
    const partial = new PartialPiece(pieceIndex, this.geometry.blockCount(pieceIndex));
    this.partials.set(pieceIndex, partial);
    this.freePartials.add(pieceIndex);
    return partial;
  }

  /** Request free blocks of `partial` in order until `out` holds `budget` requests. */
  takeFree(partial: PartialPiece, peerId: string, ps: PeerState, out: BlockRequest[], budget: number): void {
    while (out.length < budget) {
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
    out: BlockRequest[],
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
            if (out.length >= budget) return;
          }
        }
      }
    }
  }

  private request(
    partial: PartialPiece,
    b: number,
    peerId: string,
    ps: PeerState,
    out: BlockRequest[],
  ): void {
    const p = partial.pieceIndex;
    if (partial.state[b] === BLOCK_FREE) this.freeBlocks--;
    partial.addRequester(b, peerId);
    if (partial.freeCount === 0) this.freePartials.delete(p);
    const nowMs = this.now();
    if (ps.outstanding.size === 0) ps.waitingSinceMs = nowMs;
    ps.outstanding.set(this.key(p, b), nowMs);
    out.push(this.blockRequest(p, b));
  }

  /** A block arrived for a started piece. */
  receive(peerId: string, partial: PartialPiece, b: number): BlockReceivedResult {
    const p = partial.pieceIndex;
    const key = this.key(p, b);
    const ps = this.peers.get(peerId);
    if (ps) {
      ps.outstanding.delete(key);
      ps.lastDeliveryMs = this.now();
      ps.snubbed = false;
    }
    if (partial.state[b] === BLOCK_RECEIVED) return { accepted: false, pieceComplete: false, cancel: [] };
    if (partial.state[b] === BLOCK_FREE) this.freeBlocks--;
    const others = partial.receive(b, peerId);
    if (partial.freeCount === 0) this.freePartials.delete(p);
    const cancel: CancelRequest[] = [];
    for (const id of others) {
      this.peers.get(id)?.outstanding.delete(key);
      cancel.push({ peerId: id, block: this.blockRequest(p, b) });
    }
    return { accepted: true, pieceComplete: partial.complete, cancel };
  }

  /** One request of one peer is void; true when its block went back to free. */
  release(peerId: string, ps: PeerState, key: number): boolean {
    if (!ps.outstanding.delete(key)) return false;
    const p = Math.floor(key / this.geometry.blocksPerPiece);
    const partial = this.partials.get(p);
    if (!partial || !partial.removeRequester(key - p * this.geometry.blocksPerPiece, peerId)) return false;
    this.freeBlocks++;
    this.freePartials.add(p);
    return true;
  }

  releaseAll(peerId: string, ps: PeerState): number {
    let released = 0;
    for (const key of [...ps.outstanding.keys()]) if (this.release(peerId, ps, key)) released++;
    return released;
  }

  releaseOlderThan(peerId: string, ps: PeerState, cutoffMs: number): BlockRequest[] {
    const out: BlockRequest[] = [];
    for (const [key, atMs] of ps.outstanding) {
      if (atMs > cutoffMs) continue;
      out.push(this.blockFromKey(key));
      this.release(peerId, ps, key);
    }
    return out;
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
    const base = this.key(pieceIndex, 0);
    for (let b = 0; b < partial.blockCount; b++) {
      for (const id of partial.requesters[b] ?? []) {
        this.peers.get(id)?.outstanding.delete(base + b);
        cancel?.push({ peerId: id, block: this.blockRequest(pieceIndex, b) });
      }
    }
    if (outcome === 'verified') this.freeBlocks -= partial.freeCount;
    else this.freeBlocks += partial.blockCount - partial.freeCount;
    this.partials.delete(pieceIndex);
    this.freePartials.delete(pieceIndex);
    return contributors;
  }

  /** Sticky like libtorrent's: once snubbed, a peer stays so until it delivers a block. */
  isSnubbed(ps: PeerState): boolean {
    if (ps.snubbed || ps.outstanding.size === 0) return ps.snubbed;
    ps.snubbed = this.now() - Math.max(ps.lastDeliveryMs, ps.waitingSinceMs) >= this.snubTimeoutMs;
    return ps.snubbed;
  }

  key(pieceIndex: number, blockIndex: number): number {
    return pieceIndex * this.geometry.blocksPerPiece + blockIndex;
  }

  blockRequest(pieceIndex: number, b: number): BlockRequest {
    const g = this.geometry;
    return { pieceIndex, offsetBytes: b * g.blockLengthBytes, lengthBytes: g.blockLength(pieceIndex, b) };
  }

  blockFromKey(key: number): BlockRequest {
    const p = Math.floor(key / this.geometry.blocksPerPiece);
    return this.blockRequest(p, key - p * this.geometry.blocksPerPiece);
  }
}
