import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import { AvailabilityOrder } from './availability-order.ts';
import { PieceGeometry } from './piece-geometry.ts';
import { RequestLedger } from './request-ledger.ts';
import { BlockRefBatch } from '../../protocol/wire/block-ref-batch.ts';
import type {
  BlockPickerOptions,
  BlockReceipt,
  BlockRequest,
  CancelRequest,
  Contributor,
  PeerState,
  PickerPeer,
  PieceState,
} from './picker-types.ts';

export type * from './picker-types.ts';

const MISSING = 0;
const DOWNLOADING = 1;
const HAVE = 2;
/** Had it, but its bytes on disk changed (pieceLost): neither have nor wanted until a recheck. */
const HELD = 3;

/** Piece priorities (setPiecePriorities): the highest priority of the files it touches. */
export const PRIORITY_SKIP = 0;
export const PRIORITY_NORMAL = 1;
export const PRIORITY_HIGH = 2;

/**
 * Decides which blocks to request from which peer (see NOTES.md for the why). Pure state:
 * no sockets, no timers; the engine reports events and asks `pickInto` to fill a peer's
 * pipeline. Clock and randomness are injected. Piece choice lives here; block-level
 * request bookkeeping in RequestLedger; availability order in AvailabilityOrder.
 */
export class BlockPicker {
  readonly geometry: PieceGeometry;
  /** In-order picking (streaming); may be switched at any time. */
  sequential: boolean;
  private readonly haveBits: Bitfield;
  /** Per piece: MISSING (not started), DOWNLOADING (in the ledger) or HAVE. */
  private readonly state: Uint8Array;
  private readonly order: AvailabilityOrder;
  private readonly ledger: RequestLedger;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly randomFirstPieces: number;
  private readonly endgameMaxRequestsPerBlock: number;
  private readonly endgamePeerQueue: number;
  private haveCountValue = 0;
  private downloadingCount = 0;
  /** Lowest piece index we do not have (sequential mode). */
  private sequentialCursor = 0;
  /** Bumped whenever a started piece becomes unstarted again (see PeerState.noMissingEpoch). */
  private missingEpoch = 0;
  /** Per piece: PRIORITY_SKIP (never started), PRIORITY_NORMAL or PRIORITY_HIGH. */
  private readonly priority: Uint8Array;
  /** Unstarted pieces that are skipped: out of the wanted region and of the free block count. */
  private skippedMissing = 0;
  /** Pieces with a priority above skip that we do not have: 0 = the selection is complete. */
  private wantedLeft = 0;
  /** High-priority pieces in index order, picked before any normal piece. */
  private highPieces: Int32Array = new Int32Array(0);
  /** Pieces a reader waits for, most urgent first (setDeadlines): picked before anything. */
  private deadlinePieces: readonly number[] = [];

  constructor(o: BlockPickerOptions) {
    this.geometry = new PieceGeometry(o);
    const n = this.geometry.pieceCount;
    this.now = o.now ?? Date.now;
    this.random = o.random ?? Math.random;
    this.sequential = o.sequential ?? false;
    this.randomFirstPieces = o.randomFirstPieces ?? 4;
    this.endgameMaxRequestsPerBlock = Math.max(1, o.endgameMaxRequestsPerBlock ?? 2);
    this.endgamePeerQueue = o.endgamePeerQueue ?? 4;
    if (o.have && o.have.length !== n) throw new RangeError(`have bitfield of ${o.have.length}, want ${n}`);
    this.haveBits = o.have ? o.have.clone() : new Bitfield(n);
    this.state = new Uint8Array(n);
    this.priority = new Uint8Array(n).fill(PRIORITY_NORMAL);
    let freeBlocks = 0;
    for (let p = 0; p < n; p++) {
      if (this.haveBits.get(p)) {
        this.state[p] = HAVE;
        this.haveCountValue++;
      } else freeBlocks += this.geometry.blockCount(p);
    }
    this.order = new AvailabilityOrder(n, (p) => this.state[p] === HAVE, this.random);
    this.ledger = new RequestLedger(this.geometry, this.now, o.snubTimeoutMs ?? 60_000, freeBlocks);
    this.wantedLeft = n - this.haveCountValue;
    this.advanceSequentialCursor();
    if (o.priorities) this.setPiecePriorities(o.priorities);
  }

