/**
 * The engine's public face: options, sources, snapshots and events, and the `Session`
 * methods. Types only, and free of Node/electron types, so `src-main/service` can map
 * them 1:1 onto the UI contract in `src-shared/contract`.
 *
 * Conventions: ids are the lower-case hex info-hash (40 chars); byte counts are numbers
 * (safe integers up to 8 PiB); times are epoch milliseconds; rates are bytes per second.
 */
import type {
  FilePriority,
  PieceStates,
  TorrentDetail,
  TorrentSummary,
} from '../../src-shared/types/torrent.ts';
import type { EncryptionMode } from '../../src-shared/types/settings.ts';
import type { NearbyShare } from '../../src-shared/types/nearby.ts';
import type { LanStatus } from '../../src-shared/types/app-info.ts';
import type { PortMappingStatus } from '../../src-shared/types/port-mapping.ts';
import type { FileReader } from './torrent/file-readers.ts';

// A torrent's summary and its per-file, per-peer and per-tracker detail are the same shape
// in the engine and the UI contract: defined once, in src-shared (imports point that way).
export type {
  FileDetail,
  FilePriority,
  PeerDetail,
  TorrentState,
  TorrentError,
  TorrentSummary,
  TrackerDetail,
} from '../../src-shared/types/torrent.ts';
export type { EncryptionMode } from '../../src-shared/types/settings.ts';
export type { NearbyShare } from '../../src-shared/types/nearby.ts';
export type { LanStatus } from '../../src-shared/types/app-info.ts';
export type { PortMappingStatus } from '../../src-shared/types/port-mapping.ts';
export type { FileReader } from './torrent/file-readers.ts';

// ---------------------------------------------------------------- options

export interface RateLimits {
  /** Bytes per second; 0 = unlimited (the default). */
  downloadBps: number;
  uploadBps: number;
}

export interface ConnectionLimits {
  /** Peer connections per torrent (incoming + outgoing). Default 50. */
  perTorrent: number;
  /** Peer connections across the session. Default 200. */
  global: number;
  /** Upload slots (unchoked peers) per torrent, optimistic slot included. Default 4. */
  uploadSlots: number;
  /**
   * Connections per torrent from one IP address (127.0.0.1 included: every local client
   * shares it, so a test with more local peers than this raises it or binds its clients
   * to other 127.x addresses). Default 8; see engine/slots/NOTES.md.
   */
  perIp: number;
}

