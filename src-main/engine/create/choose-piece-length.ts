// Piece length for a new torrent. Fewer, bigger pieces mean a smaller .torrent and less
// bookkeeping; more, smaller pieces mean finer-grained sharing and cheaper re-downloads
// after a hash failure. ~1000–2000 pieces is the usual compromise (libtorrent and
// Transmission aim for the same range), clamped to 16 KiB (one BEP 3 block) … 16 MiB.
import { ProtocolError } from '../../protocol/protocol-error.ts';
import { MAX_PIECE_LENGTH_BYTES, MIN_PIECE_LENGTH_BYTES } from '../../protocol/metainfo/metainfo-types.ts';

export const MAX_AUTO_PIECE_LENGTH_BYTES = 16 * 1024 * 1024;
const TARGET_MAX_PIECES = 2000;

/** The smallest power of two ≥ 16 KiB giving at most 2000 pieces (so over 1000 unless clamped). */
export function choosePieceLength(totalBytes: number): number {
  let pieceLength = MIN_PIECE_LENGTH_BYTES;
  while (pieceLength < MAX_AUTO_PIECE_LENGTH_BYTES && totalBytes / pieceLength > TARGET_MAX_PIECES)
    pieceLength *= 2;
  return pieceLength;
}

/** Checks a user-chosen piece length: a power of two between 16 KiB and 64 MiB. */
export function validatePieceLength(pieceLengthBytes: number): number {
  if (
    !Number.isSafeInteger(pieceLengthBytes) ||
    pieceLengthBytes < MIN_PIECE_LENGTH_BYTES ||
    pieceLengthBytes > MAX_PIECE_LENGTH_BYTES ||
    (pieceLengthBytes & (pieceLengthBytes - 1)) !== 0
  ) {
    throw new ProtocolError(
      'bad-value',
      `piece length ${pieceLengthBytes} must be a power of two from 16 KiB (16384) to 64 MiB`,
    );
  }
  return pieceLengthBytes;
}
