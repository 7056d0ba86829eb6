import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import type { Metainfo } from '../../protocol/metainfo/metainfo-types.ts';
import { decideChokes } from '../choker/decide-chokes.ts';
import { BlockPicker } from '../picker/block-picker.ts';
import { requestQueueDepth } from '../rate/request-queue-depth.ts';
import { fileStamps } from '../resume/file-change.ts';
import type { ResumeRecord } from '../resume/resume-record.ts';
import { FileStorage } from '../storage/file-storage.ts';
import { ensureFreeSpace } from '../storage/free-space.ts';
import { relativePathOf } from '../storage/piece-layout.ts';
import type { SourceRoot } from '../storage/source-roots.ts';
import { StorageError, type ChangeStamp, type FileStamp, type Storage } from '../storage/storage.ts';
import { DiskChangeGuard } from './disk-change-guard.ts';
import { Downloader } from './downloader.ts';
import { checkPieces } from './piece-check.ts';
import { PieceBufferPool } from './piece-buffer-pool.ts';
import { hashMatches, PieceVerifier } from './piece-verifier.ts';
import { isSelected, piecePrioritiesOf, selectionBytes } from './file-selection.ts';
import { verifiedBytesOf } from './torrent-snapshot.ts';
import { banKey, isLoopbackHost, peerIdBanKey, type TorrentContext } from './torrent-context.ts';
import type { TorrentPeer } from './torrent-peer.ts';
import { Uploader } from './uploader.ts';
import { SuperSeeding } from './super-seeding.ts';

export interface ActiveTransferOptions {
  ctx: TorrentContext;
  torrent: string;
  metainfo: Metainfo;
  savePath: string;
  /** Shared from several paths: where each top-level entry lives (storage/source-roots.ts). */
  roots?: readonly SourceRoot[] | undefined;
  record: ResumeRecord | undefined;
  trustedComplete: boolean;
  full: boolean;
  /** Pieces held from an earlier run (their file was edited while shared): not downloaded. */
  held?: Bitfield | null;
  /** Per metainfo file PRIORITY_* (file-selection.ts); null = every file normal. */
  filePriorities?: Uint8Array | null;
  /** Pieces in index order (`get --sequential`). */
  sequential?: boolean;
  isCancelled(): boolean;
  peers(): Iterable<TorrentPeer>;
  peerById(id: string): TorrentPeer | undefined;
  /** `credited`: the peer that sent most of the piece (null: unknown). */
  onPieceVerified(piece: number, credited: TorrentPeer | null): void;
  onComplete(): void;
  /** Pieces we had no longer match on disk (a file was edited while we shared it). */
  onPiecesLost(): void;
  /**
   * A changed file has been re-hashed: `lostPieces` of its pieces no longer match and are
   * no longer shared. `path` is relative to savePath.
   */
  onFileChanged(path: string, lostPieces: number): void;
  onError(err: unknown): void;
  onPayload(peer: TorrentPeer, bytes: number, direction: 'down' | 'up'): void;
}

/** Peers that left recently, so a piece they sent can still be credited / blamed. */
const GONE_PEERS_KEPT = 256;
/** Files stat'ed per tick to notice a change while nobody downloads (DiskChangeGuard). */
const FILES_CHECKED_PER_TICK = 16;
/** Ban keys whose refused pieces are remembered (bounded like the gone peers). */
const REFUSING_KEYS_KEPT = 256;
/** Largest single storage read serving an upload run (consecutive blocks of one piece). */
const UPLOAD_RUN_MAX_BYTES = 2 * 1024 * 1024;

/**
 * Blocks in flight while a download limit is set: what the limit delivers in half a
 * second (at least 4 blocks). The limiter is charged when bytes arrive, and every byte
 * already requested arrives whatever the limit says, so unbounded pipelines (up to ~1 MiB
 * per peer when a connection starts) delivered seconds' worth of the limit at once.
 */
