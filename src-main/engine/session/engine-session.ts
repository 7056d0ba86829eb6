import path from 'node:path';
import type { Metainfo } from '../../protocol/metainfo/metainfo-types.ts';
import { parseInfoDict } from '../../protocol/metainfo/parse-info-dict.ts';
import { parseTorrent } from '../../protocol/metainfo/parse-torrent.ts';
import { BanPolicy } from '../ban/ban-policy.ts';
import { Dialer } from '../peer/dialer.ts';
import { listenHosts } from '../peer/listen-hosts.ts';
import { PeerServer } from '../peer/peer-server.ts';
import { UtpSocket } from '../utp/utp-socket.ts';
import { nativeUdpUnavailable } from '../../net/datagram-port.ts';
import { generatePeerId, DEFAULT_PEER_ID_PREFIX } from '../../protocol/wire/peer-id.ts';
import { TokenBucket } from '../rate/token-bucket.ts';
import { ResumeStore } from '../resume/resume-store.ts';
import { isVersionedDataError } from '../resume/versioned-json-store.ts';
import { HashPool } from '../workers/hash-pool.ts';
import { SessionDht, type SessionDhtOptions } from '../dht/session-dht.ts';
import { defaultDataDir } from '../default-data-dir.ts';
import type {
  FilePriority,
  FileReader,
  AddOptions,
  ConnectionLimits,
  DhtStatus,
  UdpSocketStatus,
  EncryptionMode,
  RateLimits,
  RemoveOptions,
  RestoreProgress,
  Session,
  SessionEventName,
  SessionEvents,
  SessionOptions,
  ShareOptions,
  ShareProgress,
  ShareResult,
  EngineTorrentDetail,
  NearbyShare,
  LanStatus,
  TorrentSource,
  TorrentSummary,
} from '../session-api.ts';
import { Torrent, type TorrentInit } from '../torrent/torrent.ts';
import { PRIORITY_OF } from '../torrent/file-selection.ts';
import { compileGlob } from '../../../src-shared/util/path-glob.ts';
import { defaultSlotPolicy, DEFAULT_MAX_PER_IP } from '../slots/peer-slots.ts';
import {
  banKey,
  defaultTorrentTuning,
  isLoopbackHost,
  peerIdBanKey,
  type TorrentContext,
} from '../torrent/torrent-context.ts';
import { EngineError } from '../engine-error.ts';
import { EventHub } from './event-hub.ts';
import { LanLink } from './lan-link.ts';
import { restoreTorrents } from './restore-torrents.ts';
import type { SessionHost, SessionInternals } from './session-host.ts';
import { shareTorrent } from './share-torrent.ts';
import { resolveSource } from './torrent-source.ts';
import { UpdateBatcher } from './update-batcher.ts';
import { knownOwnAddresses } from '../torrent/own-addresses.ts';
import { canShareForDht } from '../dht/udp-port.ts';
import { PortMapper } from '../portmap/port-mapper.ts';
import type { NatGatewayFinder } from '../portmap/nat-gateway.ts';
import { PORT_MAPPING_OFF, type PortMappingStatus } from '../../../src-shared/types/port-mapping.ts';

const DEFAULT_LIMITS: ConnectionLimits = {
  perTorrent: 50,
  global: 200,
  uploadSlots: 4,
  perIp: DEFAULT_MAX_PER_IP,
};

/** The smallest download burst: one request batch's worth. */
const DOWNLOAD_MIN_BURST_BYTES = 64 * 1024;
/** How often shown rates are re-checked for torrents with no other change. */
const RATE_SWEEP_MS = 1000;
/** Ports tried when any free one is asked for, until one is free over TCP and UDP alike. */
const ANY_PORT_TRIES = 5;

/**
 * The engine: one peer server for every torrent, one dialer, one hash pool, one read
 * cache, session-wide limits and bans, resume data. Torrents do the rest.
 */
