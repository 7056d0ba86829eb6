import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import type { Metainfo } from '../../protocol/metainfo/metainfo-types.ts';
import { safeDisplayName } from '../../protocol/display-name.ts';
import { formatMagnet } from '../../protocol/magnet.ts';
import type { PeerConnection } from '../peer/peer-connection.ts';
import type { TorrentPeer } from './torrent-peer.ts';
import { TransferTotals } from './transfer-totals.ts';
import type { ResumeRecord } from '../resume/resume-record.ts';
import type { EngineTorrentDetail, TorrentError, TorrentState, TorrentSummary } from '../session-api.ts';
import { ActiveTransfer } from './active-transfer.ts';
import { checkStoredPieces } from './piece-check.ts';
import { buildResumeRecord, resumeRecordKey } from './torrent-resume.ts';
import type { FileStamp } from '../storage/storage.ts';
import type { SourceRoot } from '../storage/source-roots.ts';
import { MetadataExchange } from './metadata-exchange.ts';
import { PieceSources } from './piece-sources.ts';
import { PeerSet } from './peer-set.ts';
import { Swarm, type PeerCandidate } from './swarm.ts';
import { allNormal, isSelected, prioritiesFromGlobs, selectionBytes, selectsAll } from './file-selection.ts';
import { FileReaders, type FileReader } from './file-readers.ts';
import { PRIORITY_NORMAL } from '../picker/block-picker.ts';
import type { TorrentContext } from './torrent-context.ts';
import { TrackerLink } from './tracker-link.ts';
import { DhtLink } from './dht-link.ts';
import { announceTiers, mergeTiers, torrentFileFromInfo } from './torrent-file.ts';
import {
  buildDetail,
  buildSummary,
  shownRates,
  verifiedBytesOf,
  type SnapshotSource,
} from './torrent-snapshot.ts';

/**
 * An idle torrent (seeding or stopped, no peer, no dial) ticks once in this many session
 * rounds: nothing in its tick is urgent (requests, chokes and dials need peers; a file
 * edited behind our back is checked again before any piece of it is served), and ten
 * thousand idle torrents would otherwise cost ten thousand ticks a second.
 */
const IDLE_TICK_ROUNDS = 30;

export interface TorrentInit {
  infoHash: Uint8Array;
  infoHashHex: string;
  metainfo: Metainfo | null;
  /** The .torrent as added (kept for "save .torrent"); null for magnets. */
  torrentBytes: Uint8Array | null;
  /** Name before the metadata is known (magnet dn, catalog name). */
  displayName?: string;
  /** Extra announce URLs (user's, magnet `tr`, session defaults), one tier each. */
  extraTrackers: string[];
  savePath: string;
  /** Shared from several paths: where each top-level entry lives (storage/source-roots.ts). */
  roots?: SourceRoot[];
  /** Previous run's resume data. */
  record?: ResumeRecord;
  /** We just hashed these files ourselves (share): every piece is trusted. */
  trustedComplete?: boolean;
  /** Ignore `record`'s verified pieces: hash everything on disk at the first start. */
  recheck?: boolean;
  paused: boolean;
  /** Peers to try directly (magnet x.pe). */
  initialPeers?: PeerCandidate[];
  /** Kept out of the LAN catalog (default: the record's choice, else listed). */
  unlisted?: boolean;
  /**
   * Download only files whose path matches one of these globs (path-glob.ts); applied once
   * the metadata is known. Ignored when resume data already holds a selection.
   */
  only?: string[];
  /** Pieces in index order (`get --sequential`). */
  sequential?: boolean;
}

/**
 * One torrent's lifecycle: metadata (BEP 9 when started from a magnet), checking,
 * downloading, seeding, paused, error. The transfer machinery lives in ActiveTransfer
 * (created once the metadata and the files are ready); trackers in TrackerLink; peers
 * arrive through the Swarm (outgoing) or `accept` (incoming) and are routed here.
 */