function limitedInFlightBlocks(rateBps: number): number {
  if (rateBps === 0) return Infinity;
  return Math.max(LIMITED_MIN_IN_FLIGHT_BLOCKS, Math.ceil((rateBps * LIMITED_IN_FLIGHT_SEC) / BLOCK_BYTES));
}
const LIMITED_IN_FLIGHT_SEC = 0.5;
const LIMITED_MIN_IN_FLIGHT_BLOCKS = 4;
const BLOCK_BYTES = 16 * 1024;

/**
 * Everything a torrent does once its metadata is known and its files are checked:
 * picker, downloader, verifier, uploader and choker over one Storage. Created by
 * `ActiveTransfer.open` (checking), dropped on pause/stop/error.
 */
export class ActiveTransfer {
  readonly picker: BlockPicker;
  readonly downloader: Downloader;
  readonly uploader: Uploader;
  private readonly verifier: PieceVerifier;
  private readonly pool: PieceBufferPool;
  private readonly gone = new Map<string, TorrentPeer>();
  private readonly counted = new Set<TorrentPeer>();
  /** Per ban key: pieces that failed with that peer as their only source (never asked of it again). */
  private readonly refused = new Map<string, Set<number>>();
  /** Null over storage that cannot stat synchronously (memory storage in unit tests). */
  private readonly guard: DiskChangeGuard | null;
  private optimistic: { peerId: string; sinceMs: number } | null = null;
  private lastRechokeMs = 0;
  private rechokeSoon = false;
  fileStamps: FileStamp[] = [];
  /** Pieces taken from resume data without hashing when the transfer opened. */
  resumedPieces = 0;
  /** The files as found when the transfer opened: what the guard compares against. */
  private existingAtOpen: Awaited<ReturnType<Storage['existingFiles']>> = [];
  private closed = false;
  /** BEP 16, when turned on (setSuperSeeding); it acts only while every piece is here. */
  private superSeeding: SuperSeeding | null = null;
  /** onComplete was called for the current selection (reset when the selection grows). */
  private completeReported: boolean;

  private constructor(
    private readonly o: ActiveTransferOptions,
    readonly storage: Storage,
    have: Bitfield,
  ) {
    const { ctx, metainfo: m } = o;
    this.picker = new BlockPicker({
      pieceCount: m.pieceCount,
      pieceLengthBytes: m.pieceLengthBytes,
      totalLengthBytes: m.totalLengthBytes,
      have,
      now: ctx.now,
      random: ctx.random,
      ...(o.filePriorities ? { priorities: piecePrioritiesOf(m, o.filePriorities) } : {}),
      sequential: o.sequential ?? false,
    });
    this.completeReported = this.picker.selectionComplete;
    // Room for two pieces waiting to be verified whatever the piece length, so a 16 MiB
    // piece being hashed does not stop the requests for the next one.
    const maxVerifyingBytes = Math.max(ctx.tuning.maxBufferedBytes, 2 * m.pieceLengthBytes);
    // Keep as many idle buffers as can ever be in use (verifying + being assembled), so a
    // steady transfer allocates none: churned SharedArrayBuffers linger until a full GC.
    this.pool = new PieceBufferPool(m.pieceLengthBytes, maxVerifyingBytes + ctx.tuning.maxRequestedBytes);
    this.verifier = new PieceVerifier({
      hashPool: ctx.hashPool,
      storage,
      pieceHashes: m.pieceHashes,
      onVerified: (piece) => this.onVerified(piece),
      onFailed: (piece) => this.onFailed(piece),
      onError: (err) => o.onError(err),
      onSettled: () => this.downloader.kickAll(),
      onWrite: (piece) => this.guard?.noteWrite(piece),
    });
    if (o.held && o.held.length === m.pieceCount) {
      for (let p = 0; p < m.pieceCount; p++) if (o.held.get(p) && !have.get(p)) this.picker.hold(p);
    }
    this.guard = DiskChangeGuard.supported(storage)
      ? new DiskChangeGuard({
          storage,
          layout: m,
          pieceHashes: m.pieceHashes,
          hashPool: ctx.hashPool,
          have: (piece) => this.picker.have.get(piece),
          now: ctx.now,
          onPieceLost: (piece) => this.onPieceLost(piece),
          onFileMissing: (fileIndex, stamp) => this.onFileMissing(fileIndex, stamp),
          onFileChecked: (fileIndex, lost) => this.onFileChecked(fileIndex, lost),
        })
      : null;
    this.downloader = new Downloader({
      picker: this.picker,
      pool: this.pool,
      verifier: this.verifier,
      peerById: (id) => o.peerById(id),
      allPeers: () => o.peers(),
      requestTimeoutMs: ctx.tuning.requestTimeoutMs,
      maxVerifyingBytes,
      maxOutstandingBlocks: Math.max(1, Math.floor(ctx.tuning.maxRequestedBytes / (16 * 1024))),
      limitedOutstandingBlocks: () => limitedInFlightBlocks(ctx.downloadLimiter.rate),
      onBlock: (peer, bytes) => this.onBlock(peer, bytes),
      mayRequest: (peer) => peer.requestHoldUntilMs <= ctx.now(),
    });
    this.uploader = new Uploader({
      storage: () => (this.closed ? null : this.storage),
      have: (piece) => this.picker.have.get(piece),
      ...(this.guard ? { servable: (piece: number) => this.guard!.servable(piece) } : {}),
      pieceLength: (piece) => this.picker.geometry.pieceLength(piece),
      onUploaded: (peer, bytes) => {
        peer.uploadedBytes += bytes;
        o.onPayload(peer, bytes, 'up');
      },
      limiter: ctx.uploadLimiter,
      runBytes: Math.min(UPLOAD_RUN_MAX_BYTES, m.pieceLengthBytes),
      onReadError: (err) => o.onError(err),
    });
  }

