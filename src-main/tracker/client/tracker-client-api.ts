/**
 * The tracker client's public types: what the engine (src-main/engine) codes against.
 * Types, plus the TrackerError class every client rejects with. Implementations:
 * UdpTrackerClient (BEP 15), HttpTrackerClient (BEP 3 + BEP 23), Announcer (BEP 12
 * announce-list over either), catalog-client (publish/search).
 */
import type { AnnounceEvent } from '../../protocol/udp-tracker/announce.ts';
import type { PeerAddress } from '../../protocol/udp-tracker/compact-peers.ts';
import type { TrackerStatus } from '../../../src-shared/types/torrent.ts';

export type { AnnounceEvent, PeerAddress };

export interface AnnounceParams {
  /** 20 bytes. */
  infoHash: Uint8Array;
  /** 20 bytes (BEP 20 style, e.g. '-SW0100-' + 12 random bytes). */
  peerId: Uint8Array;
  /** The port our peer server listens on. */
  port: number;
  uploaded: number;
  downloaded: number;
  /** Bytes still missing; 0 = seeder. Unknown (magnet without metadata): a large number. */
  left: number;
  event: AnnounceEvent;
  /** Peers wanted; -1 or undefined = the tracker's default. */
  numWant?: number;
  /**
   * The address peers should dial, when it is not the one the tracker sees (BEP 15 `IP`
   * field, IPv4 only; HTTP `ip=`). Trackers usually ignore it from non-local senders.
   */
  ip?: string;
  /** BEP 15 `key` / HTTP `key`: lets the tracker recognise us across address changes. */
  key?: number;
}

export interface AnnounceResult {
  /** Seconds until the next regular announce. */
  intervalSec: number;
  /** HTTP trackers may send a floor for manual re-announces; UDP never does. */
  minIntervalSec?: number;
  seeders: number;
  leechers: number;
  peers: PeerAddress[];
  /** HTTP `warning message`, when present. */
  warning?: string;
}

export interface ScrapeResult {
  seeders: number;
  completed: number;
  leechers: number;
}

/** Options every request takes. */
export interface RequestOptions {
  /** Aborts the request (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** One tracker URL. `close()` is idempotent and aborts requests in flight. */
export interface TrackerClient {
  readonly url: string;
  announce(params: AnnounceParams, options?: RequestOptions): Promise<AnnounceResult>;
  /** Scrape (BEP 15 / BEP 48); results in the order of `infoHashes`. */
  scrape(infoHashes: Uint8Array[], options?: RequestOptions): Promise<ScrapeResult[]>;
  close(): void;
}

/**
 * Why a tracker request failed. `code`: 'timeout' (no answer after every retransmit),
 * 'tracker-error' (BEP 15 error / HTTP `failure reason`; the message is the tracker's),
 * 'bad-response' (undecodable answer), 'network' (DNS, socket, HTTP status), 'aborted',
 * 'unsupported' (an announce URL scheme we do not speak).
 */
export type TrackerErrorCode =
  'timeout' | 'tracker-error' | 'bad-response' | 'network' | 'aborted' | 'unsupported';

export class TrackerError extends Error {
  override readonly name = 'TrackerError';
  constructor(
    readonly code: TrackerErrorCode,
    message: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------- Announcer (BEP 12)

/** Per-tracker announce status, shown in the UI's tracker list. Times are epoch milliseconds. */
export interface AnnounceStatus {
  url: string;
  /** BEP 12 tier index (0 = first). */
  tier: number;
  state: TrackerStatus;
  lastAnnounceAt: number | null;
  nextAnnounceAt: number | null;
  lastError: { code: TrackerErrorCode; message: string } | null;
  seeders: number | null;
  leechers: number | null;
  /** Peers in the last successful response. */
  lastPeerCount: number | null;
}

/** What the announcer asks of its torrent at each announce. */
export interface TransferTotals {
  uploaded: number;
  downloaded: number;
  left: number;
}

export interface AnnouncerOptions {
  infoHash: Uint8Array;
  peerId: Uint8Array;
  port: number;
  /** BEP 12 tiers; a plain `announce` URL is `[[url]]`. Unsupported schemes are 'disabled'. */
  announceList: string[][];
  /** Read at every announce. */
  totals: () => TransferTotals;
  /** Called with every non-empty peer list received. */
  onPeers: (peers: PeerAddress[], fromUrl: string) => void;
  /** Called whenever any tracker's status changes (UI refresh). */
  onStatus?: (statuses: AnnounceStatus[]) => void;
  numWant?: number;
  ip?: string;
  /** UDP: first retransmit timeout (BEP 15: 15 s) and retransmits before giving up. */
  udpBaseTimeoutMs?: number;
  udpMaxRetransmits?: number;
  /** HTTP request time-out. Default 15 s. */
  httpTimeoutMs?: number;
  /**
   * A tracker that has not answered this long gets the next tracker of the round started
   * alongside it (it may still answer; whichever answers first wins). Default 5 000 ms.
   */
  failoverAfterMs?: number;
  /** Retry delay after every tracker failed: base · 2^failures, capped. Defaults 30 s / 30 min. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Floor for any re-announce interval a tracker sends. Default 10 s. */
  minIntervalSec?: number;
  /** Injectable for tests. */
  now?: () => number;
  random?: () => number;
  /** Builds the client for a URL (tests substitute fakes); default: by scheme. */
  createClient?: (url: string) => TrackerClient | undefined;
}

export interface AnnouncerCloseOptions {
  /** Send `stopped` to the working tracker first. Default false. */
  sendStopped?: boolean;
  /** Bound on that last announce. Default 2000 ms. */
  timeoutMs?: number;
}

// ---------------------------------------------------------------- catalog (extension)

export interface CatalogPublishEntry {
  infoHash: Uint8Array;
  name: string;
  totalSizeBytes: number;
  fileCount: number;
}

export interface CatalogItem {
  infoHashHex: string;
  name: string;
  totalSizeBytes: number;
  fileCount: number;
  seeders: number;
  leechers: number;
  completed: number;
}

export interface CatalogSearchOptions {
  /** Case-insensitive substring; '' or undefined lists everything. */
  query?: string;
  /** 0-based page of `pageSize` entries. Default 0. */
  page?: number;
  /** Default 20, at most 1000. */
  pageSize?: number;
}

export interface CatalogPage {
  items: CatalogItem[];
  /** Matches in the whole catalog. */
  totalMatches: number;
  page: number;
  pageSize: number;
}