export class Torrent {
  /** `down/up` as the last summary showed them (see ratesMoved). */
  private shownRatesKey = '';
  readonly id: string;
  readonly infoHash: Uint8Array;
  metainfo: Metainfo | null;
  private torrentBytes: Uint8Array | null;
  private readonly displayName: string;
  readonly savePath: string;
  private readonly roots: SourceRoot[] | undefined;
  private readonly extraTrackers: string[];
  /** Tiers the previous run used (resume data): a magnet's `tr=`, the user's. */
  private readonly savedTiers: string[][];
  state: TorrentState = 'queued';
  error: TorrentError | undefined;
  readonly addedAtMs: number;
  completedAtMs: number | null;
  private record: ResumeRecord | undefined;
  private trustedComplete: boolean;
  private userPaused: boolean;

  private readonly peers: PeerSet;
  private readonly pieceSources = new PieceSources(0);
  readonly metadata: MetadataExchange;
  readonly swarm: Swarm;
  private trackers: TrackerLink | null = null;
  private dhtLink: DhtLink | null = null;
  private transfer: ActiveTransfer | null = null;
  private superSeeding = false;
  /** Verified pieces as of the last stop (for snapshots while inactive). */
  private lastHave: Bitfield | null = null;
  private readonly totals: TransferTotals;
  /** Started (and not closed): the session's rounds tick it (`periodic`). */
  private ticking = false;
  /** Which of the IDLE_TICK_ROUNDS rounds ticks it while idle: spreads idle torrents out. */
  private readonly tickPhase: number;
  private lastResumeSaveMs = 0;
  /** resumeFingerprint() when the record on disk was last written or found equal. */
  private savedFingerprint: string | null = null;
  /**
   * The record on disk as resumeRecordKey text (null: none, or not known): a save that
   * would write the same record again is skipped, so a start or a stop with nothing
   * changed writes nothing.
   */
  private storedRecordKey: string | null;
  /** Bumped on every stop: async work started before checks it and gives up. */
  private generation = 0;
  private closed = false;
  private readonly initialPeers: PeerCandidate[];
  /** Kept out of the LAN catalog ("Nearby"); saved in the resume record. */
  unlisted: boolean;
  /**
   * Pieces held because their file was edited while shared, as of the last stop (resume
   * data keeps them, so no restart downloads over the edit); cleared by a recheck.
   */
  private held: Bitfield | null = null;
  /** The check started by the last `start()`; settles (never rejects) when it is done. */
  private preparing: Promise<void> = Promise.resolve();
  /** File stamps taken by a recheck while paused (no transfer to ask). */
  private pausedStamps: FileStamp[] | null = null;
  /** Per metainfo file PRIORITY_* (file-selection.ts); null until the metadata is known. */
  private filePriorities: Uint8Array | null = null;
  /** `only` globs waiting for a magnet's metadata. */
  private pendingOnly: string[] | null;
  private sequential: boolean;
  /** Files being read while they download (an HTTP player): they steer the picker. */
  private readonly readers = new FileReaders({
    metainfo: () => this.metainfo,
    have: () => this.transfer?.have ?? this.lastHave,
    storage: () => this.transfer?.storage ?? null,
    setDeadlines: (pieces) => this.transfer?.setDeadlines(pieces),
  });