  /** Checks the files (resume data or hashing), opens storage and builds the parts. */
  static async open(o: ActiveTransferOptions): Promise<ActiveTransfer> {
    const storage = ActiveTransfer.storageFor(o.ctx, o.metainfo, o.savePath, o.roots, o.filePriorities);
    let resumedPieces = 0;
    try {
      const have = o.trustedComplete
        ? Bitfield.full(o.metainfo.pieceCount)
        : await checkPieces({
            metainfo: o.metainfo,
            storage,
            hashPool: o.ctx.hashPool,
            ...(o.record ? { record: o.record } : {}),
            full: o.full,
            isCancelled: o.isCancelled,
            onResumed: (pieces) => (resumedPieces = pieces),
          });
      const complete = have.count() === o.metainfo.pieceCount;
      if (!complete) {
        // The hash workers boot (tens of ms each) while the first piece is still on its
        // way, not after it arrived: started on first use, they delayed the first
        // verified piece by their boot time.
        o.ctx.hashPool.prestart();
        // What is left to write: of the selection when files are skipped.
        const left = o.filePriorities
          ? (({ selectedBytes, verifiedBytes }) => selectedBytes - verifiedBytes)(
              selectionBytes(o.metainfo, o.filePriorities, have),
            )
          : o.metainfo.totalLengthBytes - verifiedBytesOf(o.metainfo, have);
        await ensureFreeSpace(o.savePath, left);
      }
      // Downloads get their files created at full length (sparse); a complete torrent
      // (a share, or a finished download) is opened read-only and never modified.
      await storage.open({ allocate: !complete });
      const transfer = new ActiveTransfer(o, storage, have);
      transfer.resumedPieces = resumedPieces;
      await transfer.refreshFileStamps();
      transfer.guard?.baseline(transfer.existingAtOpen);
      return transfer;
    } catch (err) {
      await storage.close().catch(() => undefined);
      throw err;
    }
  }

  static storageFor(
    ctx: TorrentContext,
    metainfo: Metainfo,
    savePath: string,
    roots?: readonly SourceRoot[],
    filePriorities?: Uint8Array | null,
  ): Storage {
    const selected = filePriorities ? metainfo.files.map((_, i) => isSelected(filePriorities, i)) : undefined;
    return new FileStorage({
      savePath,
      layout: metainfo,
      ...(roots ? { roots } : {}),
      ...(selected ? { selected } : {}),
    });
  }

  get have(): Bitfield {
    return this.picker.have;
  }

  get isComplete(): boolean {
    return this.picker.isComplete;
  }

