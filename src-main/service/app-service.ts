/**
 * The contract implemented once, over the real engine (DESIGN: service/ is the engine's
 * one face to the outside). A host opens one AppService, then `connect()`s each client
 * (the Electron window, every browser tab): commands go in through the connection,
 * events come out of it. Settings are persisted here; the embedded tracker lives here.
 */
import { mkdir } from 'node:fs/promises';
import { isIPv4 } from 'node:net';
import path from 'node:path';
import type { LanOptions, Session, TorrentSummary as EngineSummary } from '../engine/session-api.ts';
import type { EventMap, EventName } from '../../src-shared/contract/events.ts';
import type { AppInfo, StatusInfo } from '../../src-shared/types/app-info.ts';
import type { Settings } from '../../src-shared/types/settings.ts';
import { describeReachability } from '../../src-shared/types/port-mapping.ts';
import { lanInterfaceFromEnv, portMappingOffInEnvironment } from './host-flags.ts';
import { ContractError, ERROR_WORDING } from '../../src-shared/contract/error-codes.ts';
import { settingsSchema } from '../../src-shared/contract/schemas.ts';
import { defaultSettings, SettingsStore } from './settings-store.ts';
import { dhtBootstrapFromEnv } from './host-flags.ts';
import { TorrentsBatcher } from './torrents-batcher.ts';
import { UploadManager } from './upload-manager.ts';
import { ensurePrivateDir } from './private-dir.ts';
import {
  advertisedHost,
  advertisedTrackerUrl,
  listensEverywhere,
  localTrackerUrl,
  ownTrackerAlias,
  shareAddresses,
} from './share-addresses.ts';
import { toContractError, toDetail, toSummary } from './engine-mapping.ts';
import { openHostLogger, type HostLogger } from './log/logger.ts';
import { logSession } from './log/session-log.ts';
import { TorrentEvents } from './torrent-events.ts';
import type { TorrentDetail } from '../../src-shared/types/torrent.ts';
import { ServiceConnection, type EventSink } from './service-connection.ts';
import type { ServiceCore, StartupProblem } from './service-core.ts';
import type { EmbeddedTracker, HostOverrides, ServiceDeps, ServiceOptions } from './service-types.ts';

const TRACKER_ERROR_REPEAT_MS = 60_000;
/** Restore progress reaches the status bar at most this often (and once when it ends). */
const RESTORE_STATUS_GAP_MS = 250;

export class AppService implements ServiceCore {
  readonly connections = new Set<ServiceConnection>();
  readonly uploads: UploadManager;
  private tracker: EmbeddedTracker | null = null;
  private trackerError: string | null = null;
  private readonly batcher: TorrentsBatcher;
  private readonly unsubscribe: (() => void)[] = [];
  private statusTimer: ReturnType<typeof setInterval> | null = null;
  private readonly trackerFailures = new Map<string, { atMs: number; message: string }>();
  private readonly torrentEvents = new TorrentEvents();
  /**
   * Every torrent's latest summary as the session's events brought it: the status bar's
   * totals are summed from here, not from a fresh summary of every torrent each second.
   */
  private readonly latest = new Map<string, EngineSummary>();
  private lastRestoreStatusMs = -Infinity;
  private closed = false;
  /**
   * URL of a file's stream (file-stream.ts), set by the host once its HTTP server runs: the
   * daemon's own origin, the app's loopback StreamServer. Null: no stream server.
   */
  streamLinks: ((id: string, fileIndex: number) => string) | null = null;

  private constructor(
    readonly options: ServiceOptions,
    readonly deps: ServiceDeps,
    private readonly store: SettingsStore,
    public settings: Settings,
    readonly session: Session,
    /** <dataDir>/logs/<daemon|app>.log, and warnings on stderr (or `options.log`). */
    readonly logger: HostLogger,
  ) {
    this.uploads = new UploadManager(path.join(options.dataDir, 'uploads'), this.shareDir);
    this.batcher = new TorrentsBatcher((e) => this.broadcast('torrents', e));
  }

