import { createHash } from 'node:crypto';
import { MAX_METADATA_BYTES, METADATA_PIECE_BYTES } from '../../protocol/wire/ut-metadata.ts';

export type MetadataPieceResult = 'stored' | 'ignored' | 'complete' | 'mismatch';

/**
 * Collects the info dictionary from `ut_metadata` data messages (BEP 9) and checks it
 * against the info-hash once every piece is in. The size comes from the first peer's
 * extension handshake (`metadata_size`); a mismatching hash discards everything, so the
 * next attempt starts clean (possibly with another peer's size).
 */
export class MetadataAssembly {
  private buffer: Uint8Array | null = null;
  private received: boolean[] = [];

  constructor(private readonly infoHash: Uint8Array) {}

  get sizeBytes(): number {
    return this.buffer?.length ?? 0;
  }

  get pieceCount(): number {
    return this.received.length;
  }

  /** Adopts a size announced by a peer; false when the size is implausible. */
  setSize(sizeBytes: number): boolean {
    if (this.buffer) return this.buffer.length === sizeBytes;
    if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0 || sizeBytes > MAX_METADATA_BYTES) return false;
    this.buffer = new Uint8Array(sizeBytes);
    const count = Math.ceil(sizeBytes / METADATA_PIECE_BYTES);
    this.received = new Array<boolean>(count).fill(false);
    return true;
  }

  /** Piece `piece` has arrived. */
  has(piece: number): boolean {
    return this.received[piece] === true;
  }

  onPiece(piece: number, data: Uint8Array): MetadataPieceResult {
    const buffer = this.buffer;
    if (!buffer || piece < 0 || piece >= this.received.length || this.received[piece]) return 'ignored';
    const offset = piece * METADATA_PIECE_BYTES;
    const expected = Math.min(METADATA_PIECE_BYTES, buffer.length - offset);
    if (data.length !== expected) return 'ignored';
    buffer.set(data, offset);
    this.received[piece] = true;
    if (!this.received.every(Boolean)) return 'stored';
    const digest = createHash('sha1').update(buffer).digest();
    if (Buffer.compare(digest, this.infoHash) === 0) return 'complete';
    this.reset();
    return 'mismatch';
  }

  /** The verified info dictionary (only after `onPiece` returned 'complete'). */
  infoBytes(): Uint8Array {
    if (!this.buffer || !this.received.every(Boolean)) throw new Error('metadata incomplete');
    return this.buffer;
  }

  reset(): void {
    this.buffer = null;
    this.received = [];
  }
}