  /** Every selected file is verified (the whole torrent when nothing is skipped). */
  get selectionComplete(): boolean {
    return this.picker.selectionComplete;
  }

  /**
   * A new selection (one PRIORITY_* per metainfo file), mid-download or not. Files selected
   * now are created and take the bytes they had in the parts file, whose pieces are hashed
   * again before they count; then the picker follows the new priorities. Resolves with
   * whether the selection is now complete.
   */
  async setFilePriorities(filePriorities: Uint8Array): Promise<boolean> {
    if (this.closed) return this.picker.selectionComplete;
    const m = this.o.metainfo;
    const selected = m.files.map((_, i) => isSelected(filePriorities, i));
    const moved =
      this.storage instanceof FileStorage
        ? await this.storage.selectFiles(selected, (p) => this.picker.have.get(p))
        : [];
    for (const piece of moved) {
      const data = await this.storage.readPiece(piece).catch(() => null);
      const digest = data ? await this.o.ctx.hashPool.sha1(data, { transfer: true }) : null;
      if (!digest || !hashMatches(m.pieceHashes, piece, digest)) this.picker.pieceUnverified(piece);
    }
    this.picker.setPiecePriorities(piecePrioritiesOf(m, filePriorities));
    if (!this.picker.selectionComplete) this.completeReported = false;
    for (const p of this.o.peers()) this.downloader.updateInterest(p);
    this.downloader.kickAll();
    this.reportCompleteOnce();
    return this.picker.selectionComplete;
  }

  /** In-order picking on or off (`--sequential`, or a player reading from the start). */
  setSequential(on: boolean): void {
    this.picker.sequential = on;
  }

  /** Pieces a reader waits for, most urgent first (picker.setDeadlines); [] when none. */
  setDeadlines(pieces: readonly number[]): void {
    if (this.closed) return;
    // Only a new piece in the list needs the pipelines refilled at once.
    if (this.picker.setDeadlines(pieces) && pieces.length > 0) this.downloader.kickAll();
  }

  private reportCompleteOnce(): void {
    if (this.completeReported || !this.picker.selectionComplete) return;
    this.completeReported = true;
    for (const p of this.o.peers()) {
      this.downloader.updateInterest(p);
      if (p.haves.isSeed && this.picker.isComplete) p.conn.close('both-seeds', 'both sides are seeds');
    }
    void this.refreshFileStamps().catch(() => undefined);
    if (this.picker.isComplete)
      void this.storage.applyFileAttributes?.().catch((err: unknown) => this.o.onError(err));
    this.o.onComplete();
  }

  /**
   * The verified pieces to save in resume data: those had, minus any whose file changed
   * and that have not been re-hashed yet (a restart must not trust them).
   */
  verifiedForResume(): Bitfield {
    const have = this.picker.have;
    if (!this.guard || this.guard.pendingCount === 0) return have;
    const out = have.clone();
    for (let p = 0; p < out.length; p++) if (this.guard.isUnverified(p)) out.set(p, false);
    return out;
  }

  async refreshFileStamps(): Promise<void> {
    if (this.closed) return;
    await this.storage.flush();
    const existing = await this.storage.existingFiles();
    if (this.existingAtOpen.length === 0) this.existingAtOpen = existing;
    this.fileStamps = fileStamps(existing);
  }

  // ------------------------------------------------------------ peers

  /** A peer joined (or the transfer started with peers already connected). */
  attachPeer(peer: TorrentPeer): void {
    if (!peer.haves.setPieceCount(this.o.metainfo.pieceCount)) {
      peer.conn.close('protocol-error', 'bitfield does not fit the torrent');
      return;
    }
    const key = this.banKeyOf(peer.id);
    if (key !== null) peer.refusedPieces = this.refused.get(key) ?? null;
    this.onAvailability(peer);
    // A peer with nothing may send no BITFIELD at all (BEP 3): it gets its offer now.
    this.offerNextPiece(peer);
  }

  /** Super-seeding is on and applies: this side has every piece. */
  get isSuperSeeding(): boolean {
    return this.superSeeding !== null && this.picker.isComplete;
  }

