import { MicrotaskBatch } from './microtask-batch.ts';
import type { BlockRef } from '../../protocol/wire/messages.ts';
import type { RateLimiter } from '../rate/token-bucket.ts';
import type { Storage } from '../storage/storage.ts';
import type { TorrentPeer } from './torrent-peer.ts';

/** BEP 3 in practice: requests above 128 KiB are refused by every client; we serve ≤ 128 KiB. */
export const MAX_REQUEST_BYTES = 128 * 1024;
/** Requests one peer may have queued with us: advertised as BEP 10 `reqq`. */
export const MAX_QUEUED_REQUESTS = 2048;

export interface UploaderOptions {
  storage(): Storage | null;
  have(piece: number): boolean;
  pieceLength(piece: number): number;
  /** Payload bytes sent (totals, rate meters). */
  onUploaded(peer: TorrentPeer, lengthBytes: number): void;
  /** Upload rate limit (session token bucket; unlimited by default). */
  limiter: RateLimiter;
  now?(): number;
  /**
   * Asked before each read: may this piece be served now? true (the fast path), false (no
   * longer had: the run is rejected), or a promise while its bytes are re-hashed because
   * its file changed on disk (DiskChangeGuard). Default: always true.
   */
  servable?(piece: number): boolean | Promise<boolean>;
  /** Reading the payload failed (file deleted behind our back…). */
  onReadError(err: unknown, piece: number): void;
  /** Requests a peer may queue with us; more are rejected/dropped. Default MAX_QUEUED_REQUESTS. */
  maxQueuedRequests?: number;
  /** Stop reading for a peer while its socket holds this much unsent data. Default 1 MiB. */
  socketHighWaterBytes?: number;
  /** Reads (runs of consecutive blocks) in flight per peer. Default 8. */
  maxReadsPerPeer?: number;
  /**
   * Runs are aligned to and at most this long: the read cache's window (so a run is one
   * cached read), or the piece length if smaller. Default 1 MiB.
   */
  runBytes?: number;
}

/**
 * The upload side of one torrent: queues the peers' requests, reads blocks from storage
 * and writes them (header + block in one writev, no copy), throttled by socket
 * back-pressure, so a slow peer never makes us buffer the payload in memory.
 */
export class Uploader {
  private readonly maxQueued: number;
  private readonly highWater: number;
  private readonly maxReads: number;
  private readonly runBytes: number;
  private closed = false;
  private readonly now: () => number;
  /**
   * Pumps once after the current socket chunk: its requests (a pipeline refill brings
   * dozens at once) are then queued together and read as whole runs, not one block each.
   */
  private readonly pumps = new MicrotaskBatch<TorrentPeer>((peer) => this.pump(peer));
  /** Idle window-sized buffers for whole-window runs (see readRun). */
  private readonly runBuffers: Uint8Array[] = [];

  constructor(private readonly o: UploaderOptions) {
    this.now = o.now ?? Date.now;
    this.maxQueued = o.maxQueuedRequests ?? MAX_QUEUED_REQUESTS;
    this.highWater = o.socketHighWaterBytes ?? 1024 * 1024;
    this.maxReads = o.maxReadsPerPeer ?? 8;
    this.runBytes = o.runBytes ?? 1024 * 1024;
  }

  onRequest(peer: TorrentPeer, ref: BlockRef): void {
    const conn = peer.conn;
    const valid =
      this.o.have(ref.index) &&
      ref.length > 0 &&
      ref.length <= MAX_REQUEST_BYTES &&
      ref.begin + ref.length <= this.o.pieceLength(ref.index);
    if (conn.amChoking || !valid || peer.uploadQueue.length >= this.maxQueued) {
      // BEP 6: every request we will not serve gets a REJECT; without it, BEP 3 says drop.
      if (conn.fastExtension) conn.sendReject(ref);
      return;
    }
    peer.uploadQueue.push(ref);
    this.pumps.add(peer);
  }

  onCancel(peer: TorrentPeer, ref: BlockRef): void {
    const q = peer.uploadQueue;
    const i = q.findIndex((r) => r.index === ref.index && r.begin === ref.begin && r.length === ref.length);
    if (i >= 0) q.splice(i, 1);
  }

  /** We choked the peer: BEP 3 drops its queue; BEP 6 rejects each request. */
  onChoked(peer: TorrentPeer): void {
    const dropped = peer.uploadQueue.splice(0);
    if (peer.conn.fastExtension) for (const ref of dropped) peer.conn.sendReject(ref);
  }

  pumpAll(peers: Iterable<TorrentPeer>): void {
    for (const p of peers) this.pump(p);
  }