  static async open(options: ServiceOptions, deps: ServiceDeps): Promise<AppService> {
    await ensurePrivateDir(options.dataDir);
    const logger = openHostLogger({
      dataDir: options.dataDir,
      name: options.host === 'electron' ? 'app' : 'daemon',
      prefix: 'swarmdrop',
      fileLevel: options.verbose ? 'debug' : 'info',
      textLevel: options.verbose ? 'debug' : 'warn',
      ...(options.log ? { writeLine: options.log } : {}),
      base: { pid: process.pid, host: options.host },
    });
    try {
      return await AppService.openWith(options, deps, logger);
    } catch (err) {
      logger.error(`could not start: ${err instanceof Error ? err.message : String(err)}`);
      logger.close();
      throw err;
    }
  }

  private static async openWith(
    options: ServiceOptions,
    deps: ServiceDeps,
    logger: HostLogger,
  ): Promise<AppService> {
    logger.info('starting', { version: options.version, dataDir: options.dataDir, log: logger.filePath });
    const store = new SettingsStore(options.dataDir, defaultSettings(options.defaultDownloadDir));
    const { settings, problem } = await store.load();
    const o = options.overrides ?? {};
    const tracker = await startTrackerFor(deps, settings, options);
    const peerPort = o.peerPort ?? settings.peerPort;
    const downloadDir = o.downloadDir ?? settings.downloadDir;
    await mkdir(downloadDir, { recursive: true });
    // The engine reaches our own tracker on loopback whatever URL torrents carry for it;
    // the service is made after the session, so the alias is looked up through this box.
    const own: { alias(url: string): string; isOwn(url: string): boolean } = {
      alias: (url) => url,
      isOwn: () => false,
    };
    const host = advertisedHost({
      advertiseHost: o.advertiseHost ?? settings.embeddedTracker.advertiseHost,
      bindHost: tracker.tracker?.host ?? o.bindHost ?? '0.0.0.0',
      interfaces: deps.networkInterfaces(),
    });
    const sessionOptions = {
      dataDir: path.join(options.dataDir, 'engine'),
      downloadDir,
      // Unset: the peer server takes IPv6 and IPv4 peers alike (PeerServer's default).
      ...(o.bindHost !== undefined ? { peerHost: o.bindHost } : {}),
      peerPort,
      defaultTrackers: [],
      rateLimits: settings.rateLimits,
      encryption: o.encryption ?? settings.encryption,
      dht: {
        enabled: o.dhtEnabled ?? settings.dhtEnabled,
        // The environment variable is read here too, not only by the hosts' flag parsing,
        // so a service opened in-process (tests) never reaches the settings' public routers.
        bootstrap: o.dhtBootstrap ?? dhtBootstrapFromEnv(process.env) ?? settings.dhtBootstrap,
      },
      utp: o.utp ?? settings.utp,
      preferUtp: settings.preferUtp,
      publishOnShare: true,
      // The host serves its UI (or shows its window) first, then calls startRestore().
      restoreInBackground: true,
      trackerAlias: (url: string) => own.alias(url),
      skipStoppedOnClose: (url: string) => own.isOwn(url),
      lan: lanOptions(settings, o),
      // Announced over loopback, we would be listed as 127.0.0.1 to everyone: tell our
      // tracker the advertised address instead (BEP 15 `IP address`, IPv4 only; our
      // tracker trusts it from loopback, others ignore it).
      ...(tracker.tracker && isIPv4(host) && !host.startsWith('127.') ? { announceHost: host } : {}),
      ...((o.portMapping ?? settings.portMapping.enabled) && !portMappingOffInEnvironment()
        ? { portMapping: { gateway: o.natGateway ?? settings.portMapping.gateway } }
        : {}),
    };
    let session: Session;
    let portProblem: string | null = null;
    try {
      session = await deps.openSession(sessionOptions);
    } catch (err) {
      if (!isPortInUse(err) || peerPort === 0) {
        await tracker.tracker?.close();
        throw err;
      }
      // The peer port is taken: run on a free one rather than not at all, and say so.
      session = await deps.openSession({ ...sessionOptions, peerPort: 0 });
      portProblem = `Port ${peerPort} is already used by another program, so Swarmdrop listens on ${session.peerPort} for now. Pick another port in Settings.`;
    }
    const service = new AppService(options, deps, store, settings, session, logger);
    own.alias = (url) => service.trackerAlias(url);
    own.isOwn = (url) => service.isOwnTracker(url);
    service.tracker = tracker.tracker;
    service.trackerError = tracker.error;
    service.wire();
    for (const p of [problem, portProblem, tracker.error]) if (p) service.log(p);
    const udp = session.udpSocket();
    if (udp) logger.info('udp socket', { io: udp.io, why: udp.fallbackReason });
    service.startupProblems = [
      ...(problem ? [{ code: 'internal', message: problem, where: 'settings' as const }] : []),
      ...(portProblem ? [{ code: 'port-in-use', message: portProblem, where: 'settings' as const }] : []),
      ...(tracker.error ? [{ code: 'port-in-use', message: tracker.error, where: 'tracker' as const }] : []),
    ];
    return service;
  }