  /**
   * Turns super-seeding (BEP 16) on or off. Off: each peer hears a HAVE for every piece it
   * was not offered, so it sees the whole torrent as with a normal seed.
   */
  setSuperSeeding(on: boolean): void {
    if (on === (this.superSeeding !== null)) return;
    const was = this.superSeeding;
    this.superSeeding = on ? new SuperSeeding(this.o.metainfo.pieceCount, this.o.ctx.random) : null;
    if (on) return;
    if (!was || !this.picker.isComplete) return;
    for (const p of this.o.peers()) {
      if (p.conn.isClosed) continue;
      for (let piece = 0; piece < this.o.metainfo.pieceCount; piece++)
        if (!was.wasOffered(p.id, piece) && !p.haves.has(piece)) p.conn.sendHave(piece);
    }
  }

  /** Super-seeding: the peer's next piece, announced with a HAVE (once per reported offer). */
  private offerNextPiece(peer: TorrentPeer): void {
    if (!this.isSuperSeeding || peer.conn.isClosed || this.closed) return;
    const piece = this.superSeeding!.nextFor(
      peer.id,
      (i) => peer.haves.has(i),
      (i) => this.picker.availability(i),
    );
    if (piece !== null) peer.conn.sendHave(piece);
  }

  /** Registers what the peer has with the picker (once), then follows its HAVEs. */
  onAvailability(peer: TorrentPeer): void {
    // Only once the peer said what it has: registering an empty peer first would make
    // the picker ignore its BITFIELD / HAVE ALL when it arrives a moment later.
    if (this.counted.has(peer) || peer.conn.isClosed || !peer.haves.hasAnnounced) return;
    if (peer.haves.hasAll) this.picker.peerHasAll(peer.id);
    else if (peer.haves.bitfield && peer.haves.count > 0)
      this.picker.peerHasBitfield(peer.id, peer.haves.bitfield);
    this.counted.add(peer);
    if (this.picker.isComplete && peer.haves.isSeed) {
      peer.conn.close('both-seeds', 'both sides are seeds');
      return;
    }
    this.downloader.onAvailability(peer);
    this.offerNextPiece(peer);
  }

  onHave(peer: TorrentPeer, piece: number): void {
    this.onHaves(peer, [piece]);
  }

  /** New pieces of a peer (HAVEs, or a late BITFIELD / HAVE ALL merged by PeerHaves). */
  onHaves(peer: TorrentPeer, pieces: readonly number[]): void {
    // Super-seeding: a reported offer earns the next one (offered below, once counted).
    let reportedOffer = false;
    if (this.superSeeding)
      for (const piece of pieces) reportedOffer ||= this.superSeeding.peerReported(peer.id, piece);
    // Not registered yet: registering now counts its whole bitfield, these pieces included.
    if (!this.counted.has(peer)) return this.onAvailability(peer);
    for (const piece of pieces) {
      this.picker.peerHasPiece(peer.id, piece);
      this.downloader.onHave(peer, piece);
    }
    if (reportedOffer) this.offerNextPiece(peer);
    if (this.picker.isComplete && peer.haves.isSeed) peer.conn.close('both-seeds', 'both sides are seeds');
  }

  detachPeer(peer: TorrentPeer): void {
    this.counted.delete(peer);
    this.superSeeding?.peerGone(peer.id);
    this.downloader.onPeerGone(peer);
    this.gone.set(peer.id, peer);
    if (this.gone.size > GONE_PEERS_KEPT) this.gone.delete(this.gone.keys().next().value!);
    if (this.optimistic?.peerId === peer.id) this.optimistic = null;
    if (!peer.conn.amChoking) this.rechokeSoon = true;
  }

  /** Interested/not interested: a free upload slot is given at once, not at the next rechoke. */
  onInterestChanged(peer: TorrentPeer): void {
    if (peer.conn.peerInterested || !peer.conn.amChoking) this.rechokeSoon = true;
    if (peer.conn.peerInterested) this.rechoke();
  }

  // ------------------------------------------------------------ data