  // ------------------------------------------------------------ priorities

  /**
   * One priority per piece (PRIORITY_SKIP / NORMAL / HIGH), usually the highest of the
   * files the piece touches, so a boundary piece a selected file needs is still fetched.
   * May be called at any time: a skipped piece already started is finished (its blocks are
   * on the way), an unstarted one leaves the wanted region, and a piece selected again
   * re-enters it. O(pieces).
   */
  setPiecePriorities(priorities: Uint8Array): void {
    const n = this.geometry.pieceCount;
    if (priorities.length !== n) throw new RangeError(`${priorities.length} priorities, want ${n}`);
    const high: number[] = [];
    for (let p = 0; p < n; p++) {
      const next = Math.min(priorities[p]!, PRIORITY_HIGH);
      if (next === PRIORITY_HIGH) high.push(p);
      const before = this.priority[p]!;
      if ((before === PRIORITY_SKIP) === (next === PRIORITY_SKIP)) {
        this.priority[p] = next;
        continue;
      }
      this.priority[p] = next;
      const s = this.state[p];
      if (s !== HAVE) this.wantedLeft += next === PRIORITY_SKIP ? -1 : 1;
      if (s !== MISSING) continue;
      if (next === PRIORITY_SKIP) this.skip(p);
      else {
        this.skippedMissing--;
        this.order.add(p);
        this.ledger.freeBlocks += this.geometry.blockCount(p);
        this.missingEpoch++; // peers that had nothing new may have something now
      }
    }
    this.highPieces = Int32Array.from(high);
  }

  /** An unstarted piece leaves the wanted region (its priority is skip). */
  private skip(p: number): void {
    this.skippedMissing++;
    this.order.remove(p);
    this.ledger.freeBlocks -= this.geometry.blockCount(p);
  }

  piecePriority(pieceIndex: number): number {
    return this.priority[pieceIndex] ?? PRIORITY_SKIP;
  }

  /**
   * Pieces a reader is waiting for, most urgent first (the piece under the read position,
   * then its read-ahead window). They are requested before any other piece, started ones
   * included; skipped pieces in the list are ignored (the reader's file must be selected).
   */
  setDeadlines(pieces: readonly number[]): boolean {
    const next = pieces.filter((p) => p >= 0 && p < this.geometry.pieceCount);
    const prev = this.deadlinePieces;
    if (next.length === prev.length && next.every((p, i) => p === prev[i])) return false;
    this.deadlinePieces = next;
    // A peer that had nothing new may have a deadline piece: let it scan again.
    if (next.some((p) => prev.indexOf(p) < 0)) this.missingEpoch++;
    return true;
  }

  // ------------------------------------------------------------ availability

  /** BEP 6 HAVE ALL. Ignored after a bitfield or HAVE from the same peer (protocol violation). */
  peerHasAll(peerId: string): void {
    const ps = this.ledger.peer(peerId);
    if (ps.seed || ps.counted) return;
    ps.seed = true;
    ps.noMissingEpoch = -1;
    this.order.seedCount++;
  }

  /** BEP 3 BITFIELD (once per peer). O(pieces), O(1) per set bit. */
  peerHasBitfield(peerId: string, bitfield: Bitfield): void {
    const ps = this.ledger.peer(peerId);
    if (ps.seed || ps.counted) return;
    ps.counted = true;
    ps.noMissingEpoch = -1;
    this.order.addBitfield(bitfield);
  }