  /**
   * Brings back the torrents of the last run, in the background. Hosts call it once their
   * UI is up: restoring thousands of torrents competes with serving it for the CPU and
   * the disk, and the UI shows the restore's progress anyway. Idempotent.
   */
  startRestore(): void {
    if (!this.closed) this.session.startRestore();
  }

  /** Shown to every client that connects (errors that happened before it did). */
  startupProblems: StartupProblem[] = [];

  get shareDir(): string {
    return path.join(this.options.dataDir, 'shared');
  }

  get downloadDir(): string {
    return this.options.overrides?.downloadDir ?? this.settings.downloadDir;
  }

  /** A problem the host's user should see on stderr, and the log keeps. */
  log(line: string): void {
    this.logger.warn(line);
  }

  /** The torrent's detail for the UI, with its recent events. Throws 'unknown-torrent'. */
  detail(id: string): TorrentDetail {
    return toDetail(this.session.detail(id), this.torrentEvents.of(id));
  }

  private wire(): void {
    const s = this.session;
    for (const t of s.list()) this.latest.set(t.id, t);
    const changed = (t: EngineSummary): void => {
      this.latest.set(t.id, t);
      this.batcher.change(toSummary(t));
    };
    this.unsubscribe.push(
      // Every warning into the log; the user-facing ones into the torrent's events.
      logSession(s, this.logger, {
        onWarning: (e, view) => {
          if (view.torrentEvent && e.torrentId) this.torrentEvents.add(e.torrentId, e.code, view.text);
        },
      }),
      s.on('update', (list) => list.forEach(changed)),
      s.on('torrent-added', changed),
      s.on('metadata', changed),
      s.on('torrent-removed', (id) => {
        this.latest.delete(id);
        this.batcher.remove(id);
        this.torrentEvents.forget(id);
      }),
      s.on('torrent-completed', (t) => this.onCompleted(t)),
      s.on('restore-progress', (p) => {
        const nowMs = Date.now();
        if (!p.done && nowMs - this.lastRestoreStatusMs < RESTORE_STATUS_GAP_MS) return;
        this.lastRestoreStatusMs = nowMs;
        this.broadcastStatus();
      }),
      s.on('nearby', (shares) => this.broadcast('nearby', shares)),
      s.on('port-mapping', (m) => this.logger.info(describeReachability(m), { portMapping: m.state })),
      s.on('fatal', (e) => {
        const mapped = toContractError(e);
        this.broadcast('error', {
          code: mapped.code === 'internal' ? e.code : mapped.code,
          message: mapped.code === 'internal' ? e.message : mapped.message,
          ...(e.torrentId ? { torrentId: e.torrentId } : {}),
          where: e.torrentId ? 'torrent' : 'app',
          atMs: Date.now(),
        });
      }),
      s.on('warning', (e) => {
        if (e.code !== 'tracker-failed') return;
        const key = e.tracker ?? e.torrentId ?? '?';
        const prev = this.trackerFailures.get(key);
        this.trackerFailures.set(key, { atMs: Date.now(), message: e.message });
        if (prev && Date.now() - prev.atMs < TRACKER_ERROR_REPEAT_MS) return;
        this.broadcast('error', {
          code: 'tracker-unreachable',
          message: ERROR_WORDING['tracker-unreachable'],
          ...(e.torrentId ? { torrentId: e.torrentId } : {}),
          where: 'tracker',
          atMs: Date.now(),
        });
      }),
    );
    this.statusTimer = setInterval(() => this.broadcastStatus(), 1000);
    this.statusTimer.unref?.();
  }