export interface SessionOptions {
  /** Resume data and session state. Default: the platform's app data folder. */
  dataDir?: string;
  /** Where downloads go unless `AddOptions.savePath` says otherwise. */
  downloadDir: string;
  /** Bind address of the peer server. Default: IPv6 and IPv4 ('::'), IPv4 only without IPv6. */
  peerHost?: string;
  /** Peer server port; 0 = ephemeral (tests). Default 6881. */
  peerPort?: number;
  /**
   * The address other peers should dial, announced to trackers as `ip` when set (BEP 15
   * `IP address` field / HTTP `ip=`). Unset: the tracker uses the packet's source.
   */
  announceHost?: string;
  /** Announce URLs (udp://, http://) added to every torrent. */
  defaultTrackers?: string[];
  /**
   * Where to send what is addressed to an announce URL, when not to the URL itself: the
   * app's own embedded tracker is written into torrents under the address other people
   * use (`udp://192.0.2.20:6969`) and reached by this engine on loopback
   * (`udp://127.0.0.1:6969`). Applied to announces and catalog publishes only: torrents,
   * magnets, details and resume data keep the URL as written. Read at each (re)start of a
   * torrent's announcing, so it may change while the session runs. Default: none.
   */
  trackerAlias?: (url: string) => string;
  /**
   * Announce URLs (as torrents list them) that need no `stopped` when the session closes:
   * a host's own embedded tracker, which stops with it anyway. A torrent whose every
   * tracker is one of them closes without announcing (a thousand `stopped` to our own
   * tracker cost a second of closing for nothing); pause and remove still announce.
   */
  skipStoppedOnClose?: (url: string) => boolean;
  connections?: Partial<ConnectionLimits>;
  rateLimits?: Partial<RateLimits>;
  /**
   * Message Stream Encryption of peer connections (docs/PROTOCOL.md): 'prefer' dials with
   * MSE and falls back to plaintext and accepts both; 'require' is MSE with RC4 only, both
   * ways; 'off' is plaintext only. Default 'prefer'.
   */
  encryption?: EncryptionMode;
  /**
   * uTP (BEP 29) on the peer port number over UDP: accept uTP connections and dial uTP
   * as well as TCP, TCP first (docs/PROTOCOL.md). Default true. If the UDP port cannot be
   * bound the session runs on TCP alone and says so with a 'utp-unavailable' warning.
   */
  utp?: boolean;
  /**
   * Dial uTP first and TCP after its head start, instead of the other way round. uTP's
   * congestion control (LEDBAT) gives way to other traffic on the link, such as a video
   * call, at more CPU per byte than TCP (docs/PERFORMANCE.md). Default false.
   */
  preferUtp?: boolean;
  /** `share()` publishes the torrent to the tracker's catalog. Default true. */
  publishOnShare?: boolean;
  /**
   * Restore and start every torrent saved in dataDir on open (the app). The CLI passes
   * false and adds just the one it was asked for (its resume data is still used). Default true.
   */
  restoreTorrents?: boolean;
  /**
   * With `restoreTorrents`: `open` resolves once the peer server listens, and the torrents
   * come back after the host calls `startRestore()` (`restoreProgress`, 'restore-progress'
   * events), so a host can serve its UI before a long list competes with it for the CPU
   * and the disk. Default false: `open` restores them before it resolves.
   */
  restoreInBackground?: boolean;
  /** Client identifier written into the peer id (BEP 20, Azureus style). Default '-SW0100-'. */
  peerIdPrefix?: string;
  /** Engine internals; tests shorten intervals. Defaults suit real use. */
  tuning?: Partial<EngineTuning>;
  /**
   * Mainline DHT (BEP 5): find peers of non-private torrents with no tracker, and announce
   * ours. Off when unset or `enabled` is false.
   */
  dht?: DhtOptions;
  /** Finding peers and shares on the LAN (LSD, the LAN catalog). Default: all off. */
  lan?: LanOptions;
  /**
   * Map the peer port (TCP and UDP) on the router by UPnP IGD or NAT-PMP while the session
   * runs, and remove the mapping on close (engine/portmap/NOTES.md). Unset: no mapping,
   * and nothing is sent to any router (hosts set it from the user's setting).
   */
  portMapping?: PortMappingOptions;
}

export interface DhtOptions {
  enabled: boolean;
  /**
   * Nodes to join the DHT through when the saved routing table is empty or stale,
   * `host:port` each (a setting; the engine has none built in). May be empty: the node
   * then learns of others from peers (BEP 5 PORT) and from the saved table.
   */
  bootstrap: string[];
  /**
   * Open the DHT once the session is open instead of before: `openSession` resolves
   * without waiting for the DHT library to load (~0.1 s of CPU) and its socket, so a
   * one-shot download reaches its first peers sooner. `dhtStatus()` is null until then;
   * torrents start announcing on the DHT when it is up. Default false.
   */
  background?: boolean;
  /**
   * UDP port of the DHT node. Default: the peer port number (shared with other UDP
   * protocols, engine/dht/NOTES.md); when that is taken, any free port, with a warning.
   */
  port?: number;
}

/** The DHT as the status bar shows it. */
export interface DhtStatus {
  /** Nodes in the routing table. */
  nodes: number;
  /** UDP port the node listens on. */
  port: number;
  /** KRPC bytes received and sent since the session opened (UDP payloads). */
  receivedBytes: number;
  sentBytes: number;
}

/**
 * LAN discovery: BEP 14 Local Service Discovery and the LAN catalog ("Nearby",
 * docs/PROTOCOL.md). Off unless asked for: hosts turn them on from their settings, and
 * tests that open sessions never multicast by accident.
 */