  /** BEP 3 HAVE. Call only when the bit is new in the peer's bitfield. O(1). */
  peerHasPiece(peerId: string, pieceIndex: number): void {
    const ps = this.ledger.peer(peerId);
    if (ps.seed || pieceIndex < 0 || pieceIndex >= this.geometry.pieceCount) return;
    ps.counted = true;
    ps.noMissingEpoch = -1;
    this.order.increment(pieceIndex);
  }

  /**
   * The connection closed: return its requests to the pool and remove its availability.
   * `bitfield` is the peer's bitfield as counted (ignored for HAVE ALL peers).
   * Returns how many requests went back to free.
   */
  peerGone(peerId: string, bitfield?: Bitfield): number {
    const ps = this.ledger.findPeer(peerId);
    if (!ps) return 0;
    if (ps.seed) this.order.seedCount--;
    else if (ps.counted && bitfield) this.order.removeBitfield(bitfield);
    return this.ledger.dropPeer(peerId);
  }

  /** Peers that have the piece (connected seeds included). */
  availability(pieceIndex: number): number {
    return this.order.availability(pieceIndex);
  }

  // ------------------------------------------------------------ picking

  /** Appends up to `maxCount` new requests for this peer to `out` (cleared first); returns how many. */
  pickInto(peer: PickerPeer, maxCount: number, out: BlockRefBatch): number {
    out.clear();
    const ps = this.ledger.peer(peer.id);
    const budget = this.ledger.isSnubbed(ps) ? Math.min(maxCount, 1 - ps.outstanding) : maxCount;
    if (budget <= 0 || (this.wantedLeft === 0 && this.downloadingCount === 0)) return 0;
    if (peer.choking && !peer.allowedFast?.size) return 0;
    const canRequest = (p: number) => peer.has(p) && (!peer.choking || (peer.allowedFast?.has(p) ?? false));

    // 0. What a reader is waiting for (streaming): started or not, before anything else.
    for (const p of this.deadlinePieces) {
      if (!canRequest(p) || this.priority[p] === PRIORITY_SKIP) continue;
      if (this.state[p] === MISSING) {
        if (this.tryStart(p, peer, ps, out, budget)) return out.count;
      } else if (this.state[p] === DOWNLOADING) {
        this.ledger.takeFree(this.ledger.partials.get(p)!, peer.id, ps, out, budget);
        if (out.count >= budget) return out.count;
      }
    }

    // 1. Finish what is started: bounded in-flight pieces, whole pieces sooner.
    for (const p of this.ledger.freePartials) {
      if (!canRequest(p)) continue;
      this.ledger.takeFree(this.ledger.partials.get(p)!, peer.id, ps, out, budget);
      if (out.count >= budget) return out.count;
    }
    // 2. Start new pieces, unless a full scan already showed this peer has none left.
    if (this.countUnstarted() > 0 && ps.noMissingEpoch !== this.missingEpoch) {
      this.pickNewPieces(peer, ps, out, budget);
    }
    // 3. Endgame (libtorrent strict end-game): every wanted block is requested. Duplicates
    // go only to a peer with (almost) nothing else to do, so they never delay real work.
    const endgameRoom = this.endgamePeerQueue - ps.outstanding;
    if (out.count < budget && this.ledger.freeBlocks === 0 && endgameRoom > 0) {
      const limit = Math.min(budget, out.count + endgameRoom);
      this.ledger.takeBusy(canRequest, this.endgameMaxRequestsPerBlock, peer.id, ps, out, limit);
    }
    return out.count;
  }

