/**
 * Torrent values as the UI sees them. They mirror the engine's snapshot types
 * (src-main/engine/session-api.ts) field for field but are declared here, because the
 * contract must not import backend types (STYLE.md rule 2). `src-main/service` checks
 * the two stay assignable with `satisfies`.
 *
 * Ids are the lower-case hex info-hash; byte counts are numbers; times are epoch ms;
 * rates are bytes per second.
 */

export type TorrentState =
  | 'fetching-metadata'
  | 'checking'
  | 'downloading'
  | 'seeding'
  | 'paused'
  | 'error'
  | 'queued';

export interface TorrentError {
  code: string;
  message: string;
}

export interface TorrentSummary {
  id: string;
  name: string;
  state: TorrentState;
  /** 0..1 verified. */
  progress: number;
  totalBytes: number;
  verifiedBytes: number;
  downloadedBytes: number;
  uploadedBytes: number;
  downRateBps: number;
  upRateBps: number;
  peers: number;
  seeds: number;
  etaSec: number | null;
  ratio: number;
  savePath: string;
  addedAt: number;
  completedAt: number | null;
  error?: TorrentError;
}

export interface FileDetail {
  path: string[];
  lengthBytes: number;
  verifiedBytes: number;
  progress: number;
}

export interface PeerFlags {
  amChoking: boolean;
  peerChoking: boolean;
  amInterested: boolean;
  peerInterested: boolean;
  snubbed: boolean;
  incoming: boolean;
  encrypted: boolean;
  optimistic: boolean;
}

export interface PeerDetail {
  index: number;
  address: string;
  client: string;
  peerIdHex: string;
  downRateBps: number;
  upRateBps: number;
  downloadedBytes: number;
  uploadedBytes: number;
  progress: number;
  requestsInFlight: number;
  flags: PeerFlags;
}

export type TrackerStatus = 'idle' | 'announcing' | 'working' | 'error' | 'disabled';

export interface TrackerDetail {
  url: string;
  tier: number;
  status: TrackerStatus;
  lastAnnounceAt: number | null;
  nextAnnounceAt: number | null;
  lastError: string | null;
  seeders: number | null;
  leechers: number | null;
}

/** Piece state as BEP 3-ordered bitfields in base64 (see src-shared/util/bitfield.ts). */
export interface PieceStates {
  pieceCount: number;
  haveBase64: string;
  downloadingBase64: string;
  /**
   * One byte per piece, base64: 0 = source unknown, k = the piece came from
   * `sourcePeers[k - 1]` (the peer that sent most of its blocks).
   */
  sourcesBase64: string;
  sourcePeers: { index: number; address: string; client: string }[];
}

export interface TorrentDetail {
  summary: TorrentSummary;
  infoHashHex: string;
  magnet: string;
  pieceLengthBytes: number;
  pieces: PieceStates;
  files: FileDetail[];
  peers: PeerDetail[];
  trackers: TrackerDetail[];
  comment?: string;
  createdBy?: string;
  private: boolean;
}