export interface LanOptions {
  /** BEP 14 announces of every active, non-private torrent; peers heard join its swarm. */
  lsd?: boolean;
  /** Listen to the LAN catalog (Session.nearby()). */
  nearby?: boolean;
  /** Advertise our listed shares in the LAN catalog (needs `nearby`). Default true. */
  advertiseShares?: boolean;
  /** Our name in the LAN catalog. Default: the host name. */
  who?: string;
  /**
   * The interface multicast goes out on and is joined on: 'all' (every non-loopback
   * interface) or one local address (127.0.0.1: loopback multicast, this machine only).
   * Default: 'all' when the peer server listens everywhere, its address when it listens
   * on one, and off when that address is loopback (nobody on the LAN could dial it).
   */
  interfaceAddress?: string;
  /** BEP 14 group and port (defaults 239.192.152.143, ff15::efc0:988f, 6771). */
  lsdIpv4Group?: string;
  lsdIpv6Group?: string;
  lsdPort?: number;
  /** LAN catalog groups and port (defaults: the LSD groups, port 6772). */
  nearbyIpv4Group?: string;
  nearbyIpv6Group?: string;
  nearbyPort?: number;
  /** BEP 14 re-announce interval per torrent. Default 5 minutes. */
  lsdAnnounceIntervalMs?: number;
  /** LAN catalog re-announce interval. Default 30 s. */
  nearbyAnnounceIntervalMs?: number;
}

export interface PortMappingOptions {
  /**
   * The router to use instead of discovering one: an IPv4 address (NAT-PMP) or the
   * http:// URL of a UPnP device description. Empty or unset: discover (SSDP for UPnP,
   * the default route's gateway for NAT-PMP).
   */
  gateway?: string;
  /** Lease asked for, seconds. Default 3600. */
  leaseSec?: number;
  /** Renew this long after each mapping. Default half the lease. */
  renewAfterMs?: number;
  /** How long to look for a router before saying none answered. Default 3000. */
  searchTimeoutMs?: number;
  /** Look for a router again this long after none answered or one refused. Default 300 000. */
  retryAfterMs?: number;
}

/** Engine tunables (milliseconds, bytes, blocks). */
export interface EngineTuning {
  /** The torrent's periodic tick: request time-outs, interest, dialing. Default 1000. */
  tickMs: number;
  /** Unanswered block requests are re-requested from other peers after this. Default 30 000. */
  requestTimeoutMs: number;
  /** Rechoke period (BEP 3 practice: 10 s). */
  rechokeIntervalMs: number;
  /** Optimistic unchoke rotation (30 s). */
  optimisticIntervalMs: number;
  /** Resume data is saved this often while a torrent is active. Default 30 000. */
  resumeSaveIntervalMs: number;
  /**
   * Complete pieces waiting for hashing/disk before requesting pauses (at least two pieces).
   * Default 8 MiB: 10 ms at 800 MB/s is ample when hashing and page-cache writes keep up,
   * and a small set of piece buffers stays warm in the CPU caches (24 MiB measured ~8%
   * slower and 20–50 MiB more anonymous memory, docs/PERFORMANCE.md).
   */
  maxBufferedBytes: number;
  /** Request pipeline depth per peer (blocks): a new peer's, the floor, the ceiling (default 512). */
  initialQueueDepth: number;
  minQueueDepth: number;
  maxQueueDepth: number;
  /**
   * Requested-and-not-received bytes across all of a torrent's peers. Bounds the pieces
   * being assembled in memory however many peers there are. Default 16 MiB.
   */
  maxRequestedBytes: number;
  /** Seconds of a peer's rate kept requested (libtorrent request_queue_time). Default 2. */
  queueTimeSec: number;
  /** Floor on tracker re-announce intervals, seconds. Default 10. */
  announceMinIntervalSec: number;
  /** First retry delay when no tracker answers. Default 30 000. */
  announceRetryBaseMs: number;
  /** UDP tracker first retransmit time-out (BEP 15: 15 000). */
  udpTrackerTimeoutMs: number;
  /** Least time between two BEP 11 (PEX) messages to one peer. Default 60 000, as libtorrent. */
  pexIntervalMs: number;
  /** DHT re-announce once peers were found (libtorrent's 15 min). */
  dhtAnnounceIntervalMs: number;
  /** First DHT retry after a lookup found no peer, doubling up to the interval. Default 30 000. */
  dhtRetryBaseMs: number;
}