  constructor(
    private readonly ctx: TorrentContext,
    init: TorrentInit,
  ) {
    this.id = init.infoHashHex;
    this.infoHash = init.infoHash;
    this.tickPhase = (init.infoHash[0] ?? 0) % IDLE_TICK_ROUNDS;
    this.metainfo = init.metainfo;
    this.torrentBytes = init.torrentBytes;
    // Magnet `dn`s, catalog and resume names are only shown, but come from strangers.
    this.displayName =
      safeDisplayName(init.displayName) ?? safeDisplayName(init.record?.name) ?? init.infoHashHex;
    this.savePath = init.savePath;
    this.roots = init.roots ?? init.record?.roots;
    this.extraTrackers = init.extraTrackers;
    this.savedTiers = init.record?.trackers ?? [];
    this.record = init.recheck ? undefined : init.record;
    this.storedRecordKey = init.record ? resumeRecordKey(init.record) : null;
    this.trustedComplete = init.trustedComplete ?? false;
    this.userPaused = init.paused;
    this.addedAtMs = init.record?.addedAtMs ?? ctx.now();
    this.completedAtMs = init.record?.completedAtMs ?? null;
    this.totals = new TransferTotals(
      init.record?.downloadedBytes ?? 0,
      init.record?.uploadedBytes ?? 0,
      ctx.now,
    );
    this.initialPeers = init.initialPeers ?? [];
    this.unlisted = init.unlisted ?? init.record?.unlisted ?? false;
    this.sequential = init.sequential ?? false;
    const saved = init.record?.filePriorities;
    this.pendingOnly = saved ? null : init.only?.length ? init.only : null;
    if (this.metainfo) this.initSelection(this.metainfo, saved);
    if (this.metainfo) this.pieceSources.reset(this.metainfo.pieceCount);
    if (this.record?.heldPieces && this.record.pieceCount === this.metainfo?.pieceCount)
      this.held = Bitfield.fromBase64(this.record.pieceCount, this.record.heldPieces);
    if (this.record && this.metainfo && this.record.pieceCount === this.metainfo.pieceCount) {
      this.lastHave = Bitfield.fromBase64(this.record.pieceCount, this.record.verifiedPieces);
    }
    this.metadata = new MetadataExchange({
      infoHash: this.infoHash,
      infoBytes: this.metainfo?.infoBytes ?? null,
      now: ctx.now,
      onMetadata: (m) => this.onMetadata(m),
      onBadMetadata: (peer, message) => this.onBadMetadata(peer, message),
      onNoMetadataPeers: (message) =>
        this.ctx.warning({ code: 'metadata-unsupported', message, torrentId: this.id }),
    });
    this.swarm = new Swarm({
      torrentKey: this.id,
      dialer: ctx.dialer,
      handshake: () => this.peers.handshake(),
      maxPeers: () => ctx.maxPeersPerTorrent(),
      connectedCount: () => this.peers.size,
      globalRoom: () => ctx.globalConnectionRoom(),
      isComplete: () => this.transfer?.isComplete ?? false,
      onConnection: (conn) => this.peers.adopt(conn),
    });
    this.peers = new PeerSet(ctx, {
      infoHash: this.infoHash,
      metainfo: () => this.metainfo,
      transfer: () => this.transfer,
      metadata: this.metadata,
      swarm: this.swarm,
      accepting: () =>
        !this.closed &&
        !this.userPaused &&
        (this.state === 'fetching-metadata' ||
          this.state === 'downloading' ||
          this.state === 'seeding' ||
          this.state === 'files-changed'),
      changed: () => this.ctx.changed(this.id),
    });
  }

  get name(): string {
    return this.metainfo?.name ?? this.displayName;
  }

  /** The first selection once the metadata is known: resume data's, else `--only`'s, else all. */
  private initSelection(m: Metainfo, saved: number[] | undefined): void {
    if (saved && saved.length === m.files.length) this.filePriorities = Uint8Array.from(saved);
    else if (this.pendingOnly) this.filePriorities = prioritiesFromGlobs(m, this.pendingOnly);
    else this.filePriorities = allNormal(m);
    this.pendingOnly = null;
  }

  /** Per metainfo file PRIORITY_* (a copy); null while the metadata is unknown. */
  priorities(): Uint8Array | null {
    return this.filePriorities ? this.filePriorities.slice() : null;
  }

  /**
   * Changes file priorities (index → PRIORITY_*), mid-download or not; saved in resume data.
   * Throws RangeError for an index outside the file list, and with code 'no-metadata'
   * before the metadata is known.
   */
  async setFilePriorities(changes: ReadonlyMap<number, number>): Promise<void> {
    if (!this.metainfo || !this.filePriorities) {
      throw Object.assign(new Error('the file list is not known yet (metadata)'), { code: 'no-metadata' });
    }
    const next = this.filePriorities.slice();
    for (const [index, priority] of changes) {
      if (!Number.isInteger(index) || index < 0 || index >= next.length) {
        throw Object.assign(new RangeError(`no file ${index} (the torrent has ${next.length})`), {
          code: 'bad-request',
        });
      }
      next[index] = priority;
    }
    this.filePriorities = next;
    const transfer = this.transfer;
    if (transfer) {
      const complete = await transfer.setFilePriorities(next);
      if (this.transfer === transfer && (this.state === 'seeding' || this.state === 'downloading'))
        this.setState(complete ? 'seeding' : 'downloading');
    }
    this.ctx.changed(this.id);
    await this.saveResume();
  }