  private pickNewPieces(peer: PickerPeer, ps: PeerState, out: BlockRefBatch, budget: number): void {
    if (peer.choking) {
      for (const p of peer.allowedFast ?? []) {
        if (this.tryStart(p, peer, ps, out, budget)) return;
      }
      return; // allowed-fast only: not a full scan, so no noMissingEpoch
    }
    // High-priority files' pieces first, in index order (files are usually read from the start).
    for (const p of this.highPieces) {
      if (this.tryStart(p, peer, ps, out, budget)) return;
    }
    if (this.sequential) {
      for (let p = this.sequentialCursor; p < this.geometry.pieceCount; p++) {
        if (this.tryStart(p, peer, ps, out, budget)) return;
      }
    } else if (this.haveCountValue < this.randomFirstPieces) {
      // Random first: any wanted piece, so we soon hold a whole piece to trade.
      if (this.scanFromRandom(0, this.order.wantedEnd, peer, ps, out, budget)) return;
    } else {
      // Rarest first; a random start inside each bucket breaks ties at random. A counted
      // peer that is not a seed raised every piece it has to availability >= 1.
      for (let k = ps.counted && !ps.seed ? 1 : 0; k < this.order.bucketCount; k++) {
        if (this.scanFromRandom(this.order.bucketStart(k), this.order.bucketEnd(k), peer, ps, out, budget)) {
          return;
        }
      }
    }
    // Every unstarted piece this peer has is now started: skip the scan until that changes.
    ps.noMissingEpoch = this.missingEpoch;
  }

  /** Walk order[start, end) cyclically from a random point; true once the budget is full. */
  private scanFromRandom(
    start: number,
    end: number,
    peer: PickerPeer,
    ps: PeerState,
    out: BlockRefBatch,
    budget: number,
  ): boolean {
    const size = end - start;
    if (size <= 0) return false;
    const order = this.order.order;
    const first = start + Math.min(size - 1, Math.floor(this.random() * size));
    for (let i = 0; i < size; i++) {
      const j = first + i < end ? first + i : first + i - size;
      if (this.tryStart(order[j]!, peer, ps, out, budget)) return true;
    }
    return false;
  }

  /** Start piece p for this peer if it is unstarted and the peer has it; true once the budget is full. */
  private tryStart(p: number, peer: PickerPeer, ps: PeerState, out: BlockRefBatch, budget: number): boolean {
    if (this.state[p] !== MISSING || this.priority[p] === PRIORITY_SKIP || !peer.has(p)) return false;
    this.markStarted(p);
    this.ledger.takeFree(this.ledger.start(p), peer.id, ps, out, budget);
    return out.count >= budget;
  }

  private markStarted(p: number): void {
    this.state[p] = DOWNLOADING;
    this.downloadingCount++;
  }

  // ------------------------------------------------------------ events

  /**
   * A block arrived. Other peers' requests for it (endgame duplicates) are dropped and, when
   * `cancel` is given, appended there to send CANCEL for.
   */
  blockReceived(
    peerId: string,
    pieceIndex: number,
    offsetBytes: number,
    lengthBytes: number,
    cancel: CancelRequest[] | null = null,
  ): BlockReceipt {
    const b = this.geometry.blockIndexOf(pieceIndex, offsetBytes);
    if (
      b < 0 ||
      lengthBytes !== this.geometry.blockLength(pieceIndex, b) ||
      this.state[pieceIndex] === HAVE ||
      this.state[pieceIndex] === HELD
    ) {
      const ps = this.ledger.findPeer(peerId);
      if (b >= 0 && ps) this.ledger.release(peerId, ps, pieceIndex, b);
      return 'dropped';
    }
    let partial = this.ledger.partials.get(pieceIndex);
    if (!partial && this.priority[pieceIndex] === PRIORITY_SKIP) return 'dropped'; // not wanted
    if (!partial) {
      // Unsolicited, e.g. a late answer to a request we already gave up on: the data is
      // still good (the hash check decides), so keep it.
      this.markStarted(pieceIndex);
      partial = this.ledger.start(pieceIndex);
    }
    return this.ledger.receive(peerId, partial, b, cancel);
  }

  /** One request failed (timed out, or BEP 6 REJECT): the block is free again unless others asked too. */
  requestTimedOut(peerId: string, block: { pieceIndex: number; offsetBytes: number }): boolean {
    const ps = this.ledger.findPeer(peerId);
    const b = this.geometry.blockIndexOf(block.pieceIndex, block.offsetBytes);
    if (!ps || b < 0) return false;
    return this.ledger.release(peerId, ps, block.pieceIndex, b);
  }