export class EngineSession implements Session, SessionHost {
  readonly peerIdHex: string;
  private readonly peerId: Uint8Array;
  private readonly torrents = new Map<string, Torrent>();
  private readonly events = new EventHub();
  private readonly batcher: UpdateBatcher;
  private readonly hashPool = new HashPool();
  private readonly banPolicy = new BanPolicy();
  private readonly downloadLimiter = new TokenBucket();
  private readonly uploadLimiter = new TokenBucket();
  private readonly limits: ConnectionLimits;
  private readonly resumeStore: ResumeStore;
  private readonly dialer: Dialer;
  private server: PeerServer | null = null;
  private dht: SessionDht | null = null;
  /** A DHT opening in the background (DhtOptions.background), awaited by close(). */
  private dhtOpening: Promise<void> | null = null;
  private lan: LanLink | null = null;
  private portMapper: PortMapper | null = null;
  /** Why port mapping could not start, when it was asked for and could not. */
  private portMappingProblem: PortMappingStatus | null = null;
  /** uTP on the peer port number (UDP); null when off or not bindable. */
  private utp: UtpSocket | null = null;
  private utpWanted: boolean;
  private closing: Promise<void> | null = null;
  private restoreState: RestoreProgress = { restored: 0, total: 0, done: true };
  private restoreStarted = false;
  /** The restore under way (settles, never rejects), awaited by close. */
  private restoring: Promise<void> = Promise.resolve();
  /** Once a second: torrents whose shown rates moved without traffic (decay) get updated. */
  private readonly rateSweep: ReturnType<typeof setInterval>;
  /** Every torrent's periodic work, one timer for all (Torrent.periodic). */
  private readonly ticker: ReturnType<typeof setInterval>;
  private tickRound = 0;
  /** Aborted when close() begins: work that outlives a call (catalog publishes) stops. */
  private readonly lifetime = new AbortController();
  readonly ctx: TorrentContext;
  readonly downloadDir: string;

  constructor(readonly options: SessionOptions) {
    this.peerId = generatePeerId(options.peerIdPrefix ?? DEFAULT_PEER_ID_PREFIX);
    this.peerIdHex = Buffer.from(this.peerId).toString('hex');
    this.downloadDir = path.resolve(options.downloadDir);
    this.limits = { ...DEFAULT_LIMITS, ...options.connections };
    this.utpWanted = options.utp ?? true;
    this.resumeStore = new ResumeStore({ dataDir: path.resolve(options.dataDir ?? defaultDataDir()) });
    this.setRateLimits(options.rateLimits ?? {});
    this.dialer = new Dialer({
      maxPerTorrent: this.limits.perTorrent,
      maxGlobal: this.limits.global,
      isBanned: (host, port) => this.isBanned(host, port),
      encryption: options.encryption ?? 'prefer',
      preferUtp: options.preferUtp ?? false,
    });
    this.batcher = new UpdateBatcher((ids) => {
      const changed = ids.flatMap((id) => this.torrents.get(id)?.summary() ?? []);
      if (changed.length > 0) this.events.emit('update', changed);
    });
    this.rateSweep = setInterval(() => {
      for (const t of this.torrents.values()) if (t.ratesMoved()) this.batcher.markDirty(t.id);
    }, RATE_SWEEP_MS);
    this.rateSweep.unref?.();
    const tuning = { ...defaultTorrentTuning, ...options.tuning };
    this.ctx = {
      peerId: this.peerId,
      peerPort: () => this.peerPort,
      ...(options.announceHost ? { announceHost: options.announceHost } : {}),
      ownAddresses: knownOwnAddresses([options.announceHost, options.peerHost]),
      trackerAlias: (url) => options.trackerAlias?.(url) ?? url,
      hashPool: this.hashPool,
      resumeStore: this.resumeStore,
      dialer: this.dialer,
      dht: () => this.dht?.node ?? null,
      tuning,
      maxPeersPerTorrent: () => this.limits.perTorrent,
      slotPolicy: () => defaultSlotPolicy(this.limits.perTorrent, this.limits.perIp),
      uploadSlots: () => this.limits.uploadSlots,
      globalConnectionRoom: () => this.connectionCount() < this.limits.global,
      downloadLimiter: this.downloadLimiter,
      uploadLimiter: this.uploadLimiter,
      banPolicy: this.banPolicy,
      isBanned: (host, port, peerId) => this.isBanned(host, port, peerId),
      now: Date.now,
      random: Math.random,
      changed: (id) => this.batcher.markDirty(id),
      warning: (e) => this.events.emit('warning', e),
      fatal: (e) => this.events.emit('fatal', e),
      pieceVerified: (e) => this.events.emit('piece-verified', e),
      peerClosed: (e) => this.events.emit('peer-closed', e),
      completed: (id) => this.emitWithSummary('torrent-completed', id),
      metadata: (id) => this.emitWithSummary('metadata', id),
    };
    this.ticker = setInterval(() => {
      const round = this.tickRound++;
      for (const t of this.torrents.values()) t.periodic(round);
    }, tuning.tickMs);
    this.ticker.unref?.();
  }