  /**
   * A reader of file `fileIndex` that serves its bytes as they are verified and makes the
   * picker fetch what it reads next first. A skipped file is selected (normal) first.
   */
  async openReader(fileIndex: number): Promise<FileReader> {
    if (!this.metainfo || !this.filePriorities) {
      throw Object.assign(new Error('the file list is not known yet (metadata)'), { code: 'no-metadata' });
    }
    if (
      fileIndex >= 0 &&
      fileIndex < this.filePriorities.length &&
      !isSelected(this.filePriorities, fileIndex)
    )
      await this.setFilePriorities(new Map([[fileIndex, PRIORITY_NORMAL]]));
    return this.readers.openReader(fileIndex);
  }

  get isPaused(): boolean {
    return this.userPaused;
  }

  /** Announce URL tiers: the metainfo's, the saved ones, then each extra URL as its own tier. */
  announceList(): string[][] {
    return announceTiers(mergeTiers(this.metainfo?.announceList ?? [], this.savedTiers), this.extraTrackers);
  }

  /** The announcer's per-tracker status (empty while not announcing). */
  trackerStatuses(): ReturnType<TrackerLink['statuses']> {
    return this.trackers?.statuses() ?? [];
  }

  magnet(): string {
    return formatMagnet({ infoHashHex: this.id, name: this.name, trackers: this.announceList().flat() });
  }

  /** The .torrent as added, or one built around metadata received from peers. */
  torrentFile(): Uint8Array | null {
    if (this.torrentBytes) return this.torrentBytes;
    return this.metainfo ? torrentFileFromInfo(this.metainfo.infoBytes, this.announceList()) : null;
  }

  // ------------------------------------------------------------ lifecycle

  /** Starts (unless added paused). Work continues in the background. */
  start(): void {
    if (this.closed || this.userPaused) {
      this.setState('paused');
      return;
    }
    const gen = ++this.generation;
    this.ticking = true;
    if (!this.metainfo) {
      this.setState('fetching-metadata');
      this.openNetwork();
      return;
    }
    this.preparing = this.prepare(gen, false);
  }

  /**
   * Resolves once the files have been checked and the transfer opened (or failed): from
   * then on a change to the files is measured against what was checked.
   */
  async started(): Promise<void> {
    await this.preparing;
  }

  async pause(): Promise<void> {
    if (this.closed || this.userPaused) return;
    this.userPaused = true;
    await this.stop('paused');
    this.setState('paused');
    await this.saveResume();
  }

  /** Starts a paused torrent, or retries one in its error state. */
  async resume(): Promise<void> {
    if (this.closed || (!this.userPaused && this.state !== 'error')) return;
    this.userPaused = false;
    this.error = undefined;
    this.start();
    await this.saveResume();
  }

  /** Re-hashes every piece from disk (user action). */
  /** BEP 16 (ActiveTransfer.setSuperSeeding); kept here so a re-opened transfer keeps it. */
  setSuperSeeding(on: boolean): void {
    this.superSeeding = on;
    this.transfer?.setSuperSeeding(on);
  }

  async recheck(): Promise<void> {
    if (this.closed || !this.metainfo) return;
    await this.stop('recheck');
    this.trustedComplete = false;
    this.record = undefined;
    this.held = null;
    this.error = undefined;
    if (this.userPaused) {
      // Paused stays paused: hash what is on disk, remember it, start nothing.
      this.setState('checking');
      const storage = ActiveTransfer.storageFor(
        this.ctx,
        this.metainfo,
        this.savePath,
        this.roots,
        this.filePriorities,
      );
      ({ have: this.lastHave, stamps: this.pausedStamps } = await checkStoredPieces(
        this.metainfo,
        storage,
        this.ctx.hashPool,
      ));
      this.setState('paused');
      await this.saveResume();
      return;
    }
    const gen = ++this.generation;
    this.ticking = true;
    await this.prepare(gen, true);
  }