  private onBlock(peer: TorrentPeer, bytes: number): void {
    peer.downloadedBytes += bytes;
    this.o.onPayload(peer, bytes, 'down');
    const waitMs = this.o.ctx.downloadLimiter.take(bytes);
    if (waitMs > 0) peer.requestHoldUntilMs = this.o.ctx.now() + waitMs;
  }

  private peer(id: string): TorrentPeer | undefined {
    return this.o.peerById(id) ?? this.gone.get(id);
  }

  private onVerified(piece: number): void {
    const { contributors } = this.downloader.onPieceVerified(piece);
    const credited = contributors[0] ? (this.peer(contributors[0].peerId) ?? null) : null;
    this.o.ctx.banPolicy.pieceVerified(
      contributors.map((c) => this.banKeyOf(c.peerId)).filter((k) => k !== null),
    );
    // HAVE goes to every peer, seeds included (libtorrent's send_redundant_have default):
    // 9 bytes per piece, and without it a seeder shows its leechers at 0 %.
    for (const p of this.o.peers()) if (!p.conn.isClosed) p.conn.sendHave(piece);
    this.o.onPieceVerified(piece, credited);
    this.reportCompleteOnce();
  }

  private onFailed(piece: number): void {
    const contributors = this.downloader.onPieceFailed(piece);
    const keys = contributors.map((c) => this.banKeyOf(c.peerId)).filter((k) => k !== null);
    // Its only source sent bad bytes: do not ask that peer for this piece again (a seeder
    // whose file changed would otherwise send the same wrong bytes forever).
    if (contributors.length === 1 && keys.length === 1) this.refuse(keys[0]!, piece);
    for (const c of contributors) {
      const p = this.peer(c.peerId);
      if (p) p.hashFailures++;
    }
    const banned = new Set(this.o.ctx.banPolicy.pieceFailed(keys));
    const senders = contributors.flatMap((c) => this.peer(c.peerId)?.address ?? []);
    this.o.ctx.warning({
      code: 'hash-failed',
      message: `piece ${piece} failed its SHA-1 check (sent by ${senders.join(', ') || 'a peer now gone'})`,
      torrentId: this.o.torrent,
      piece,
      peers: senders,
      ...(senders.length === 1 ? { peer: senders[0] } : {}),
    });
    for (const c of contributors) {
      const p = this.peer(c.peerId);
      const key = this.banKeyOf(c.peerId);
      if (!p || key === null || !banned.has(key)) continue;
      // On loopback the listen-port key misses the peer when it dials in again from a new
      // ephemeral port: ban its peer id too (checked on accept, before any data flows).
      const peerId = p.conn.remotePeerId;
      if (peerId && isLoopbackHost(p.conn.remoteHost))
        this.o.ctx.banPolicy.ban(peerIdBanKey(peerId), this.o.ctx.banPolicy.banOf(key)?.reason);
      this.o.ctx.warning({
        code: 'peer-banned',
        message: `banned ${p.address}: it sent pieces that failed their hash check`,
        torrentId: this.o.torrent,
        peer: p.address,
      });
      p.conn.close('banned', 'sent pieces that failed their hash check');
    }
  }

  private refuse(key: string, piece: number): void {
    let pieces = this.refused.get(key);
    if (!pieces) {
      pieces = new Set();
      this.refused.set(key, pieces);
      if (this.refused.size > REFUSING_KEYS_KEPT) this.refused.delete(this.refused.keys().next().value!);
    }
    pieces.add(piece);
    for (const p of this.o.peers()) {
      if (this.banKeyOf(p.id) !== key) continue;
      p.refusedPieces = pieces;
      this.downloader.updateInterest(p);
    }
  }

  // ------------------------------------------------------------ files changed on disk

  private onPieceLost(piece: number): void {
    if (this.closed || !this.picker.pieceLost(piece)) return;
    this.o.onPiecesLost();
  }

  private onFileChecked(fileIndex: number, lost: number): void {
    if (this.closed || lost === 0) return;
    this.o.onFileChanged(relativePathOf(this.o.metainfo, fileIndex).join('/'), lost);
    // Peers still think we have those pieces (BEP 3 has no "lost a piece" message):
    // reconnecting makes them learn our bitfield as it is now. Seeds ask us for nothing.
    for (const p of this.o.peers()) {
      if (!p.haves.isSeed && !p.conn.isClosed) p.conn.close('files-changed', 'our files changed on disk');
    }
  }