  /** Binds the peer server and restores saved torrents. */
  async open(): Promise<void> {
    const dht = this.options.dht;
    const wantsUdp = this.utpWanted || dht?.enabled === true;
    // Any free port (0) must be free over UDP too: a TCP port whose UDP twin another program
    // holds would leave uTP off for the run, and peers that speak only uTP out of reach.
    // A rejected server stays open until a port is found, so the system cannot hand the
    // same number out again.
    const rejected: PeerServer[] = [];
    for (let tries = 1; ; tries++) {
      this.server = await this.listenPeerServer();
      if (!wantsUdp || this.options.peerPort !== 0 || tries === ANY_PORT_TRIES) break;
      const utp = await this.bindUtpSocket().catch(() => null);
      if (utp) {
        this.utp = utp;
        break;
      }
      rejected.push(this.server);
    }
    await Promise.all(rejected.map((server) => server.close()));
    for (const host of listenHosts(this.options.peerHost)) this.dialer.markSelf(host, this.server.port);
    // uTP before the DHT: both want the peer port number over UDP, and uTP owns the socket
    // (it stays bound while uTP is switched off). The DHT rides on it, so DHT nodes and
    // peers see the same port (engine/dht/NOTES.md), unless another DHT port is asked for
    // or the socket cannot carry IPv4 (bound to one IPv6 address): then it binds its own.
    // Bound with uTP off too when the DHT runs: a DHT on a socket of its own would hold the
    // port number, and switching uTP on later could not bind it.
    if (wantsUdp) await this.startUtp();
    if (dht?.enabled) {
      const shared = this.utp && dht.port === undefined && canShareForDht(this.utp.host) ? this.utp : null;
      const opening = this.openDht({
        ...(shared ? { shared } : {}),
        port: dht.port ?? (this.utp ? 0 : this.server.port),
        bootstrap: dht.bootstrap,
      });
      if (dht.background) this.dhtOpening = opening;
      else await opening;
    }
    await this.startPortMapping();
    if (this.options.restoreTorrents ?? true) {
      this.restoreState = { restored: 0, total: 0, done: false };
      if (!this.options.restoreInBackground) await this.runRestore();
    }
    const lan = this.options.lan;
    if (lan && (lan.lsd || lan.nearby)) {
      this.lan = await LanLink.open(lan, {
        torrents: () => this.torrents.values(),
        torrent: (id) => this.torrents.get(id),
        peerPort: () => this.peerPort,
        peerHost: this.options.peerHost ?? '0.0.0.0',
        warning: (code, message) => this.events.emit('warning', { code, message }),
        nearbyChanged: (shares) => this.events.emit('nearby', shares),
      });
    }
  }

  private async openDht(where: Pick<SessionDhtOptions, 'shared' | 'port' | 'bootstrap'>): Promise<void> {
    const warning = (code: string, message: string) => this.events.emit('warning', { code, message });
    try {
      const dht = await SessionDht.open({
        dataDir: this.resumeStore.dataDir,
        host: this.options.peerHost ?? '0.0.0.0',
        ...where,
        warning,
      });
      if (this.closing) {
        await dht?.close();
        return;
      }
      this.dht = dht;
    } catch (err) {
      warning('dht-unavailable', `the DHT could not start: ${(err as Error).message}`);
      return;
    }
    // Torrents started before a background DHT was up announce now.
    for (const t of this.torrents.values()) t.dhtAvailable();
  }