  /**
   * Serves queued requests while the socket has room. Call on 'drain' too. Requests for
   * consecutive blocks of one piece (how every client asks) are read as one run: one
   * storage read and one promise for up to a window of blocks,
   * instead of one per 16 KiB block.
   */
  pump(peer: TorrentPeer): void {
    const conn = peer.conn;
    const storage = this.o.storage();
    const q = peer.uploadQueue;
    while (
      !this.closed &&
      storage &&
      q.length > 0 &&
      peer.readsInFlight < this.maxReads &&
      !conn.isClosed &&
      conn.bufferedBytes < this.highWater
    ) {
      const nowMs = this.now();
      if (nowMs < peer.sendHoldUntilMs) return; // rate limited: the torrent's tick pumps again
      const run = this.takeRun(q);
      const first = run[0]!;
      const last = run[run.length - 1]!;
      const runBytes = last.begin + last.length - first.begin;
      // Token bucket (rate/token-bucket.ts): debit now, send once the debt is repaid.
      const waitMs = this.o.limiter.take(runBytes);
      if (waitMs > 0) peer.sendHoldUntilMs = nowMs + waitMs;
      peer.readsInFlight++;
      const verdict = this.o.servable ? this.o.servable(first.index) : true;
      if (verdict !== true) {
        void Promise.resolve(verdict).then((ok) => {
          if (ok) return this.serveRun(peer, storage, run, runBytes);
          peer.readsInFlight--;
          this.refuse(peer, run);
          this.pump(peer);
        });
        continue;
      }
      this.serveRun(peer, storage, run, runBytes);
    }
  }

  /** A piece we may no longer serve: BEP 6 peers get a REJECT per block, others nothing (BEP 3). */
  private refuse(peer: TorrentPeer, run: BlockRef[]): void {
    if (this.closed || peer.conn.isClosed || !peer.conn.fastExtension) return;
    for (const ref of run) peer.conn.sendReject(ref);
  }

  private serveRun(peer: TorrentPeer, storage: Storage, run: BlockRef[], runBytes: number): void {
    const conn = peer.conn;
    const first = run[0]!;
    this.readRun(storage, first.index, first.begin, runBytes).then(
      ({ data, release }) => {
        const send = () => {
          peer.readsInFlight--;
          if (this.closed || conn.isClosed) return release();
          if (conn.amChoking) {
            // Choked while this run was being read: onChoked rejected only what was still
            // queued. A BEP 6 peer keeps requests outstanding across a choke until each is
            // rejected, so a silent drop left these blocks assigned to us until its request
            // time-out, stalling the pieces they belong to.
            release();
            return this.refuse(peer, run);
          }
          conn.sendPieces(run, data, release);
          this.o.onUploaded(peer, runBytes);
          this.pump(peer);
        };
        const delayMs = peer.sendHoldUntilMs - this.now();
        if (delayMs > 0) setTimeout(send, delayMs).unref();
        else send();
      },
      (err: unknown) => {
        peer.readsInFlight--;
        if (!this.closed && !conn.isClosed) this.o.onReadError(err, first.index);
      },
    );
  }

  /**
   * A run goes into a recycled window-sized buffer, given back once the socket has flushed
   * it: a fresh ArrayBuffer per run made the seeder's GC run a full mark-compact every few
   * MiB sent (docs/PERFORMANCE.md). That holds for runs shorter than a window too: a leecher
   * asks for a piece in several request batches, and sending those through the read cache
   * cost a fresh 1 MiB window per piece, ~0.5 GB/s of buffers for the GC to find and a
   * mark-compact every 30 ms (`--trace-gc-verbose`). The page cache already reads ahead.
   */
  private async readRun(
    storage: Storage,
    index: number,
    begin: number,
    lengthBytes: number,
  ): Promise<{ data: Uint8Array; release: () => void }> {
    if (lengthBytes > this.runBytes || !storage.readBlockInto)
      return { data: await storage.readBlock(index, begin, lengthBytes), release: () => {} };
    const buffer = this.runBuffers.pop() ?? new Uint8Array(this.runBytes);
    const data = buffer.subarray(0, lengthBytes);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      if (!this.closed && this.runBuffers.length < this.maxReads) this.runBuffers.push(buffer);
    };
    try {
      await storage.readBlockInto(index, begin, data);
    } catch (err) {
      release();
      throw err;
    }
    return { data, release };
  }

  /** The head of the queue plus the requests that continue it within one aligned window. */
  private takeRun(q: BlockRef[]): BlockRef[] {
    const first = q.shift()!;
    const run = [first];
    const window = Math.floor(first.begin / this.runBytes);
    let end = first.begin + first.length;
    while (q.length > 0) {
      const next = q[0]!;
      if (
        next.index !== first.index ||
        next.begin !== end ||
        Math.floor((next.begin + next.length - 1) / this.runBytes) !== window
      )
        break;
      run.push(q.shift()!);
      end += next.length;
    }
    return run;
  }

  close(): void {
    this.closed = true;
    this.pumps.clear();
    this.runBuffers.length = 0;
  }
}