// ---------------------------------------------------------------- adding torrents

export type TorrentSource =
  | { kind: 'torrent-file'; path: string }
  | { kind: 'metainfo'; bytes: Uint8Array }
  | { kind: 'magnet'; uri: string }
  | { kind: 'info-hash'; infoHashHex: string; name?: string };

export interface AddOptions {
  /** Folder the torrent's name (file or folder) is created in. Default: downloadDir. */
  savePath?: string;
  /** Extra announce URLs for this torrent (added to the metainfo's and the defaults). */
  trackers?: string[];
  /** Add without starting. */
  paused?: boolean;
  /**
   * Hash every piece already on disk instead of trusting the resume data of an earlier
   * run (`swarmdrop get --recheck`).
   */
  recheck?: boolean;
  /**
   * Download only the files whose path inside the torrent matches one of these globs
   * (src-shared/util/path-glob.ts); the others are skipped and never created. Applied once
   * the metadata is known; resume data's selection wins over it.
   */
  only?: string[];
  /** Pieces in index order instead of rarest first (`swarmdrop get --sequential`). */
  sequential?: boolean;
}

export interface ShareOptions {
  /** Announce URLs written into the torrent; default: the session's defaultTrackers. */
  trackers?: string[];
  /**
   * Name of a share made from several paths (required then: 'name-required'). Ignored for
   * one path: the torrent is named after the shared file or folder, because seeding it in
   * place needs the name to match what is on disk.
   */
  name?: string;
  /** Piece length; default: chosen from the total size (createTorrent's rule). */
  pieceLengthBytes?: number;
  comment?: string;
  private?: boolean;
  /** BEP 19 web seeds (`url-list`): HTTP(S) URLs serving the same files. */
  webSeeds?: string[];
  /** Publish to the tracker's catalog; default SessionOptions.publishOnShare. */
  publish?: boolean;
  /**
   * Keep the share out of catalogs: not advertised on the LAN ("Nearby") nor published
   * to trackers' catalogs; reachable by its magnet. Saved with the torrent. Default false.
   */
  unlisted?: boolean;
  /**
   * Wait for the catalog before resolving (default true). With false, share() resolves as
   * soon as the torrent seeds and the catalog's answer comes through `publication`: a
   * tracker without the catalog extension takes its whole time-out to say nothing.
   */
  awaitPublish?: boolean;
}

export interface ShareProgress {
  hashedBytes: number;
  totalBytes: number;
}

export interface ShareResult {
  id: string;
  magnet: string;
  /** The encoded .torrent file, for `--torrent-out` or "save .torrent". */
  torrentBytes: Uint8Array;
  /**
   * Whether the catalog accepted the entry (false when publishing is off or failed, and
   * when `awaitPublish` was false: see `publication`).
   */
  published: boolean;
  /** Settles with whether the catalog accepted the entry; never rejects. */
  publication: Promise<boolean>;
}

// ---------------------------------------------------------------- snapshots

/**
 * Piece state as the engine reports it: the shared PieceStates (BEP 3-ordered bitfields in
 * base64; a piece in neither is missing), except that each piece's source is a number
 * here. The service packs them into the contract's `sourcesBase64` (engine-mapping.ts).
 */
export interface EnginePieceStates extends Omit<PieceStates, 'sourcesBase64'> {
  /**
   * Which peer each piece came from: `pieceSources[i]` is an index into `sourcePeers`, or
   * -1 when unknown (verified before this session, or not yet complete). A piece whose
   * blocks came from several peers is credited to the peer that sent the most of them.
   */
  pieceSources: number[];
}

/**
 * The contract's TorrentDetail with the engine's piece states (see EnginePieceStates) and
 * without `events`, which the service keeps and adds.
 */
export interface EngineTorrentDetail extends Omit<TorrentDetail, 'pieces' | 'events'> {
  pieces: EnginePieceStates;
}

