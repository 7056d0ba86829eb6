/**
 * Torrent values as the UI sees them. The engine's snapshot types (src-main/engine/
 * session-api.ts) are these same declarations, imported from here: the contract must not
 * import backend types (docs/ARCHITECTURE.md), while the backend may import shared ones. The
 * piece states differ (the engine lists piece sources as numbers, base64 here) and are mapped by
 * `src-main/service`.
 *
 * Ids are the lower-case hex info-hash; byte counts are numbers; times are epoch ms;
 * rates are bytes per second.
 */

/**
 * 'files-changed': pieces we had no longer match the files on disk (edited while shared);
 * they are no longer shared or counted, and nothing is written over the edit until the
 * user asks for a recheck.
 */
export type TorrentState =
  | 'fetching-metadata'
  | 'checking'
  | 'downloading'
  | 'seeding'
  | 'files-changed'
  | 'paused'
  | 'error'
  | 'queued';

export interface TorrentError {
  /** Stable machine code, e.g. 'bad-path', 'storage-io', 'metadata-mismatch'. */
  code: string;
  message: string;
}

export interface TorrentSummary {
  /** Hex info-hash. */
  id: string;
  /** Torrent name; the info-hash (or the magnet's dn) until metadata arrives. */
  name: string;
  state: TorrentState;
  /** Verified bytes / total, 0..1 (0 while metadata is unknown); of the selection when files are skipped. */
  progress: number;
  /** 0 while metadata is unknown. */
  totalBytes: number;
  /** Verified payload bytes we have. */
  verifiedBytes: number;
  /**
   * Bytes of the selected files, present only when some files are skipped: progress, ETA
   * and completion count these, not totalBytes.
   */
  selectedBytes?: number;
  /** Payload bytes received this session (includes wasted/failed). */
  downloadedBytes: number;
  /** Payload bytes sent (persisted across restarts). */
  uploadedBytes: number;
  downRateBps: number;
  upRateBps: number;
  /** Connected peers (incl. seeds). */
  peers: number;
  /** Connected peers that have every piece. */
  seeds: number;
  /** Seconds to completion at the current rate; null when unknown or complete. */
  etaSec: number | null;
  /** uploadedBytes / max(verifiedBytes, 1). */
  ratio: number;
  savePath: string;
  /**
   * Set when the files are not at savePath/name: a share of several paths, whose entries
   * stay where they were shared from; this is the folder that holds them.
   */
  contentPath?: string;
  addedAt: number;
  completedAt: number | null;
  error?: TorrentError;
  /**
   * Pieces counted as verified because the previous run's resume data said so and their
   * files' size and mtime are unchanged: not hashed in this run. Absent when every verified
   * piece was hashed in this run (downloaded, checked, or after a recheck).
   */
  resumedPieces?: number;
  /** Kept out of catalogs (the LAN's and trackers'): reachable by its magnet only. */
  unlisted?: boolean;
}

/** How much a file is wanted: skip (never downloaded, never created), normal, high (first). */
export type FilePriority = 'skip' | 'normal' | 'high';

export interface FileDetail {
  /** The file's index in the torrent's file list (padding files included): what setFilePriorities takes. */
  index: number;
  /** Path segments below the torrent's root, e.g. ['docs', 'a.txt']. */
  path: string[];
  priority: FilePriority;
  lengthBytes: number;
  /** Verified bytes of this file (pieces that overlap it and are verified). */
  verifiedBytes: number;
  progress: number;
  /** BEP 47 attr "h": the torrent marks the file hidden. */
  hidden?: true;
  /** BEP 47 attr "x": executable (the bit is set on disk once the download completes). */
  executable?: true;
}

export interface PeerFlags {
  /** We choke them / they choke us. */
  amChoking: boolean;
  peerChoking: boolean;
  amInterested: boolean;
  peerInterested: boolean;
  /** No block from them for a while despite outstanding requests. */
  snubbed: boolean;
  incoming: boolean;
  /** The payload stream is RC4 (Message Stream Encryption); false for plaintext, MSE-obfuscated handshake included. */
  encrypted: boolean;
  /** Carried by uTP (BEP 29) rather than TCP. */
  utp: boolean;
  /** Unchoked by the optimistic slot. */
  optimistic: boolean;
}

export interface PeerDetail {
  /** Stable within a torrent while the peer is known; piece sources refer to it. */
  index: number;
  /** 'host:port' ([v6]:port for IPv6). */
  address: string;
  /** Client name from the peer id (BEP 20), e.g. 'Transmission 3.00'; 'unknown' if none. */
  client: string;
  peerIdHex: string;
  downRateBps: number;
  upRateBps: number;
  downloadedBytes: number;
  uploadedBytes: number;
  /** Their share of pieces, 0..1. */
  progress: number;
  /** Outstanding requests we have with them. */
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

/**
 * Something that happened to a torrent that its owner should know about, in user words:
 * a piece failed its hash check (and from whom), a peer was banned (and why), its files
 * changed on disk, its metadata is unavailable. `code` is the engine's warning code.
 */
export interface TorrentEvent {
  atMs: number;
  code: string;
  message: string;
}

/** Recent events kept per torrent (oldest dropped first). */
export const MAX_TORRENT_EVENTS = 20;

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
  /** This session's recent warnings for the torrent, oldest first (at most MAX_TORRENT_EVENTS). */
  events: TorrentEvent[];
}
