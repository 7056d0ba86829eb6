import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import type { Metainfo } from '../../protocol/metainfo/metainfo-types.ts';
import type { AnnounceStatus } from '../../tracker/client/tracker-client-api.ts';
import type { BlockPicker } from '../picker/block-picker.ts';
import { pieceRangeOfFile } from '../storage/piece-layout.ts';
import { priorityName, selectionBytes, selectsAll } from './file-selection.ts';
import type {
  FileDetail,
  EngineTorrentDetail,
  TorrentError,
  PeerDetail,
  TorrentState,
  TorrentSummary,
  TrackerDetail,
} from '../session-api.ts';
import type { TorrentPeer } from './torrent-peer.ts';
import type { PieceSources } from './piece-sources.ts';

/** What the snapshot builders read from a torrent. */
export interface SnapshotSource {
  id: string;
  name: string;
  state: TorrentState;
  error?: TorrentError;
  metainfo: Metainfo | null;
  picker: BlockPicker | null;
  /** Verified pieces when there is no picker (paused, checking): the last known. */
  have: Bitfield | null;
  /** Per metainfo file: PRIORITY_* (file-selection.ts); null = every file normal. */
  filePriorities: Uint8Array | null;
  verifiedBytes: number;
  downloadedBytes: number;
  uploadedBytes: number;
  downRateBps: number;
  upRateBps: number;
  peers: Iterable<TorrentPeer>;
  savePath: string;
  /** See TorrentSummary.contentPath. */
  contentPath?: string;
  addedAtMs: number;
  completedAtMs: number | null;
  trackers: AnnounceStatus[];
  magnet(): string;
  /** Pieces being downloaded (null while no transfer runs). */
  downloading(): Bitfield | null;
  pieceSources: PieceSources;
  /** See TorrentSummary.resumedPieces. */
  resumedPieces: number;
  /** See TorrentSummary.unlisted. */
  unlisted: boolean;
  snubbed(peer: TorrentPeer): boolean;
  outstanding(peer: TorrentPeer): number;
}

/**
 * The rates a summary shows: a paused or failed torrent moves nothing, whatever its
 * meters' windows still hold from before.
 */
export function shownRates(
  state: TorrentSummary['state'],
  downBps: number,
  upBps: number,
): { down: number; up: number } {
  if (state === 'paused' || state === 'error') return { down: 0, up: 0 };
  return { down: Math.round(downBps), up: Math.round(upBps) };
}

export function buildSummary(s: SnapshotSource): TorrentSummary {
  const rates = shownRates(s.state, s.downRateBps, s.upRateBps);
  const total = s.metainfo?.totalLengthBytes ?? 0;
  let peers = 0;
  let seeds = 0;
  for (const p of s.peers) {
    peers++;
    if (p.haves.isSeed) seeds++;
  }
  // With files skipped, progress and ETA measure the selection.
  const selection =
    s.metainfo && !selectsAll(s.filePriorities)
      ? selectionBytes(s.metainfo, s.filePriorities!, s.have)
      : null;
  const wanted = selection?.selectedBytes ?? total;
  const wantedVerified = selection?.verifiedBytes ?? s.verifiedBytes;
  const left = wanted - wantedVerified;
  const active = s.state === 'downloading';
  const summary: TorrentSummary = {
    id: s.id,
    name: s.name,
    state: s.state,
    progress: wanted > 0 ? wantedVerified / wanted : selection ? 1 : 0,
    totalBytes: total,
    verifiedBytes: s.verifiedBytes,
    downloadedBytes: s.downloadedBytes,
    uploadedBytes: s.uploadedBytes,
    downRateBps: rates.down,
    upRateBps: rates.up,
    peers,
    seeds,
    etaSec: active && left > 0 && rates.down > 0 ? Math.ceil(left / rates.down) : null,
    ratio: s.uploadedBytes / Math.max(s.verifiedBytes, 1),
    savePath: s.savePath,
    addedAt: s.addedAtMs,
    completedAt: s.completedAtMs,
  };
  if (s.contentPath !== undefined) summary.contentPath = s.contentPath;
  if (selection) summary.selectedBytes = selection.selectedBytes;
  if (s.error) summary.error = s.error;
  if (s.resumedPieces > 0) summary.resumedPieces = s.resumedPieces;
  if (s.unlisted) summary.unlisted = true;
  return summary;
}