  /** Nobody to tell (no window, no tab): nothing is computed. */
  private broadcastStatus(): void {
    if (this.connections.size > 0) this.broadcast('status', this.status());
  }

  private onCompleted(t: EngineSummary): void {
    this.latest.set(t.id, t);
    this.batcher.change(toSummary(t));
    this.broadcast('notification', { kind: 'download-complete', torrentId: t.id, name: t.name });
  }

  /**
   * Where the embedded tracker listens, as bound: '::' only when IPv6 clients can reach it,
   * so IPv6 addresses are offered only then (share-addresses.ts).
   */
  private get bindHost(): string {
    return this.tracker?.host ?? this.options.overrides?.bindHost ?? '0.0.0.0';
  }

  /**
   * Our embedded tracker's URL as other people use it (`udp://<advertise host>:<port>`),
   * null when it is not running. Written into every torrent and magnet we make.
   */
  ownTrackerUrl(): string | null {
    if (!this.tracker) return null;
    return advertisedTrackerUrl({
      port: this.tracker.port,
      advertiseHost: this.options.overrides?.advertiseHost ?? this.settings.embeddedTracker.advertiseHost,
      bindHost: this.bindHost,
      interfaces: this.deps.networkInterfaces(),
    });
  }

  /** Where this machine sends what is addressed to `url`: our own tracker on loopback, else `url`. */
  trackerAlias(url: string): string {
    const own = this.ownTrackerUrl();
    if (!own || !this.tracker) return url;
    return ownTrackerAlias({
      port: this.tracker.port,
      bindHost: this.bindHost,
      advertisedUrl: own,
      interfaces: this.deps.networkInterfaces(),
    })(url);
  }

  /** Whether `url` reaches our own embedded tracker (it stops when we do). */
  isOwnTracker(url: string): boolean {
    if (!this.tracker) return false;
    const local = localTrackerUrl(this.tracker.port, this.bindHost);
    return url === local || this.trackerAlias(url) === local;
  }

  /** Announce URLs for new torrents: our own tracker (as advertised) first, then the user's. */
  trackerUrls(): string[] {
    const own = this.ownTrackerUrl();
    const user = this.options.overrides?.trackers ?? this.settings.trackers;
    return [...new Set([...(own ? [own] : []), ...user])];
  }

  appInfo(): AppInfo {
    const t = this.tracker;
    return {
      version: this.options.version,
      host: this.options.host,
      listeningPort: this.session.peerPort,
      embeddedTracker: {
        running: t !== null,
        port: t?.port ?? null,
        // The advertised URL (the one in our torrents) first.
        // Other interfaces' addresses only when the tracker listens on all of them (not with --bind).
        shareAddresses: t
          ? [
              ...new Set([
                this.ownTrackerUrl()!,
                ...(listensEverywhere(this.bindHost)
                  ? shareAddresses(t.port, this.deps.networkInterfaces(), this.bindHost)
                  : []),
              ]),
            ]
          : [],
        error: this.trackerError,
      },
      overridden: overriddenSettings(this.options.overrides ?? {}),
      trackers: this.trackerUrls(),
      dataDir: this.options.dataDir,
      downloadDir: this.downloadDir,
      shareDir: this.shareDir,
      lan: this.session.lanStatus(),
    };
  }

