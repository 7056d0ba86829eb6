/**
 * Piece-sized buffers for pieces being assembled in memory, recycled: at hundreds of
 * MB/s, a fresh buffer per piece makes the garbage collector the bottleneck.
 *
 * The buffers live on SharedArrayBuffers, so the hash worker reads the assembled piece
 * where it is (HashPool never copies a shared view) and the same bytes then go to disk:
 * one copy on the whole receive path (socket buffer → piece buffer).
 */
export class PieceBufferPool {
  private readonly free: Uint8Array[] = [];
  /** Buffers handed out and not yet released. */
  inUse = 0;
  /** Buffers ever allocated (a measure of how well the pool recycles). */
  allocated = 0;

  private readonly maxFree: number;

  /** Keeps up to `maxFreeBytes` of idle buffers (at least two). */
  constructor(
    private readonly pieceLengthBytes: number,
    maxFreeBytes = 16 * 1024 * 1024,
  ) {
    this.maxFree = Math.max(2, Math.floor(maxFreeBytes / pieceLengthBytes));
  }

  get inUseBytes(): number {
    return this.inUse * this.pieceLengthBytes;
  }

  acquire(lengthBytes: number): Uint8Array {
    this.inUse++;
    if (lengthBytes === this.pieceLengthBytes) {
      const reused = this.free.pop();
      if (reused) return reused;
    }
    this.allocated++;
    return new Uint8Array(new SharedArrayBuffer(lengthBytes));
  }

  release(buffer: Uint8Array): void {
    this.inUse--;
    if (buffer.length === this.pieceLengthBytes && this.free.length < this.maxFree) this.free.push(buffer);
  }

  clear(): void {
    this.free.length = 0;
  }
}