/** The torrent's files as the user sees them: BEP 47 padding files are not listed. */
export function buildFiles(
  m: Metainfo,
  have: Bitfield,
  filePriorities: Uint8Array | null = null,
): FileDetail[] {
  return m.files.flatMap((file, i) => {
    if (file.padding) return [];
    const range = pieceRangeOfFile(m, i);
    let verifiedBytes = 0;
    if (range) {
      for (let p = range.firstPiece; p <= range.lastPiece; p++) {
        if (!have.get(p)) continue;
        const start = Math.max(p * m.pieceLengthBytes, file.offsetBytes);
        const end = Math.min((p + 1) * m.pieceLengthBytes, file.offsetBytes + file.lengthBytes);
        verifiedBytes += end - start;
      }
    }
    const detail: FileDetail = {
      index: i,
      path: file.path,
      priority: priorityName(filePriorities?.[i] ?? 1),
      lengthBytes: file.lengthBytes,
      verifiedBytes,
      progress: file.lengthBytes > 0 ? verifiedBytes / file.lengthBytes : 1,
    };
    if (file.hidden) detail.hidden = true;
    if (file.executable) detail.executable = true;
    return [detail];
  });
}

export function buildPeers(s: SnapshotSource): PeerDetail[] {
  const out: PeerDetail[] = [];
  for (const p of s.peers) {
    const c = p.conn;
    out.push({
      index: p.index,
      address: p.address,
      client: p.client,
      peerIdHex: c.remotePeerId ? Buffer.from(c.remotePeerId).toString('hex') : '',
      downRateBps: Math.round(c.downloadRate.bytesPerSecond()),
      upRateBps: Math.round(c.uploadRate.bytesPerSecond()),
      downloadedBytes: p.downloadedBytes,
      uploadedBytes: p.uploadedBytes,
      progress: p.haves.progress(),
      requestsInFlight: s.outstanding(p),
      flags: {
        amChoking: c.amChoking,
        peerChoking: c.peerChoking,
        amInterested: c.amInterested,
        peerInterested: c.peerInterested,
        snubbed: s.snubbed(p),
        incoming: c.direction === 'incoming',
        encrypted: c.encryption === 'rc4',
        utp: c.transport === 'utp',
        optimistic: p.optimistic,
      },
    });
  }
  return out;
}

export function buildTrackers(statuses: AnnounceStatus[]): TrackerDetail[] {
  return statuses.map((t) => ({
    url: t.url,
    tier: t.tier,
    status: t.state,
    lastAnnounceAt: t.lastAnnounceAt,
    nextAnnounceAt: t.nextAnnounceAt,
    lastError: t.lastError ? `${t.lastError.code}: ${t.lastError.message}` : null,
    seeders: t.seeders,
    leechers: t.leechers,
  }));
}

export function buildDetail(s: SnapshotSource): EngineTorrentDetail {
  const m = s.metainfo;
  const pieceCount = m?.pieceCount ?? 0;
  const have = s.have ?? new Bitfield(pieceCount);
  const downloading = s.downloading() ?? new Bitfield(pieceCount);
  const detail: EngineTorrentDetail = {
    summary: buildSummary(s),
    infoHashHex: s.id,
    magnet: s.magnet(),
    pieceLengthBytes: m?.pieceLengthBytes ?? 0,
    pieces: {
      pieceCount,
      haveBase64: have.toBase64(),
      downloadingBase64: downloading.toBase64(),
      ...s.pieceSources.snapshot(),
    },
    files: m ? buildFiles(m, have, s.filePriorities) : [],
    peers: buildPeers(s),
    trackers: buildTrackers(s.trackers),
    private: m?.private ?? false,
  };
  if (m?.comment) detail.comment = m.comment;
  if (m?.createdBy) detail.createdBy = m.createdBy;
  return detail;
}

/** Bytes of the verified pieces (the last piece is short). */
export function verifiedBytesOf(m: Metainfo | null, have: Bitfield | null): number {
  if (!m || !have) return 0;
  let bytes = have.count() * m.pieceLengthBytes;
  const lastPieceBytes = m.totalLengthBytes - (m.pieceCount - 1) * m.pieceLengthBytes;
  if (have.get(m.pieceCount - 1)) bytes -= m.pieceLengthBytes - lastPieceBytes;
  return bytes;
}