  requestRejected(peerId: string, block: { pieceIndex: number; offsetBytes: number }): boolean {
    return this.requestTimedOut(peerId, block);
  }

  /** Release (and return, to CANCEL them) this peer's requests older than `timeoutMs`. */
  releaseTimedOut(peerId: string, timeoutMs: number): BlockRequest[] {
    const ps = this.ledger.findPeer(peerId);
    return ps ? this.ledger.releaseOlderThan(peerId, ps, this.now() - timeoutMs) : [];
  }

  /** Choke without BEP 6: the peer dropped all our requests (BEP 3). Returns how many were freed. */
  peerChokedUs(peerId: string): number {
    const ps = this.ledger.findPeer(peerId);
    return ps ? this.ledger.releaseAll(peerId, ps) : 0;
  }

  /** The piece hashed correctly. Returns who sent it and any leftover requests to cancel. */
  pieceVerified(pieceIndex: number): { contributors: Contributor[]; cancel: CancelRequest[] } {
    const cancel: CancelRequest[] = [];
    const s = this.state[pieceIndex];
    if (s === undefined || s === HAVE) return { contributors: [], cancel };
    let contributors: Contributor[] = [];
    if (s === DOWNLOADING) {
      contributors = this.ledger.finish(pieceIndex, 'verified', cancel);
      this.downloadingCount--;
    } else if (s === MISSING && this.priority[pieceIndex] !== PRIORITY_SKIP) {
      this.ledger.freeBlocks -= this.geometry.blockCount(pieceIndex);
    } else if (s === MISSING) this.skippedMissing--; // already out of the free count
    if (this.priority[pieceIndex] !== PRIORITY_SKIP) this.wantedLeft--;
    this.state[pieceIndex] = HAVE;
    this.haveBits.set(pieceIndex);
    this.haveCountValue++;
    this.order.remove(pieceIndex);
    this.advanceSequentialCursor();
    return { contributors, cancel };
  }

  /** The piece failed its hash: download it again. Returns who sent it (for the ban policy). */
  pieceFailed(pieceIndex: number): Contributor[] {
    if (this.state[pieceIndex] !== DOWNLOADING) return [];
    const contributors = this.ledger.finish(pieceIndex, 'failed', null);
    this.downloadingCount--;
    this.state[pieceIndex] = MISSING;
    this.missingEpoch++;
    // Skipped while it downloaded: it was finished for its blocks in flight; not again.
    if (this.priority[pieceIndex] === PRIORITY_SKIP) this.skip(pieceIndex);
    return contributors;
  }

  /**
   * A piece we had must be fetched again (its bytes moved from the parts file and no longer
   * hash right). Unlike pieceLost it is wanted again at once. Returns false unless it was had.
   */
  pieceUnverified(pieceIndex: number): boolean {
    if (this.state[pieceIndex] !== HAVE) return false;
    this.state[pieceIndex] = MISSING;
    this.haveBits.set(pieceIndex, false);
    this.haveCountValue--;
    this.sequentialCursor = Math.min(this.sequentialCursor, pieceIndex);
    this.missingEpoch++;
    if (this.priority[pieceIndex] === PRIORITY_SKIP) {
      this.skippedMissing++;
      return true;
    }
    this.wantedLeft++;
    this.order.add(pieceIndex);
    this.ledger.freeBlocks += this.geometry.blockCount(pieceIndex);
    return true;
  }

  /**
   * A piece we had no longer matches its hash on disk (the file was edited behind our
   * back). It stops counting as had, and is not downloaded again either: writing over the
   * user's edit is for an explicit recheck to decide, not for the picker. It stays out of
   * the wanted region, so it makes no peer interesting. Returns false unless it was had.
   */
  pieceLost(pieceIndex: number): boolean {
    if (this.state[pieceIndex] !== HAVE) return false;
    this.state[pieceIndex] = HELD;
    this.haveBits.set(pieceIndex, false);
    this.haveCountValue--;
    if (this.priority[pieceIndex] !== PRIORITY_SKIP) this.wantedLeft++;
    return true;
  }