  /** Stops for good (session close or remove). Idempotent. */
  async close(options: { sendStopped: boolean; saveResume: boolean }): Promise<void> {
    if (this.closed) return;
    if (options.saveResume) await this.saveResumeIfChanged();
    this.closed = true;
    this.readers.closeAll();
    this.ticking = false;
    await this.stop('closed', options.sendStopped);
  }

  /** Removes the payload from disk (after close). */
  async deleteFiles(): Promise<void> {
    const storage =
      this.transfer?.storage ??
      (this.metainfo
        ? ActiveTransfer.storageFor(this.ctx, this.metainfo, this.savePath, this.roots, this.filePriorities)
        : null);
    await storage?.deleteFiles();
  }

  private async prepare(gen: number, full: boolean): Promise<void> {
    const metainfo = this.metainfo!;
    this.setState('checking');
    try {
      const transfer = await ActiveTransfer.open({
        ctx: this.ctx,
        torrent: this.id,
        metainfo,
        savePath: this.savePath,
        roots: this.roots,
        record: this.record,
        trustedComplete: this.trustedComplete,
        full,
        held: this.held,
        filePriorities: this.filePriorities,
        sequential: this.sequential,
        isCancelled: () => gen !== this.generation,
        peers: () => this.peers.values(),
        peerById: (id) => this.peers.get(id),
        onPieceVerified: (piece, credited) => this.onPieceVerified(piece, credited),
        onComplete: () => this.onComplete(),
        onPiecesLost: () => this.setState('files-changed'),
        onFileChanged: (path, lostPieces) => {
          this.ctx.warning({
            code: 'files-changed',
            message: `${path} changed on disk: ${lostPieces} piece${lostPieces === 1 ? '' : 's'} no longer match the torrent and are no longer shared (a recheck downloads them again over the change; share the file anew to share it as it is)`,
            torrentId: this.id,
          });
          // We are no longer a seed: let the trackers know (left > 0) without waiting a full interval.
          this.trackers?.reannounce();
        },
        onError: (err) => this.fail(err),
        onPayload: (_peer, bytes, direction) => this.totals.add(bytes, direction),
      });
      if (gen !== this.generation) {
        await transfer.close();
        return;
      }
      this.transfer = transfer;
      this.lastHave = null;
      this.pausedStamps = null;
      this.trustedComplete = transfer.isComplete;
      this.setState(
        transfer.selectionComplete
          ? 'seeding'
          : transfer.picker.heldCount > 0
            ? 'files-changed'
            : 'downloading',
      );
      if (transfer.selectionComplete && this.completedAtMs === null && this.record === undefined)
        this.completedAtMs = this.ctx.now();
      transfer.setSuperSeeding(this.superSeeding);
      for (const peer of this.peers.values()) this.transfer.attachPeer(peer);
      this.readers.updateDeadlines();
      this.readers.wake();
      this.openNetwork();
      await this.saveResume();
    } catch (err) {
      if (gen === this.generation) this.fail(err);
    }
  }

  /** Trackers and dialing. Incoming peers are accepted while this is open. */
  private openNetwork(): void {
    this.swarm.reopen();
    if (!this.trackers) {
      this.trackers = new TrackerLink(this.ctx, {
        infoHash: this.infoHash,
        announceList: this.announceList(),
        totals: () => ({
          uploaded: this.uploadedBytes,
          downloaded: this.downloadedBytes,
          left: this.leftBytes(),
        }),
        onPeers: (peers) => this.swarm.addCandidates(peers),
        onStatus: () => this.ctx.changed(this.id),
        onTrackerFailed: (url, message) =>
          this.ctx.warning({
            code: 'tracker-failed',
            message: `${url}: ${message}`,
            torrentId: this.id,
            tracker: url,
          }),
      });
    }
    this.trackers.start();
    this.openDht();
    if (this.initialPeers.length > 0) this.swarm.addCandidates(this.initialPeers);
    this.swarm.connectMore();
  }