  status(): StatusInfo {
    let down = 0;
    let up = 0;
    let peers = 0;
    let active = false;
    for (const t of this.latest.values()) {
      down += t.downRateBps;
      up += t.upRateBps;
      peers += t.peers;
      if (t.state !== 'paused') active = true;
    }
    const restore = this.session.restoreProgress();
    const recent = [...this.trackerFailures.values()].filter(
      (f) => Date.now() - f.atMs < 2 * TRACKER_ERROR_REPEAT_MS,
    );
    const trackerState: StatusInfo['trackerState'] =
      this.trackerUrls().length === 0 ? 'none' : recent.length > 0 ? 'error' : active ? 'ok' : 'idle';
    return {
      downRateBps: down,
      upRateBps: up,
      connectedPeers: peers,
      listeningPort: this.session.peerPort,
      torrentCount: this.latest.size,
      trackerState,
      trackerError: recent[0]?.message ?? null,
      restoring: restore.done ? null : { restored: restore.restored, total: restore.total },
      dhtNodes: this.session.dhtStatus()?.nodes ?? null,
      portMapping: this.session.portMapping(),
    };
  }

  /** Applies a partial settings change: persisted, applied live where it can be. */
  async updateSettings(
    patch: Partial<Settings>,
  ): Promise<{ settings: Settings; restartRequired: (keyof Settings)[] }> {
    const next = settingsSchema.parse({ ...this.settings, ...patch });
    const restartRequired: (keyof Settings)[] = [];
    if (next.peerPort !== this.settings.peerPort && next.peerPort !== this.session.peerPort)
      restartRequired.push('peerPort');
    if (next.dhtEnabled !== this.settings.dhtEnabled) restartRequired.push('dhtEnabled');
    if (next.dhtBootstrap.join() !== this.settings.dhtBootstrap.join()) restartRequired.push('dhtBootstrap');
    if (JSON.stringify(next.lan) !== JSON.stringify(this.settings.lan)) restartRequired.push('lan');
    if (JSON.stringify(next.portMapping) !== JSON.stringify(this.settings.portMapping))
      restartRequired.push('portMapping');
    if (next.downloadDir !== this.settings.downloadDir) {
      await mkdir(next.downloadDir, { recursive: true }).catch((err: unknown) => {
        throw toContractError(err, 'settings');
      });
    }
    // A new advertised host needs no tracker restart: trackerUrls() and the alias read it
    // live (the announce `ip` sent to our tracker follows at the next start).
    const trackerChanged =
      next.embeddedTracker.enabled !== this.settings.embeddedTracker.enabled ||
      next.embeddedTracker.port !== this.settings.embeddedTracker.port;
    await this.store.save(next);
    this.settings = next;
    this.session.setRateLimits(next.rateLimits);
    if (this.options.overrides?.encryption === undefined) this.session.setEncryption(next.encryption);
    if (this.options.overrides?.utp === undefined) await this.session.setUtp(next.utp);
    this.session.setPreferUtp(next.preferUtp);
    if (trackerChanged && this.options.overrides?.embeddedTracker === undefined) await this.restartTracker();
    this.broadcast('settings', next);
    this.broadcast('appInfo', this.appInfo());
    return { settings: next, restartRequired };
  }

  private async restartTracker(): Promise<void> {
    await this.tracker?.close();
    this.tracker = null;
    const started = await startTrackerFor(this.deps, this.settings, this.options);
    this.tracker = started.tracker;
    this.trackerError = started.error;
    if (started.error)
      this.broadcast('error', {
        code: 'port-in-use',
        message: started.error,
        where: 'settings',
        atMs: Date.now(),
      });
  }