  /**
   * A missing piece held back from downloading (it was lost to an edit in an earlier run,
   * ResumeRecord.heldPieces). Returns false unless it was missing and unstarted.
   */
  hold(pieceIndex: number): boolean {
    if (this.state[pieceIndex] !== MISSING) return false;
    if (this.priority[pieceIndex] === PRIORITY_SKIP) {
      this.skippedMissing--; // already out of the wanted region and the free count
      this.state[pieceIndex] = HELD;
      return true;
    }
    this.state[pieceIndex] = HELD;
    this.order.remove(pieceIndex);
    this.ledger.freeBlocks -= this.geometry.blockCount(pieceIndex);
    return true;
  }

  /** Pieces held (pieceLost or hold): changed on disk, waiting for a recheck. */
  heldBitfield(): Bitfield {
    const bits = new Bitfield(this.geometry.pieceCount);
    for (let p = 0; p < this.geometry.pieceCount; p++) if (this.state[p] === HELD) bits.set(p);
    return bits;
  }

  get heldCount(): number {
    let n = 0;
    for (let p = 0; p < this.geometry.pieceCount; p++) if (this.state[p] === HELD) n++;
    return n;
  }

  // ------------------------------------------------------------ queries

  /**
   * A peer that held our requests and delivered nothing for `snubTimeoutMs`; it stays
   * snubbed until it delivers a block. Snubbed peers get at most one request.
   */
  isSnubbed(peerId: string): boolean {
    const ps = this.ledger.findPeer(peerId);
    return ps !== undefined && this.ledger.isSnubbed(ps);
  }

  outstandingCount(peerId: string): number {
    return this.ledger.findPeer(peerId)?.outstanding ?? 0;
  }

  /** Does the peer have a piece we still want? O(wanted pieces) worst case. */
  isInteresting(peer: { has(pieceIndex: number): boolean }): boolean {
    const order = this.order.order;
    for (let i = 0, end = this.order.wantedEnd; i < end; i++) if (peer.has(order[i]!)) return true;
    return false;
  }

  /** Read-only view of verified pieces (do not mutate). */
  get have(): Bitfield {
    return this.haveBits;
  }

  get haveCount(): number {
    return this.haveCountValue;
  }

  /** Every piece is had: a seed. */
  get isComplete(): boolean {
    return this.haveCountValue === this.geometry.pieceCount;
  }

  /** Every piece of the selection (priority above skip) is had: nothing left to download. */
  get selectionComplete(): boolean {
    return this.wantedLeft === 0;
  }

  get inEndgame(): boolean {
    return this.ledger.freeBlocks === 0 && !this.selectionComplete;
  }

  pieceState(pieceIndex: number): PieceState {
    const s = this.state[pieceIndex];
    return s === HAVE ? 'have' : s === DOWNLOADING ? 'downloading' : 'missing';
  }

  stateCounts(): { have: number; downloading: number; missing: number } {
    return { have: this.haveCountValue, downloading: this.downloadingCount, missing: this.countUnstarted() };
  }

  /** Pieces with blocks requested or received but not verified, as a bitfield for the UI. */
  downloadingBitfield(): Bitfield {
    const bits = new Bitfield(this.geometry.pieceCount);
    for (const p of this.ledger.partials.keys()) bits.set(p);
    return bits;
  }

  private countUnstarted(): number {
    return this.geometry.pieceCount - this.haveCountValue - this.downloadingCount - this.skippedMissing;
  }

  private advanceSequentialCursor(): void {
    while (this.sequentialCursor < this.geometry.pieceCount && this.state[this.sequentialCursor] === HAVE) {
      this.sequentialCursor++;
    }
  }
}