  private onFileMissing(fileIndex: number, stamp: ChangeStamp | null): void {
    if (this.closed) return;
    const file = this.o.metainfo.files[fileIndex]!;
    const name = relativePathOf(this.o.metainfo, fileIndex).join('/');
    const what = stamp ? `is now ${stamp.sizeBytes} bytes, the torrent needs ${file.lengthBytes}` : 'is gone';
    this.o.onError(new StorageError('missing-file', `${name} ${what}: it changed on disk while shared`));
  }

  private banKeyOf(peerId: string): string | null {
    const p = this.peer(peerId);
    if (!p) return null;
    const c = p.conn;
    const listenPort = c.direction === 'outgoing' ? c.remotePort : (c.remoteExtensions?.p ?? c.remotePort);
    return banKey(c.remoteHost, listenPort);
  }

  // ------------------------------------------------------------ periodic

  tick(): void {
    if (this.closed) return;
    const { ctx } = this.o;
    const t = ctx.tuning;
    const nowMs = ctx.now();
    for (const peer of this.o.peers()) {
      const reqq = peer.conn.remoteExtensions?.reqq;
      peer.queueDepth = requestQueueDepth(
        {
          rateBytesPerSec: peer.conn.downloadRate.bytesPerSecond(),
          elapsedMs: nowMs - peer.connectedAtMs,
          ...(reqq ? { peerReqq: reqq } : {}),
        },
        {
          targetQueueTimeSec: t.queueTimeSec,
          minDepth: t.minQueueDepth,
          maxDepth: t.maxQueueDepth,
          initialDepth: t.initialQueueDepth,
        },
      );
    }
    this.downloader.tick();
    this.guard?.checkSome(FILES_CHECKED_PER_TICK);
    if (this.rechokeSoon || nowMs - this.lastRechokeMs >= t.rechokeIntervalMs) this.rechoke();
    this.uploader.pumpAll(this.o.peers());
  }

  /** Applies the choker (choker/NOTES.md): tit-for-tat slots plus one optimistic unchoke (BEP 3 practice). */
  rechoke(): void {
    if (this.closed) return;
    const { ctx } = this.o;
    const nowMs = ctx.now();
    this.lastRechokeMs = nowMs;
    this.rechokeSoon = false;
    const peers = [...this.o.peers()].filter((p) => !p.conn.isClosed && p.conn.isStarted);
    const decision = decideChokes(
      {
        peers: peers.map((p) => ({
          id: p.id,
          interested: p.conn.peerInterested,
          downloadRateBps: p.conn.downloadRate.bytesPerSecond(),
          uploadRateBps: p.conn.uploadRate.bytesPerSecond(),
          snubbed: this.picker.isSnubbed(p.id),
          connectedAtMs: p.connectedAtMs,
          unchoked: !p.conn.amChoking,
        })),
        seeding: this.picker.selectionComplete,
        uploadSlots: ctx.uploadSlots(),
        optimistic: this.optimistic,
        optimisticIntervalMs: ctx.tuning.optimisticIntervalMs,
      },
      nowMs,
      ctx.random,
    );
    this.optimistic = decision.optimistic;
    for (const p of peers) {
      p.optimistic = decision.optimistic?.peerId === p.id;
      const unchoke = decision.unchoke.has(p.id);
      if (unchoke && p.conn.amChoking) p.conn.sendUnchoke();
      else if (!unchoke && !p.conn.amChoking) {
        p.conn.sendChoke();
        this.uploader.onChoked(p);
      }
    }
  }

  /** Flushes and releases everything. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.downloader.close();
    this.uploader.close();
    this.guard?.close();
    // Let pieces already hashed reach the disk before the files are closed.
    await this.verifier.drain();
    this.verifier.close();
    this.pool.clear();
    try {
      await this.storage.flush();
    } finally {
      await this.storage.close();
    }
  }
}