  nearby(): NearbyShare[] {
    return this.lan?.nearby() ?? [];
  }

  lanStatus(): LanStatus {
    return this.lan?.status() ?? { lsd: false, nearby: false, interfaceAddress: null };
  }

  queryNearby(): void {
    this.lan?.queryNearby();
  }

  async setUnlisted(id: string, unlisted: boolean): Promise<void> {
    const t = this.get(id);
    if (t.unlisted === unlisted) return;
    t.unlisted = unlisted;
    this.batcher.markDirty(id);
    await t.saveResume();
  }

  udpSocket(): UdpSocketStatus | null {
    if (!this.utp) return null;
    return { io: this.utp.io, fallbackReason: this.utp.io === 'native' ? null : nativeUdpUnavailable() };
  }

  dhtStatus(): DhtStatus | null {
    const node = this.dht?.node;
    if (!node) return null;
    const { receivedBytes, sentBytes } = node.traffic();
    return { nodes: node.nodeCount(), port: node.port, receivedBytes, sentBytes };
  }

  /** The peer server on the configured host and port, routing handshakes to our torrents. */
  private listenPeerServer(): Promise<PeerServer> {
    return PeerServer.listen({
      ...(this.options.peerHost !== undefined ? { host: this.options.peerHost } : {}),
      port: this.options.peerPort ?? 6881,
      lookup: (infoHash) => {
        const torrent = this.torrents.get(Buffer.from(infoHash).toString('hex'));
        return torrent
          ? (conn) => {
              // A handshake for one of our torrents from outside the LAN: proof we are reachable.
              this.portMapper?.noteInbound(conn.remoteHost);
              torrent.accept(conn);
            }
          : undefined;
      },
      maxConnections: this.limits.global,
      encryption: this.dialer.encryption,
      infoHashes: () => Array.from(this.torrents.values(), (t) => t.infoHash),
      canAccept: () => this.connectionCount() < this.limits.global,
      maxPendingPerIp: 2 * this.limits.perIp,
      onError: (err) => this.events.emit('warning', { code: 'peer-server', message: err.message }),
    });
  }

  /**
   * Starts mapping the bound peer port in the background (nothing waits for the router).
   * A library that cannot load costs the mapping, never the session.
   */
  private async startPortMapping(): Promise<void> {
    const options = this.options.portMapping;
    if (!options) return;
    let finder: NatGatewayFinder;
    try {
      // Loaded only when asked for: the library and its XML parser are not needed otherwise.
      finder = (await import('../portmap/nat-library.ts')).libraryGatewayFinder();
    } catch (err) {
      const message = `port mapping unavailable: ${err instanceof Error ? err.message : String(err)}`;
      this.portMappingProblem = { ...PORT_MAPPING_OFF, state: 'failed', error: message };
      this.events.emit('warning', { code: 'port-mapping-unavailable', message });
      return;
    }
    if (this.closing) return;
    this.portMapper = new PortMapper({
      finder,
      ...options,
      onChange: (status) => this.events.emit('port-mapping', status),
    });
    this.portMapper.start(this.peerPort);
  }

  portMapping(): PortMappingStatus {
    return this.portMapper?.status() ?? this.portMappingProblem ?? PORT_MAPPING_OFF;
  }

  /**
   * The UDP socket on the peer port's number: uTP, and the DHT riding on it. A failure
   * leaves the session on TCP alone. While uTP is off the socket is bound but takes no
   * connections (a SYN is answered with RESET, so a peer falls back to TCP at once) and
   * the dialer does not use it.
   */
  private async bindUtpSocket(): Promise<UtpSocket> {
    const utp = await UtpSocket.bind({
      host: this.options.peerHost ?? this.server!.host,
      port: this.server!.port,
      maxConnections: this.limits.global,
    });
    utp.onError = (err) => this.events.emit('warning', { code: 'utp', message: err.message });
    return utp;
  }