  /** The session's DHT came up after this torrent started: announce there if running. */
  dhtAvailable(): void {
    if (this.trackers && !this.closed) this.openDht();
  }

  /** BEP 5 announcing while the network is open; never for a private torrent (BEP 27). */
  private openDht(): void {
    const dht = this.ctx.dht();
    if (!dht || this.metainfo?.private) return;
    this.dhtLink ??= new DhtLink(dht, {
      infoHash: this.infoHash,
      peerPort: () => this.ctx.peerPort(),
      isPrivate: () => this.metainfo?.private ?? false,
      onPeers: (peers) => this.swarm.addCandidates(peers),
      onAnnounced: () => this.ctx.changed(this.id),
      schedule: {
        intervalMs: this.ctx.tuning.dhtAnnounceIntervalMs,
        retryBaseMs: this.ctx.tuning.dhtRetryBaseMs,
      },
    });
    this.dhtLink.start();
  }

  private async stop(reason: string, sendStopped = true): Promise<void> {
    this.generation++;
    this.dhtLink?.close();
    this.dhtLink = null;
    this.swarm.close();
    this.peers.closeAll(reason);
    const trackers = this.trackers;
    this.trackers = null;
    const transfer = this.transfer;
    this.transfer = null;
    if (transfer) this.lastHave = transfer.have;
    const closing = transfer?.close().catch((err: unknown) =>
      this.ctx.warning({
        code: 'storage-close-failed',
        message: err instanceof Error ? err.message : String(err),
        torrentId: this.id,
      }),
    );
    await Promise.all([trackers?.close(sendStopped), closing]);
    if (transfer) {
      this.lastHave = transfer.have.clone();
      this.held = transfer.picker.heldBitfield();
    }
  }

  private fail(err: unknown): void {
    const code =
      typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : 'engine-error';
    const message = err instanceof Error ? err.message : String(err);
    this.error = { code, message };
    void this.stop('error');
    this.setState('error');
    this.ctx.fatal({ code, message, torrentId: this.id });
  }

  private setState(state: TorrentState): void {
    if (this.state === state) return;
    this.state = state;
    this.ctx.changed(this.id);
  }

  // ------------------------------------------------------------ metadata

  private onMetadata(metainfo: Metainfo): void {
    this.metainfo = metainfo;
    this.initSelection(metainfo, undefined);
    this.pieceSources.reset(metainfo.pieceCount);
    this.peers.setPieceCount(metainfo.pieceCount);
    this.peers.offerPex();
    void this.ctx.resumeStore
      .saveMetadata(this.id, { kind: 'info', bytes: metainfo.infoBytes })
      .catch((err: unknown) => {
        // Records are saved without it, as a magnet's were before it arrived.
        this.ctx.resumeStore.forgetFailedMetadata(this.id);
        this.ctx.warning({ code: 'resume-save-failed', message: String(err), torrentId: this.id });
      });
    this.ctx.metadata(this.id);
    if (this.state === 'fetching-metadata') void this.prepare(this.generation, false);
  }

  private onBadMetadata(peer: TorrentPeer | null, message: string): void {
    if (peer) {
      this.ctx.warning({ code: 'bad-metadata', message, torrentId: this.id, peer: peer.address });
      return;
    }
    // The info dict hashes right but is unusable (e.g. a path escaping the download folder).
    this.fail(Object.assign(new Error(`refusing this torrent: ${message}`), { code: 'bad-torrent' }));
  }

  // ------------------------------------------------------------ peers

  /** An incoming connection routed here by the peer server. */
  accept(conn: PeerConnection): void {
    this.peers.accept(conn);
  }

  // ------------------------------------------------------------ transfer events

