import { MicrotaskBatch } from './microtask-batch.ts';
import type { BlockPicker, BlockRequest, CancelRequest } from '../picker/block-picker.ts';
import { BlockRefBatch } from '../../protocol/wire/block-ref-batch.ts';
import type { BlockRef } from '../../protocol/wire/messages.ts';
import { copyIntoShared } from './copy-into-shared.ts';
import type { PieceBufferPool } from './piece-buffer-pool.ts';
import type { PieceVerifier } from './piece-verifier.ts';
import type { TorrentPeer } from './torrent-peer.ts';

export interface DownloaderOptions {
  picker: BlockPicker;
  pool: PieceBufferPool;
  verifier: PieceVerifier;
  /** Looks a peer up by picker id (to send CANCELs to endgame duplicates). */
  peerById(id: string): TorrentPeer | undefined;
  /** The torrent's live peers. */
  allPeers(): Iterable<TorrentPeer>;
  /** A request unanswered for this long is given back to the pool and re-requested elsewhere. */
  requestTimeoutMs: number;
  /**
   * Memory bound: stop requesting while this many bytes of complete pieces wait for
   * hashing or the disk. (Pieces being assembled are bounded by the pipelines: the
   * picker finishes started pieces before it starts new ones.) Gating on assembling
   * pieces instead could deadlock: their missing blocks would never be requested.
   */
  maxVerifyingBytes: number;
  /** Outstanding requests across every peer, in blocks (memory bound with many peers). */
  maxOutstandingBlocks: number;
  /** A tighter cap on blocks in flight while a download limit is set (see ActiveTransfer). */
  limitedOutstandingBlocks?(): number;
  /** Every payload block received (for totals and rate limits); `wasted` when dropped. */
  onBlock(peer: TorrentPeer, lengthBytes: number, wasted: boolean): void;
  /** May we request from this peer right now (global download rate limit)? */
  mayRequest?(peer: TorrentPeer): boolean;
}

const toRef = (r: BlockRequest): BlockRef => ({
  index: r.pieceIndex,
  begin: r.offsetBytes,
  length: r.lengthBytes,
});

/**
 * The download side of one torrent: keeps every unchoked peer's request pipeline full
 * (picker decides which blocks), copies arriving blocks into piece buffers, hands
 * complete pieces to the verifier, cancels endgame duplicates and re-requests what timed
 * out. One periodic `tick()` replaces per-request timers.
 */
/** Allowed-fast pieces kept per peer. */
const MAX_ALLOWED_FAST = 256;

export class Downloader {
  private readonly buffers = new Map<number, Uint8Array>();
  /**
   * Coalesces refills: every block of a socket chunk is handled synchronously, and the
   * pipeline is topped up once after them, in one write.
   */
  private readonly refills = new MicrotaskBatch<TorrentPeer>((peer) => {
    if (!this.closed) this.fill(peer);
  });
  /** Reused per refill and per block: the hot path allocates nothing per request (docs/PERFORMANCE.md). */
  private readonly requestBatch = new BlockRefBatch();
  private readonly cancelScratch: CancelRequest[] = [];
  private closed = false;

  constructor(private readonly o: DownloaderOptions) {}

  get bufferedBytes(): number {
    return this.o.pool.inUseBytes;
  }

  get piecesInMemory(): number {
    return this.buffers.size;
  }

  // ------------------------------------------------------------ peer events

  /** After the peer's BITFIELD/HAVE ALL is known and registered with the picker. */
  onAvailability(peer: TorrentPeer): void {
    this.updateInterest(peer);
  }

  /** A new HAVE: become interested if we want it. */
  onHave(peer: TorrentPeer, piece: number): void {
    if (!peer.conn.amInterested && this.o.picker.pieceState(piece) !== 'have') {
      peer.conn.sendInterested();
      this.scheduleRefill(peer);
    } else if (peer.conn.amInterested) this.scheduleRefill(peer);
  }

  onUnchoke(peer: TorrentPeer): void {
    this.scheduleRefill(peer);
  }

  onChoke(peer: TorrentPeer): void {
    // BEP 3: a choke drops every pending request. With BEP 6 the peer REJECTs them
    // one by one instead, and requests for allowed-fast pieces stay valid.
    if (!peer.conn.fastExtension) this.o.picker.peerChokedUs(peer.id);
    this.kickAll();
  }

  onReject(peer: TorrentPeer, ref: BlockRef): void {
    if (this.o.picker.requestRejected(peer.id, { pieceIndex: ref.index, offsetBytes: ref.begin }))
      this.kickAll();
  }

  onAllowedFast(peer: TorrentPeer, piece: number): void {
    // Ignored past the torrent or past a bound: the set must not grow with what a peer sends
    // (BEP 6 suggests 10 pieces; libtorrent grants at most a few dozen).
    if (piece >= this.o.picker.geometry.pieceCount || peer.allowedFast.size >= MAX_ALLOWED_FAST) return;
    peer.allowedFast.add(piece);
    if (peer.choking) this.scheduleRefill(peer);
  }

