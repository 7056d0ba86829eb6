/**
 * Change detection on restart: a file whose size or mtime differs from the resume record
 * may have been edited, truncated or replaced while we were not running, so its pieces
 * are re-checked instead of trusted. Cheap by design: stat only, no hashing.
 */
import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import { pieceRangeOfFile, type PieceGeometry } from '../storage/piece-layout.ts';
import type { ExistingFile, FileStamp } from '../storage/storage.ts';

/** Indices of files whose size or mtime changed; every file when the counts differ. */
export function changedFiles(saved: readonly FileStamp[], existing: readonly ExistingFile[]): number[] {
  if (saved.length !== existing.length) return existing.map((_, i) => i);
  const changed: number[] = [];
  existing.forEach((now, i) => {
    const then = saved[i]!;
    // A missing file reads as size 0, mtime 0 (ExistingFile), so "missing then and now" is unchanged.
    if (now.sizeBytes !== then.sizeBytes || now.mtimeMs !== then.mtimeMs) changed.push(i);
  });
  return changed;
}

/**
 * The verified pieces still to be trusted: `verified` minus every piece touching a changed
 * file (a piece spanning a changed and an unchanged file is re-checked too).
 */
export function trustedPieces(
  geometry: PieceGeometry,
  verified: Bitfield,
  saved: readonly FileStamp[],
  existing: readonly ExistingFile[],
): Bitfield {
  // A bitfield of another length belongs to other metadata: trust nothing.
  if (verified.length !== geometry.pieceCount) return new Bitfield(geometry.pieceCount);
  const trusted = verified.clone();
  for (const fileIndex of changedFiles(saved, existing)) {
    const range = fileIndex < geometry.files.length ? pieceRangeOfFile(geometry, fileIndex) : null;
    if (!range) continue;
    for (let piece = range.firstPiece; piece <= range.lastPiece; piece++) trusted.set(piece, false);
  }
  return trusted;
}

/** The stamps to save in a resume record. */
export const fileStamps = (existing: readonly ExistingFile[]): FileStamp[] =>
  existing.map(({ sizeBytes, mtimeMs }) => ({ sizeBytes, mtimeMs }));