// ---------------------------------------------------------------- events

export interface UdpSocketStatus {
  io: 'native' | 'dgram';
  /** Why it is not the native socket; null when it is. */
  fallbackReason: string | null;
}

export interface SessionEvents {
  /** Changed torrents, batched: at most 10 per second for the whole session. */
  update: (changed: TorrentSummary[]) => void;
  'torrent-added': (summary: TorrentSummary) => void;
  'torrent-removed': (id: string) => void;
  /** The torrent went from incomplete to every piece verified (not fired for shares). */
  'torrent-completed': (summary: TorrentSummary) => void;
  /** Metadata arrived for a magnet/info-hash torrent: name and size are now known. */
  metadata: (summary: TorrentSummary) => void;
  /** A piece verified: who sent it (for logs and tests; the UI should use `update`). */
  'piece-verified': (event: PieceVerifiedEvent) => void;
  /** A connected peer went away, with what it exchanged with us (for `share`'s audience lines). */
  'peer-closed': (event: PeerClosedEvent) => void;
  /** Torrents of the last run brought back so far (after every batch, and once done). */
  'restore-progress': (progress: RestoreProgress) => void;
  /** Something recoverable: a tracker failed, a peer was banned, a piece failed its hash. */
  warning: (event: EngineEvent) => void;
  /** A torrent entered its error state (torrentId set), or the session failed (unset). */
  fatal: (event: EngineEvent) => void;
  /** The LAN catalog changed: what other Swarmdrops on the LAN share now. */
  nearby: (shares: NearbyShare[]) => void;
  /** The port mapping's state or reachability changed. */
  'port-mapping': (status: PortMappingStatus) => void;
}

export interface PeerClosedEvent {
  torrentId: string;
  /** 'host:port' as in the peer list. */
  address: string;
  client: string;
  /** Payload bytes we sent it / it sent us over this connection. */
  uploadedBytes: number;
  downloadedBytes: number;
  /** Its share of the pieces when it left, 0..1 (0 while the torrent has no metadata). */
  progress: number;
}

/** How far the restore of the last run's torrents is (SessionOptions.restoreTorrents). */
export interface RestoreProgress {
  /** Torrents registered from resume data so far (each then checks its files and starts). */
  restored: number;
  /** Records found in the data folder; 0 until the folder was listed. */
  total: number;
  /** Finished, failed or stopped by close; also true when there was nothing to restore. */
  done: boolean;
}

export interface PieceVerifiedEvent {
  torrentId: string;
  piece: number;
  /** 'host:port' of the peer credited (most blocks), null when read from disk. */
  fromAddress: string | null;
  fromPeerIndex: number;
  /** The transport of the credited peer's connection, null when read from disk. */
  fromTransport: 'tcp' | 'utp' | null;
}

export interface EngineEvent {
  /**
   * e.g. 'tracker-failed', 'peer-banned', 'hash-failed', 'storage-io', 'bad-path',
   * 'metadata-unsupported' (peers are connected but none can send a magnet's metadata).
   */
  code: string;
  message: string;
  torrentId?: string;
  /** The peer concerned, 'host:port'. */
  peer?: string;
  /** The piece concerned ('hash-failed'). */
  piece?: number;
  /** Every peer that sent blocks of that piece, 'host:port' ('hash-failed'). */
  peers?: string[];
  /** The tracker concerned, its announce URL as in the torrent ('tracker-failed'). */
  tracker?: string;
}

export type SessionEventName = keyof SessionEvents;

// ---------------------------------------------------------------- the session

export interface RemoveOptions {
  /** Also delete the torrent's files from disk (shared originals too: the user asked). */
  deleteFiles: boolean;
}

export interface Session {
  /** Bound peer port (useful when opened with port 0). */
  readonly peerPort: number;
  /** 20-byte peer id as hex. */
  readonly peerIdHex: string;