  private async startUtp(): Promise<void> {
    if (!this.server) return;
    if (!this.utp) {
      try {
        const utp = await this.bindUtpSocket();
        if (this.closing || this.utp) {
          await utp.close();
          return;
        }
        this.utp = utp;
      } catch (err) {
        if (!this.utpWanted) return; // bound for the DHT only: it binds its own socket
        this.events.emit('warning', {
          code: 'utp-unavailable',
          message: `uTP off for this run: ${err instanceof Error ? err.message : String(err)}`,
        });
        return;
      }
    }
    if (!this.utpWanted) return;
    this.server.acceptUtp(this.utp);
    this.dialer.utp = this.utp;
  }

  async setUtp(enabled: boolean): Promise<void> {
    this.utpWanted = enabled;
    if (enabled) {
      await this.startUtp();
      return;
    }
    // New dials use TCP alone and incoming SYNs are refused; connections already open over
    // uTP keep running on the bound socket, which closes with the session.
    this.dialer.utp = null;
    this.server?.acceptUtp(null);
  }

  setPreferUtp(prefer: boolean): void {
    this.dialer.preferUtp = prefer;
  }

  /** Whether uTP is bound and in use for new connections. */
  get utpActive(): boolean {
    return this.utpWanted && this.utp !== null;
  }

  /** Starts the background restore (SessionOptions.restoreInBackground). Idempotent. */
  startRestore(): void {
    if (!this.options.restoreInBackground || this.restoreStarted || this.closing) return;
    if (!(this.options.restoreTorrents ?? true)) return;
    this.restoreStarted = true;
    void this.runRestore().catch((err: unknown) =>
      // Nobody awaits it: say what failed (the folder could not be listed); torrents
      // restored until then keep running.
      this.events.emit('warning', {
        code: 'resume-unreadable',
        message: `could not restore the torrents of the last run: ${err instanceof Error ? err.message : String(err)}`,
      }),
    );
  }

  /** Rejects when the restore fails; `restoring` settles either way (close awaits it). */
  private runRestore(): Promise<void> {
    this.restoreStarted = true;
    const restore = restoreTorrents(
      this,
      this.resumeStore,
      (restored, total) => {
        this.restoreState = { restored, total, done: false };
        this.events.emit('restore-progress', { ...this.restoreState });
      },
      this.lifetime.signal,
    );
    this.restoring = restore.then(
      () => this.restoreDone(),
      () => this.restoreDone(),
    );
    return restore;
  }

  private restoreDone(): void {
    this.restoreState = { ...this.restoreState, done: true };
    this.events.emit('restore-progress', { ...this.restoreState });
  }

  restoreProgress(): RestoreProgress {
    return { ...this.restoreState };
  }

  get peerPort(): number {
    return this.server?.port ?? 0;
  }

  private connectionCount(): number {
    return (this.server?.connectionCount ?? 0) + this.dialer.outgoingCount();
  }

  private isBanned(host: string, port: number, peerId?: Uint8Array | null): boolean {
    return (
      this.banPolicy.isBanned(host) ||
      this.banPolicy.isBanned(banKey(host, port)) ||
      (!!peerId && isLoopbackHost(host) && this.banPolicy.isBanned(peerIdBanKey(peerId)))
    );
  }

  private emitWithSummary(event: 'torrent-completed' | 'metadata', id: string): void {
    const t = this.torrents.get(id);
    if (t) this.events.emit(event, t.summary());
  }

  // ------------------------------------------------------------ adding

