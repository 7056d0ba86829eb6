// Cuts a torrent's payload (its files concatenated in order, BEP 3) into batches of whole
// pieces and lists the file spans each batch is made of, so that a hash worker can read and
// hash a batch by itself (HashPool.sha1FilePieces). A piece may span several files; empty
// files contribute no span. Planning is a cursor over the file list: O(files + batches).
import type { PathSpan } from '../workers/hash-pool.ts';

export interface PlannedFile {
  absolutePath: string;
  lengthBytes: number;
}

export interface PieceBatch {
  /** Index of the batch's first piece. */
  firstPiece: number;
  /** Sum of the spans' lengths: piecesPerBatch · pieceLength, or less for the last batch. */
  lengthBytes: number;
  spans: PathSpan[];
}

export interface PlanOptions {
  /**
   * Shrink batches near the end to at most 1/taper of the bytes still unplanned (never below
   * one piece), so that the threads hashing them finish together instead of one thread
   * hashing a last full batch while the others wait. Default: no tapering.
   */
  taper?: number;
}

/**
 * Batches of ⌊batchTargetBytes / pieceLengthBytes⌋ pieces (at least one; fewer once tapering),
 * in payload order.
 */
export function* planPieceBatches(
  files: readonly PlannedFile[],
  pieceLengthBytes: number,
  batchTargetBytes: number,
  options: PlanOptions = {},
): Generator<PieceBatch> {
  const maxPieces = Math.max(1, Math.floor(batchTargetBytes / pieceLengthBytes));
  const taper = options.taper ?? 0;
  let remainingBytes = files.reduce((sum, f) => sum + f.lengthBytes, 0);
  let fileIndex = 0;
  let offsetInFile = 0;
  for (let firstPiece = 0; ;) {
    const tapered = taper > 0 ? Math.floor(remainingBytes / (taper * pieceLengthBytes)) : maxPieces;
    const pieces = Math.max(1, Math.min(maxPieces, tapered));
    const batchBytes = pieces * pieceLengthBytes;
    const spans: PathSpan[] = [];
    let lengthBytes = 0;
    for (let file = files[fileIndex]; file && lengthBytes < batchBytes; file = files[fileIndex]) {
      const take = Math.min(file.lengthBytes - offsetInFile, batchBytes - lengthBytes);
      if (take > 0) spans.push({ path: file.absolutePath, offsetBytes: offsetInFile, lengthBytes: take });
      lengthBytes += take;
      offsetInFile += take;
      if (offsetInFile === file.lengthBytes) {
        fileIndex++;
        offsetInFile = 0;
      }
    }
    if (lengthBytes === 0) return;
    yield { firstPiece, lengthBytes, spans };
    firstPiece += pieces;
    remainingBytes -= lengthBytes;
  }
}