  /** Adds a torrent; resolves once it is registered (metadata may still be fetching). */
  add(source: TorrentSource, options?: AddOptions): Promise<TorrentSummary>;
  /**
   * Hashes a file or folder into a torrent, seeds it in place (nothing is copied) and
   * publishes it to each UDP tracker's catalog. Several paths make one multi-file torrent
   * named `options.name` (required then), each file seeded from where it is; two paths with
   * the same base name reject with 'name-clash'. Sharing the same content again returns the
   * existing torrent.
   */
  share(
    paths: string[],
    options?: ShareOptions,
    onProgress?: (p: ShareProgress) => void,
  ): Promise<ShareResult>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  remove(id: string, options?: RemoveOptions): Promise<void>;
  /** Re-hashes every piece from disk; state 'checking' meanwhile. */
  recheck(id: string): Promise<void>;
  /**
   * Super-seeding (BEP 16) for an initial seed: peers are offered one piece at a time, so
   * the first copies spread with less upload. Applies while every piece is here; not saved
   * across restarts. Turning it off announces every piece to connected peers.
   */
  setSuperSeeding(id: string, on: boolean): void;
  /**
   * Sets file priorities (file index as in TorrentDetail.files[].index), mid-download or not;
   * survives restarts. Skipped files are never created; selecting one later moves the bytes
   * it already had into place. Rejects with code 'no-metadata' before the file list is known,
   * 'bad-request' for an index outside it.
   */
  setFilePriorities(
    id: string,
    priorities: readonly { index: number; priority: FilePriority }[],
  ): Promise<void>;
  /**
   * Reads file `fileIndex` while it downloads (torrent/file-readers.ts): its reads wait for
   * verified pieces and steer the picker to the read position. Close it when done.
   */
  openFileReader(id: string, fileIndex: number): Promise<FileReader>;
  list(): TorrentSummary[];
  /** The restore of the last run's torrents, for a host to show ("Restoring 412 / 1000"). */
  restoreProgress(): RestoreProgress;
  /** Starts restoring in the background (SessionOptions.restoreInBackground). Idempotent. */
  startRestore(): void;
  /** Throws an Error with `code: 'unknown-torrent'` for an unknown id. */
  detail(id: string): EngineTorrentDetail;
  /** The .torrent bytes, once metadata is known (null before). */
  torrentFile(id: string): Uint8Array | null;
  setRateLimits(limits: Partial<RateLimits>): void;
  /** The DHT node's status; null when DHT is off. */
  dhtStatus(): DhtStatus | null;
  /**
   * The UDP socket on the peer port (uTP, and the DHT when it rides on it): 'native' reads
   * many datagrams per system call, 'dgram' is Node's, with why the native one is not used
   * (net/datagram-port.ts). Null when no UDP socket is bound.
   */
  udpSocket(): UdpSocketStatus | null;
  /** Encryption for connections made or accepted from now on (open ones keep theirs). */
  setEncryption(mode: EncryptionMode): void;
  /** What other Swarmdrops on the LAN share (empty when the LAN catalog is off). */
  nearby(): NearbyShare[];
  /** Which LAN discovery runs, and where (LanOptions, after the interface rule). */
  lanStatus(): LanStatus;
  /** Asks the LAN to announce its shares now (answers arrive as `nearby` events). */
  queryNearby(): void;
  /** Keeps a torrent out of catalogs, or lists it again (ShareOptions.unlisted). */
  setUnlisted(id: string, unlisted: boolean): Promise<void>;
  /** The router's port mapping and whether we are reachable from outside ('off' when not asked). */
  portMapping(): PortMappingStatus;
  /** Turns uTP on or off for connections made or accepted from now on (open ones stay). */
  setUtp(enabled: boolean): Promise<void>;
  /** Dials from now on try uTP first (SessionOptions.preferUtp), or TCP first. */
  setPreferUtp(prefer: boolean): void;
  /** Subscribes; returns the unsubscribe function. */
  on<E extends SessionEventName>(event: E, listener: SessionEvents[E]): () => void;
  /** Announces `stopped`, saves resume data, closes sockets and workers. Idempotent. */
  close(): Promise<void>;
}

/** How a session is made: `openSession(options)` in `session/open-session.ts`. */
export type OpenSession = (options: SessionOptions) => Promise<Session>;
