/**
 * Piece and block sizes of one torrent (BEP 3: every piece has `piece length` bytes except
 * the last, which holds the remainder; requests are for blocks of 16 KiB, the last block
 * of a piece may be shorter).
 */
export const DEFAULT_BLOCK_LENGTH_BYTES = 16 * 1024;

export interface PieceGeometryOptions {
  pieceCount: number;
  pieceLengthBytes: number;
  totalLengthBytes: number;
  blockLengthBytes?: number;
}

export class PieceGeometry {
  readonly pieceCount: number;
  readonly pieceLengthBytes: number;
  readonly totalLengthBytes: number;
  readonly blockLengthBytes: number;
  readonly lastPieceLengthBytes: number;
  /** Blocks in every piece but (perhaps) the last. */
  readonly blocksPerPiece: number;
  readonly lastPieceBlockCount: number;

  constructor(o: PieceGeometryOptions) {
    const blockLengthBytes = o.blockLengthBytes ?? DEFAULT_BLOCK_LENGTH_BYTES;
    if (!Number.isSafeInteger(o.pieceCount) || o.pieceCount < 0) throw new RangeError('bad pieceCount');
    if (!Number.isSafeInteger(o.pieceLengthBytes) || o.pieceLengthBytes <= 0) {
      throw new RangeError('bad pieceLengthBytes');
    }
    if (!Number.isSafeInteger(blockLengthBytes) || blockLengthBytes <= 0) {
      throw new RangeError('bad blockLengthBytes');
    }
    const lastPieceLengthBytes =
      o.pieceCount === 0 ? 0 : o.totalLengthBytes - (o.pieceCount - 1) * o.pieceLengthBytes;
    if (
      !Number.isSafeInteger(o.totalLengthBytes) ||
      (o.pieceCount === 0 ? o.totalLengthBytes !== 0 : lastPieceLengthBytes <= 0) ||
      lastPieceLengthBytes > o.pieceLengthBytes
    ) {
      throw new RangeError(
        `total ${o.totalLengthBytes} B does not fit ${o.pieceCount} pieces of ${o.pieceLengthBytes} B`,
      );
    }
    this.pieceCount = o.pieceCount;
    this.pieceLengthBytes = o.pieceLengthBytes;
    this.totalLengthBytes = o.totalLengthBytes;
    this.blockLengthBytes = blockLengthBytes;
    this.lastPieceLengthBytes = lastPieceLengthBytes;
    this.blocksPerPiece = Math.ceil(o.pieceLengthBytes / blockLengthBytes);
    this.lastPieceBlockCount = Math.ceil(lastPieceLengthBytes / blockLengthBytes);
  }

  pieceLength(pieceIndex: number): number {
    return pieceIndex === this.pieceCount - 1 ? this.lastPieceLengthBytes : this.pieceLengthBytes;
  }

  blockCount(pieceIndex: number): number {
    return pieceIndex === this.pieceCount - 1 ? this.lastPieceBlockCount : this.blocksPerPiece;
  }

  blockLength(pieceIndex: number, blockIndex: number): number {
    const rest = this.pieceLength(pieceIndex) - blockIndex * this.blockLengthBytes;
    return rest < this.blockLengthBytes ? rest : this.blockLengthBytes;
  }

  /** Block index of a byte offset, or -1 when the offset is not a block boundary inside the piece. */
  blockIndexOf(pieceIndex: number, offsetBytes: number): number {
    if (pieceIndex < 0 || pieceIndex >= this.pieceCount || !Number.isInteger(pieceIndex)) return -1;
    if (offsetBytes < 0 || offsetBytes % this.blockLengthBytes !== 0) return -1;
    const b = offsetBytes / this.blockLengthBytes;
    return b < this.blockCount(pieceIndex) ? b : -1;
  }
}