  async add(source: TorrentSource, options: AddOptions = {}): Promise<TorrentSummary> {
    this.checkOpen();
    for (const pattern of options.only ?? []) {
      try {
        compileGlob(pattern);
      } catch (err) {
        throw new EngineError('bad-glob', err instanceof Error ? err.message : String(err));
      }
    }
    const resolved = await resolveSource(source);
    if (this.torrents.has(resolved.infoHashHex)) {
      throw new EngineError(
        'duplicate-torrent',
        `${resolved.metainfo?.name ?? resolved.infoHashHex} is already in the list`,
      );
    }
    const savePath = path.resolve(options.savePath ?? this.downloadDir);
    // Resume data of an earlier run into the same folder (the session was opened without
    // restoring, or the torrent was removed without deleting its record).
    const record = await this.resumeStore.load(resolved.infoHashHex).catch((err: unknown) => {
      // Unusable resume data costs a full check of the files: say so, or a long "checking"
      // with no reason given looks like a hang.
      const code = isVersionedDataError(err) ? err.code : 'io-error';
      this.ctx.warning({
        code: 'resume-unreadable',
        message: `resume data of ${resolved.metainfo?.name ?? resolved.infoHashHex} unusable (${code}): ${err instanceof Error ? err.message : String(err)}; checking the files on disk instead`,
        torrentId: resolved.infoHashHex,
      });
      return undefined;
    });
    const usable = record && path.resolve(record.savePath) === savePath ? record : undefined;
    let metainfo = resolved.metainfo;
    if (!metainfo && usable) metainfo = await this.storedMetainfo(resolved.infoHashHex);
    // The .torrent copy (written with an fsync) is written while the torrent starts, not
    // before: it held back the first dial by 20-90 ms under load (docs/PERFORMANCE.md).
    // Nothing claims it early: the resume record waits for it (ResumeStore.save), and
    // `add` resolves only once it is on disk.
    const copied = resolved.torrentBytes
      ? this.resumeStore.saveMetadata(resolved.infoHashHex, { kind: 'torrent', bytes: resolved.torrentBytes })
      : undefined;
    // Settled here so a failure is never unhandled while the torrent starts.
    const copyFailure = copied?.then(
      () => null,
      (err: unknown) => ({ err }),
    );
    const torrent = this.register({
      infoHash: resolved.infoHash,
      infoHashHex: resolved.infoHashHex,
      metainfo,
      torrentBytes: resolved.torrentBytes,
      ...(resolved.displayName ? { displayName: resolved.displayName } : {}),
      extraTrackers: [...resolved.trackers, ...(options.trackers ?? [])],
      savePath,
      ...(usable ? { record: usable } : {}),
      ...(options.recheck ? { recheck: true } : {}),
      ...(options.only?.length ? { only: options.only } : {}),
      ...(options.sequential ? { sequential: true } : {}),
      paused: options.paused ?? false,
      initialPeers: resolved.peers,
    });
    const failed = await copyFailure;
    if (failed) {
      // As when the copy came first: the add fails, and what an earlier run left (its
      // record, its copy) is kept: no record of this run was written (ResumeStore.save).
      if (this.torrents.get(torrent.id) === torrent) {
        this.torrents.delete(torrent.id);
        this.batcher.forget(torrent.id);
        await torrent.close({ sendStopped: true, saveResume: false });
        this.events.emit('torrent-removed', torrent.id);
      }
      this.resumeStore.forgetFailedMetadata(torrent.id);
      throw failed.err;
    }
    await torrent.saveResume();
    return torrent.summary();
  }

  /** Metadata saved by an earlier run (a magnet re-added after a restart), if readable. */
  private async storedMetainfo(id: string): Promise<Metainfo | null> {
    try {
      const stored = await this.resumeStore.loadMetadata(id);
      if (stored?.kind === 'torrent') return parseTorrent(stored.bytes);
      if (stored?.kind === 'info')
        return parseInfoDict(stored.bytes, { expectedInfoHash: Buffer.from(id, 'hex') });
    } catch {
      // Unreadable: fetch it from peers again.
    }
    return null;
  }

  /** Creates, starts and announces a Torrent (also used by restore and share). */
  register(init: TorrentInit): Torrent {
    const defaults = this.options.defaultTrackers ?? [];
    const torrent = new Torrent(this.ctx, { ...init, extraTrackers: [...init.extraTrackers, ...defaults] });
    this.torrents.set(torrent.id, torrent);
    torrent.start();
    this.lan?.torrentStarted(torrent.id);
    this.events.emit('torrent-added', torrent.summary());
    return torrent;
  }

  has(id: string): boolean {
    return this.torrents.has(id);
  }

  async share(
    paths: string[],
    options: ShareOptions = {},
    onProgress?: (p: ShareProgress) => void,
  ): Promise<ShareResult> {
    this.checkOpen();
    return shareTorrent(this, paths, options, onProgress);
  }