  /** `onThisMachine`: false for a page opened from another computer (see DetailWatcher). */
  connect(sink: EventSink, { onThisMachine = true }: { onThisMachine?: boolean } = {}): ServiceConnection {
    if (this.closed) throw new ContractError('not-ready', ERROR_WORDING['not-ready']);
    const conn = new ServiceConnection(this, sink, () => this.connections.delete(conn), onThisMachine);
    this.connections.add(conn);
    return conn;
  }

  broadcast<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const c of this.connections) c.emit(event, payload);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.batcher.close();
    for (const u of this.unsubscribe) u();
    for (const c of [...this.connections]) c.close();
    await this.uploads.close();
    await this.session.close();
    await this.tracker?.close();
    this.tracker = null;
    this.logger.info('stopped');
    this.logger.close();
  }
}

/** The engine's LAN discovery from the settings and this run's flags. */
function lanOptions(settings: Settings, o: HostOverrides): LanOptions {
  const lan = settings.lan;
  const where = o.lanInterface ?? lanInterfaceFromEnv(o.bindHost) ?? lan.interfaceAddress;
  return {
    lsd: o.lsd ?? lan.lsd,
    nearby: lan.nearby || lan.listShares,
    advertiseShares: lan.listShares,
    ...(where !== 'auto' ? { interfaceAddress: where } : {}),
    lsdIpv4Group: lan.lsdIpv4Group,
    lsdIpv6Group: lan.lsdIpv6Group,
    lsdPort: lan.lsdPort,
    nearbyPort: lan.nearbyPort,
  };
}

/** The OS's EADDRINUSE, or the engine's peer-server 'port-in-use'. */
function isPortInUse(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === 'EADDRINUSE' || code === 'port-in-use';
}

function overriddenSettings(o: NonNullable<ServiceOptions['overrides']>): AppInfo['overridden'] {
  const out: AppInfo['overridden'] = [];
  if (o.peerPort !== undefined) out.push('peerPort');
  if (o.embeddedTracker !== undefined) out.push('embeddedTracker');
  if (o.trackers !== undefined) out.push('trackers');
  if (o.downloadDir !== undefined) out.push('downloadDir');
  if (o.advertiseHost !== undefined) out.push('advertiseHost');
  if (o.encryption !== undefined) out.push('encryption');
  if (o.dhtEnabled !== undefined || o.dhtBootstrap !== undefined) out.push('dht');
  if (o.portMapping !== undefined || o.natGateway !== undefined) out.push('portMapping');
  if (o.utp !== undefined) out.push('utp');
  return out;
}

async function startTrackerFor(
  deps: ServiceDeps,
  settings: Settings,
  options: ServiceOptions,
): Promise<{ tracker: EmbeddedTracker | null; error: string | null }> {
  const o = options.overrides?.embeddedTracker;
  const enabled = o === undefined ? settings.embeddedTracker.enabled : o !== 'off';
  if (!enabled) return { tracker: null, error: null };
  const port = typeof o === 'number' ? o : settings.embeddedTracker.port;
  try {
    return {
      // No --bind: the tracker's default, every address (IPv6 and IPv4 where there is IPv6).
      tracker: await deps.startTracker({ host: options.overrides?.bindHost, port }),
      error: null,
    };
  } catch (err) {
    if (isPortInUse(err)) {
      return {
        tracker: null,
        // Say where the port came from, so the fix is where the user set it.
        error: `The embedded tracker could not start: port ${port} is already used by another program. ${
          typeof o === 'number'
            ? 'Start with another --embedded-tracker PORT (or --embedded-tracker off).'
            : 'Pick another port in Settings (or start with --embedded-tracker PORT).'
        }`,
      };
    }
    return {
      tracker: null,
      error: `The embedded tracker could not start: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}