  private onPieceVerified(piece: number, credited: TorrentPeer | null): void {
    this.pieceSources.record(piece, credited);
    if (this.readers.count > 0) {
      this.readers.updateDeadlines();
      this.readers.wake();
    }
    this.ctx.pieceVerified({
      torrentId: this.id,
      piece,
      fromAddress: credited?.address ?? null,
      fromPeerIndex: credited?.index ?? -1,
      fromTransport: credited?.conn.transport ?? null,
    });
    this.ctx.changed(this.id);
  }

  private onComplete(): void {
    this.completedAtMs = this.ctx.now();
    this.setState('seeding');
    this.trackers?.completed();
    this.ctx.completed(this.id);
    void this.saveResume();
  }

  // ------------------------------------------------------------ periodic

  /**
   * One round of the session's tick (one timer for every torrent, tuning.tickMs): a busy
   * torrent ticks every round, an idle one every IDLE_TICK_ROUNDS-th, at its own phase.
   */
  periodic(round: number): void {
    if (!this.ticking || this.closed) return;
    if (this.isIdle() && (round + this.tickPhase) % IDLE_TICK_ROUNDS !== 0) return;
    this.tick();
  }

  private isIdle(): boolean {
    return (
      this.peers.size === 0 &&
      this.swarm.dialingCount === 0 &&
      (this.state === 'seeding' || this.state === 'paused' || this.state === 'error')
    );
  }

  private tick(): void {
    if (this.closed) return;
    this.metadata.tick(this.peers.values());
    this.peers.enforceSlots();
    this.peers.sendPex();
    this.transfer?.tick();
    this.swarm.connectMore();
    const nowMs = this.ctx.now();
    if (this.transfer && nowMs - this.lastResumeSaveMs >= this.ctx.tuning.resumeSaveIntervalMs)
      void this.saveResumeIfChanged();
    if (this.peers.size > 0 || this.state === 'downloading' || this.state === 'checking')
      this.ctx.changed(this.id);
  }

  // ------------------------------------------------------------ numbers and snapshots

  get uploadedBytes(): number {
    return this.totals.uploadedBytes;
  }

  get downloadedBytes(): number {
    return this.totals.downloadedBytes;
  }

  private verifiedBytes(): number {
    return verifiedBytesOf(this.metainfo, this.transfer?.have ?? this.lastHave);
  }

  private leftBytes(): number {
    // Unknown size (no metadata yet): a large number, as trackers expect (not 0 = seeder).
    if (!this.metainfo) return 2 ** 53 - 1;
    // Skipped files are not left to download (libtorrent reports `left` the same way).
    if (!selectsAll(this.filePriorities)) {
      const { selectedBytes, verifiedBytes } = selectionBytes(
        this.metainfo,
        this.filePriorities!,
        this.transfer?.have ?? this.lastHave,
      );
      return selectedBytes - verifiedBytes;
    }
    return this.metainfo.totalLengthBytes - this.verifiedBytes();
  }

  private snapshotSource(): SnapshotSource {
    const t = this.transfer;
    return {
      id: this.id,
      name: this.name,
      state: this.state,
      ...(this.error ? { error: this.error } : {}),
      unlisted: this.unlisted,
      metainfo: this.metainfo,
      picker: t?.picker ?? null,
      have: t?.have ?? this.lastHave,
      filePriorities: this.filePriorities,
      verifiedBytes: this.verifiedBytes(),
      downloadedBytes: this.downloadedBytes,
      uploadedBytes: this.uploadedBytes,
      downRateBps: this.totals.downRate.bytesPerSecond(),
      upRateBps: this.totals.upRate.bytesPerSecond(),
      peers: [...this.peers.values()],
      savePath: this.savePath,
      // Several roots: savePath is the folder that holds them (there is no savePath/name).
      ...(this.roots ? { contentPath: this.savePath } : {}),
      addedAtMs: this.addedAtMs,
      completedAtMs: this.completedAtMs,
      trackers: this.trackers?.statuses() ?? TrackerLink.idleStatuses(this.announceList()),
      magnet: () => this.magnet(),
      downloading: () => t?.picker.downloadingBitfield() ?? null,
      pieceSources: this.pieceSources,
      resumedPieces: t?.resumedPieces ?? 0,
      snubbed: (p) => t?.picker.isSnubbed(p.id) ?? false,
      outstanding: (p) => t?.picker.outstandingCount(p.id) ?? 0,
    };
  }