  /** @internal for share/restore */
  get internals(): SessionInternals {
    return {
      hashPool: this.hashPool,
      resumeStore: this.resumeStore,
      torrent: (id) => this.torrents.get(id),
      closed: this.lifetime.signal,
    };
  }

  // ------------------------------------------------------------ control

  private get(id: string): Torrent {
    const t = this.torrents.get(id);
    if (!t) throw new EngineError('unknown-torrent', `no torrent ${id}`);
    return t;
  }

  async pause(id: string): Promise<void> {
    await this.get(id).pause();
  }

  async resume(id: string): Promise<void> {
    await this.get(id).resume();
    this.lan?.torrentStarted(id);
  }

  async recheck(id: string): Promise<void> {
    await this.get(id).recheck();
  }

  setSuperSeeding(id: string, on: boolean): void {
    this.get(id).setSuperSeeding(on);
  }

  openFileReader(id: string, fileIndex: number): Promise<FileReader> {
    return this.get(id).openReader(fileIndex);
  }

  async setFilePriorities(
    id: string,
    priorities: readonly { index: number; priority: FilePriority }[],
  ): Promise<void> {
    await this.get(id).setFilePriorities(new Map(priorities.map((p) => [p.index, PRIORITY_OF[p.priority]])));
  }

  async remove(id: string, options: RemoveOptions = { deleteFiles: false }): Promise<void> {
    const t = this.get(id);
    this.torrents.delete(id);
    this.batcher.forget(id);
    await t.close({ sendStopped: true, saveResume: false });
    await this.resumeStore.remove(id);
    if (options.deleteFiles) await t.deleteFiles();
    this.events.emit('torrent-removed', id);
  }

  list(): TorrentSummary[] {
    return [...this.torrents.values()].map((t) => t.summary());
  }

  detail(id: string): EngineTorrentDetail {
    return this.get(id).detail();
  }

  torrentFile(id: string): Uint8Array | null {
    return this.get(id).torrentFile();
  }

  setEncryption(mode: EncryptionMode): void {
    this.dialer.encryption = mode;
    if (this.server) this.server.encryption = mode;
  }

  setRateLimits(limits: Partial<RateLimits>): void {
    // Downloads get a quarter second of burst, not a second: a burst on the receive side is
    // bytes that already arrived, on top of what the pipelines have in flight.
    if (limits.downloadBps !== undefined) {
      const bps = Math.max(0, limits.downloadBps);
      this.downloadLimiter.setRate(bps, bps > 0 ? Math.max(DOWNLOAD_MIN_BURST_BYTES, bps / 4) : undefined);
    }
    if (limits.uploadBps !== undefined) this.uploadLimiter.setRate(Math.max(0, limits.uploadBps));
  }

  on<E extends SessionEventName>(event: E, listener: SessionEvents[E]): () => void {
    return this.events.on(event, listener);
  }

  private checkOpen(): void {
    if (this.closing) throw new EngineError('closed', 'the session is closed');
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.lifetime.abort();
      // Stops between batches: nothing is registered after this point.
      await this.restoring;
      // A background restore that never started is over too.
      if (!this.restoreState.done) this.restoreDone();
      // No more ticks or UI updates: closing a thousand torrents would otherwise build a
      // thousand summaries (every tracker's status moves) that nobody will read.
      clearInterval(this.rateSweep);
      clearInterval(this.ticker);
      this.batcher.close();
      await this.lan?.close();
      const skip = this.options.skipStoppedOnClose;
      await Promise.all([
        ...[...this.torrents.values()].map((t) =>
          t.close({
            sendStopped: !skip || !t.announceList().every((tier) => tier.every(skip)),
            saveResume: true,
          }),
        ),
        // Remove the router's mapping while the torrents say goodbye to their trackers.
        this.portMapper?.close(),
      ]);
      this.torrents.clear();
      this.dialer.close();
      await this.dhtOpening;
      await this.dht?.close();
      await this.server?.close();
      await this.utp?.close();
      await this.hashPool.close();
      this.events.close();
    })();
    return this.closing;
  }
}
