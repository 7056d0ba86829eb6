import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import type { ResumeRecord } from '../resume/resume-record.ts';
import type { SourceRoot } from '../storage/source-roots.ts';
import type { FileStamp } from '../storage/storage.ts';

export interface ResumeInput {
  id: string;
  name: string;
  savePath: string;
  /** Shared from several paths (ResumeRecord.roots); null for every other torrent. */
  roots: readonly SourceRoot[] | null;
  addedAtMs: number;
  paused: boolean;
  /** 0 while a magnet has no metadata. */
  pieceCount: number;
  /** Verified pieces; null = none known. */
  have: Bitfield | null;
  /** Size and mtime of each file when `have` was taken (resume/file-change.ts). */
  files: FileStamp[];
  uploadedBytes: number;
  downloadedBytes: number;
  completedAtMs: number | null;
  /** Announce tiers as the torrent uses them (BEP 12), kept across restarts. */
  trackers: string[][];
  /** Pieces held because their file changed on disk (ResumeRecord.heldPieces); null = none. */
  held: Bitfield | null;
  /** Kept out of the LAN catalog (ResumeRecord.unlisted). */
  unlisted: boolean;
  /** Per metainfo file PRIORITY_*; null = metadata unknown (every file normal). */
  filePriorities: Uint8Array | null;
}

/** The resume record (current version) for a torrent's state. */
export function buildResumeRecord(t: ResumeInput): ResumeRecord {
  const have = t.have && t.have.length === t.pieceCount ? t.have : new Bitfield(t.pieceCount);
  const record: ResumeRecord = {
    version: 3,
    infoHashHex: t.id,
    name: t.name,
    savePath: t.savePath,
    addedAtMs: t.addedAtMs,
    state: t.paused ? 'paused' : 'active',
    verifiedPieces: have.toBase64(),
    pieceCount: t.pieceCount,
    files: t.files,
    uploadedBytes: t.uploadedBytes,
    downloadedBytes: t.downloadedBytes,
    trackers: t.trackers.filter((tier) => tier.length > 0).map((tier) => [...tier]),
  };
  if (t.roots && t.roots.length > 0) record.roots = t.roots.map((r) => ({ name: r.name, path: r.path }));
  if (t.completedAtMs !== null) record.completedAtMs = t.completedAtMs;
  // Kept only when some file is not plain normal, so records of whole downloads stay as they were.
  if (t.filePriorities && t.filePriorities.some((p) => p !== 1))
    record.filePriorities = [...t.filePriorities];
  if (t.held && t.held.length === t.pieceCount && t.held.count() > 0) record.heldPieces = t.held.toBase64();
  if (t.unlisted) record.unlisted = true;
  return record;
}

/**
 * The record as comparable text: equal for equal records whatever their key order (a
 * record read back from disk comes out of the schema in another order than one built
 * here), so a save can be skipped when nothing in it changed.
 */
export function resumeRecordKey(record: ResumeRecord): string {
  return JSON.stringify(record, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}
