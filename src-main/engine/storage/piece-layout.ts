/**
 * Pure mapping between the torrent's concatenated payload and its files (BEP 3: pieces
 * are cut from the files laid end to end in info-dict order, so one piece may cover the
 * tail of one file, several whole small files and the head of another).
 */
import { StorageError, type StorageLayout } from './storage.ts';

export type PieceGeometry = Pick<
  StorageLayout,
  'files' | 'pieceLengthBytes' | 'pieceCount' | 'totalLengthBytes'
>;

/** A run of bytes inside one file. */
export interface FileSpan {
  fileIndex: number;
  /** Where the run starts inside the file. */
  fileOffsetBytes: number;
  lengthBytes: number;
  /** Where the run starts inside the caller's buffer (the piece or block). */
  bufferOffsetBytes: number;
}

/** Length of piece `index` (the last one is short unless the total divides evenly). */
export function pieceLengthOf(geometry: PieceGeometry, index: number): number {
  checkPieceIndex(geometry, index);
  const start = index * geometry.pieceLengthBytes;
  return Math.min(geometry.pieceLengthBytes, geometry.totalLengthBytes - start);
}

export function checkPieceIndex(geometry: PieceGeometry, index: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= geometry.pieceCount) {
    throw new StorageError('out-of-range', `piece ${index} outside 0..${geometry.pieceCount - 1}`);
  }
}

/**
 * The file spans covering `lengthBytes` bytes from `offsetBytes` inside piece `index`, in
 * payload order. Zero-length files never appear. Throws `out-of-range` for a bad index or
 * a range that leaves the piece.
 */
export function pieceSpans(
  geometry: PieceGeometry,
  index: number,
  offsetBytes: number,
  lengthBytes: number,
): FileSpan[] {
  const pieceLength = pieceLengthOf(geometry, index);
  if (
    !Number.isSafeInteger(offsetBytes) ||
    !Number.isSafeInteger(lengthBytes) ||
    offsetBytes < 0 ||
    lengthBytes < 0 ||
    offsetBytes + lengthBytes > pieceLength
  ) {
    throw new StorageError(
      'out-of-range',
      `range ${offsetBytes}+${lengthBytes} outside piece ${index} of ${pieceLength} bytes`,
    );
  }
  return payloadSpans(geometry.files, index * geometry.pieceLengthBytes + offsetBytes, lengthBytes);
}

/** The file spans covering payload bytes [startBytes, startBytes + lengthBytes). */
export function payloadSpans(
  files: PieceGeometry['files'],
  startBytes: number,
  lengthBytes: number,
): FileSpan[] {
  const spans: FileSpan[] = [];
  if (lengthBytes === 0) return spans;
  const endBytes = startBytes + lengthBytes;
  for (let i = firstFileAtOrAfter(files, startBytes); i < files.length; i++) {
    const file = files[i]!;
    if (file.offsetBytes >= endBytes) break;
    if (file.lengthBytes === 0) continue;
    const from = Math.max(startBytes, file.offsetBytes);
    const to = Math.min(endBytes, file.offsetBytes + file.lengthBytes);
    if (to <= from) continue;
    spans.push({
      fileIndex: i,
      fileOffsetBytes: from - file.offsetBytes,
      lengthBytes: to - from,
      bufferOffsetBytes: from - startBytes,
    });
  }
  return spans;
}

/** Index of the first file whose end lies past `offsetBytes` (binary search; files are in payload order). */
function firstFileAtOrAfter(files: PieceGeometry['files'], offsetBytes: number): number {
  let lo = 0;
  let hi = files.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const file = files[mid]!;
    if (file.offsetBytes + file.lengthBytes <= offsetBytes) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * First and last piece touching file `fileIndex` (inclusive), or null for a zero-length
 * file. The engine re-checks exactly these pieces when a file changed on disk.
 */
export function pieceRangeOfFile(
  geometry: PieceGeometry,
  fileIndex: number,
): { firstPiece: number; lastPiece: number } | null {
  const file = geometry.files[fileIndex];
  if (!file)
    throw new StorageError('out-of-range', `file ${fileIndex} outside 0..${geometry.files.length - 1}`);
  if (file.lengthBytes === 0) return null;
  return {
    firstPiece: Math.floor(file.offsetBytes / geometry.pieceLengthBytes),
    lastPiece: Math.floor((file.offsetBytes + file.lengthBytes - 1) / geometry.pieceLengthBytes),
  };
}

/**
 * Path components of file `fileIndex` below savePath: `[name, ...path]` for a multi-file
 * torrent (its folder), `[name]` for a single-file one (BEP 3 info dict `name`).
 */
export function relativePathOf(
  layout: Pick<StorageLayout, 'name' | 'multiFile' | 'files'>,
  fileIndex: number,
): string[] {
  const file = layout.files[fileIndex];
  if (!file)
    throw new StorageError('out-of-range', `file ${fileIndex} outside 0..${layout.files.length - 1}`);
  return layout.multiFile ? [layout.name, ...file.path] : [layout.name];
}