  summary(): TorrentSummary {
    const summary = buildSummary(this.snapshotSource());
    this.shownRatesKey = `${summary.downRateBps}/${summary.upRateBps}`;
    return summary;
  }

  /**
   * Whether the rates the UI shows have moved since the last summary. Meters decay to
   * zero after the last byte with nothing else marking the torrent changed, so the
   * session asks this once a second (otherwise a paused or finished row kept its last
   * speed until something else changed).
   */
  ratesMoved(): boolean {
    // Nothing moved through an idle torrent and it already shows zero: the common case
    // with thousands of torrents, answered without a clock read.
    if (this.shownRatesKey === '0/0' && this.totals.downRate.isEmpty && this.totals.upRate.isEmpty)
      return false;
    const r = shownRates(
      this.state,
      this.totals.downRate.bytesPerSecond(),
      this.totals.upRate.bytesPerSecond(),
    );
    return `${r.down}/${r.up}` !== this.shownRatesKey;
  }

  detail(): EngineTorrentDetail {
    return buildDetail(this.snapshotSource());
  }

  /** The resume record for now. */
  resumeRecord(): ResumeRecord {
    return buildResumeRecord({
      id: this.id,
      name: this.name,
      savePath: this.savePath,
      roots: this.roots ?? null,
      addedAtMs: this.addedAtMs,
      paused: this.userPaused,
      pieceCount: this.metainfo?.pieceCount ?? 0,
      have: this.transfer?.verifiedForResume() ?? this.lastHave,
      files: this.transfer?.fileStamps ?? this.pausedStamps ?? this.record?.files ?? [],
      uploadedBytes: this.uploadedBytes,
      downloadedBytes: this.downloadedBytes,
      completedAtMs: this.completedAtMs,
      trackers: this.announceList(),
      held: this.transfer?.picker.heldBitfield() ?? this.held,
      unlisted: this.unlisted,
      filePriorities: this.filePriorities,
    });
  }

  /**
   * What moves in a record while a torrent runs: a periodic or final save with the same
   * fingerprint as the last one has nothing to write, and skips even the flush and the
   * stats (no piece was written, so the file stamps saved are still ours).
   */
  private resumeFingerprint(): string {
    const have = this.transfer?.have ?? this.lastHave;
    const held = this.transfer?.picker.heldCount ?? this.held?.count() ?? 0;
    return `${this.userPaused}|${this.state}|${this.uploadedBytes}|${this.downloadedBytes}|${this.completedAtMs}|${have?.count() ?? -1}|${held}`;
  }

  private async saveResumeIfChanged(): Promise<void> {
    this.lastResumeSaveMs = this.ctx.now();
    if (this.resumeFingerprint() !== this.savedFingerprint) await this.saveResume();
  }

  /** Flushes written pieces, re-stamps the files and saves the record atomically, if it changed. */
  async saveResume(): Promise<void> {
    if (this.closed) return;
    this.lastResumeSaveMs = this.ctx.now();
    const fingerprint = this.resumeFingerprint();
    let key: string | null = null;
    try {
      await this.transfer?.refreshFileStamps();
      const record = this.resumeRecord();
      this.record = record;
      key = resumeRecordKey(record);
      if (key !== this.storedRecordKey) {
        // Taken before the write lands: a later save of the same record while this one is
        // in flight is skipped (saves of one torrent land in call order).
        this.storedRecordKey = key;
        await this.ctx.resumeStore.save(record);
      }
      this.savedFingerprint = fingerprint;
    } catch (err) {
      // Not known to be on disk: the next save writes it whatever it holds.
      if (key !== null && this.storedRecordKey === key) this.storedRecordKey = null;
      this.ctx.warning({
        code: 'resume-save-failed',
        message: err instanceof Error ? err.message : String(err),
        torrentId: this.id,
      });
    }
  }
}