  onPiece(peer: TorrentPeer, index: number, begin: number, block: Uint8Array): void {
    const picker = this.o.picker;
    const cancels = this.cancelScratch;
    const receipt = picker.blockReceived(peer.id, index, begin, block.length, cancels);
    if (cancels.length > 0) {
      this.sendCancels(cancels);
      cancels.length = 0;
    }
    if (receipt === 'dropped') {
      this.o.onBlock(peer, block.length, true);
      this.scheduleRefill(peer);
      return;
    }
    this.o.onBlock(peer, block.length, false);
    let buffer = this.buffers.get(index);
    if (!buffer) {
      buffer = this.o.pool.acquire(picker.geometry.pieceLength(index));
      this.buffers.set(index, buffer);
    }
    copyIntoShared(buffer, begin, block);
    if (receipt === 'piece-complete') {
      this.buffers.delete(index);
      this.o.verifier.submit(index, buffer, (b) => this.o.pool.release(b));
    }
    this.scheduleRefill(peer);
  }

  /** Connection gone: its requests return to the pool for the others. */
  onPeerGone(peer: TorrentPeer): void {
    this.refills.delete(peer);
    const released = this.o.picker.peerGone(peer.id, peer.haves.bitfield ?? undefined);
    if (released > 0) this.kickAll();
  }

  // ------------------------------------------------------------ verification results

  /** The verifier wrote piece `piece`: cancel leftovers (endgame). */
  onPieceVerified(piece: number): ReturnType<BlockPicker['pieceVerified']> {
    const result = this.o.picker.pieceVerified(piece);
    this.sendCancels(result.cancel);
    return result;
  }

  /** Hash failure: the picker frees the piece for download again; returns its senders. */
  onPieceFailed(piece: number): ReturnType<BlockPicker['pieceFailed']> {
    const contributors = this.o.picker.pieceFailed(piece);
    this.kickAll();
    return contributors;
  }

  // ------------------------------------------------------------ pipelines

  /** Refills every peer (after back-pressure eased, a peer left, a piece failed). */
  kickAll(): void {
    for (const p of this.o.allPeers()) this.scheduleRefill(p);
  }

  scheduleRefill(peer: TorrentPeer): void {
    if (!this.closed) this.refills.add(peer);
  }

  private fill(peer: TorrentPeer): void {
    const { picker } = this.o;
    const conn = peer.conn;
    if (conn.isClosed || !conn.isStarted || picker.isComplete) return;
    if (!conn.amInterested) return;
    if (conn.peerChoking && peer.allowedFast.size === 0) return;
    if (this.o.verifier.pendingBytes >= this.o.maxVerifyingBytes) return;
    if (this.o.mayRequest && !this.o.mayRequest(peer)) return;
    const outstanding = picker.outstandingCount(peer.id);
    const cap = Math.min(this.o.maxOutstandingBlocks, this.o.limitedOutstandingBlocks?.() ?? Infinity);
    const room = Math.min(peer.queueDepth - outstanding, cap - this.totalOutstanding());
    // Top up in batches: one write per quarter pipeline, not one per block.
    if (room <= 0 || (outstanding > 0 && room < Math.max(1, peer.queueDepth >> 4))) return;
    if (picker.pickInto(peer, room, this.requestBatch) > 0) conn.sendRequestBatch(this.requestBatch);
  }

  private totalOutstanding(): number {
    let n = 0;
    for (const p of this.o.allPeers()) n += this.o.picker.outstandingCount(p.id);
    return n;
  }

  /** Interest follows whether the peer has something we still want (BEP 3). */
  updateInterest(peer: TorrentPeer): void {
    const conn = peer.conn;
    if (conn.isClosed || !conn.isStarted) return;
    // Outstanding requests mean it still has blocks we want: skip the O(pieces) scan.
    const busy = conn.amInterested && this.o.picker.outstandingCount(peer.id) > 0;
    const want = busy || (!this.o.picker.isComplete && this.o.picker.isInteresting(peer));
    if (want && !conn.amInterested) conn.sendInterested();
    else if (!want && conn.amInterested && this.o.picker.outstandingCount(peer.id) === 0)
      conn.sendNotInterested();
    if (want) this.scheduleRefill(peer);
  }

  /** Periodic: time-outs (re-requested elsewhere), interest, refills. */
  tick(): void {
    for (const peer of this.o.allPeers()) {
      const expired = this.o.picker.releaseTimedOut(peer.id, this.o.requestTimeoutMs);
      for (const r of expired) peer.conn.sendCancel(toRef(r));
      this.updateInterest(peer);
    }
  }

  private sendCancels(cancels: readonly CancelRequest[]): void {
    for (const c of cancels) this.o.peerById(c.peerId)?.conn.sendCancel(toRef(c.block));
  }

  /** Frees the buffers of partial pieces (pause, remove, close). */
  close(): void {
    this.closed = true;
    for (const b of this.buffers.values()) this.o.pool.release(b);
    this.buffers.clear();
    this.refills.clear();
  }
}
