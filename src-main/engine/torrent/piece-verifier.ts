import type { HashPool } from '../workers/hash-pool.ts';
import type { Storage } from '../storage/storage.ts';

export interface PieceVerifierOptions {
  hashPool: HashPool;
  storage: Storage;
  /** 20 bytes per piece (BEP 3 `pieces`). */
  pieceHashes: Uint8Array;
  /** The piece hashed right and is on disk. */
  onVerified(piece: number): void;
  /** The piece's SHA-1 did not match: re-fetch, blame its senders. */
  onFailed(piece: number): void;
  /** Writing failed (disk full, permissions…): the torrent goes to its error state. */
  onError(err: unknown, piece: number): void;
  /** Called after every settled job, so the downloader can resume requesting. */
  onSettled(): void;
  /** Called as a write of `piece` starts and once it has settled (its files' stamps move). */
  onWrite?(piece: number): void;
}

/**
 * Verifies assembled pieces off the main thread (HashPool) and writes them to storage
 * (BEP 3: a piece is only announced with HAVE after its SHA-1 matched). `pendingBytes`
 * lets the downloader stop requesting while hashing or the disk falls behind, which is
 * what keeps memory bounded at any transfer rate.
 */
export class PieceVerifier {
  pendingBytes = 0;
  pendingCount = 0;
  private closed = false;
  private readonly jobs = new Set<Promise<void>>();

  constructor(private readonly options: PieceVerifierOptions) {}

  /** `data` must stay untouched until `release` is called with it. */
  submit(piece: number, data: Uint8Array, release: (data: Uint8Array) => void): void {
    this.pendingBytes += data.length;
    this.pendingCount++;
    const job: Promise<void> = this.run(piece, data).finally(() => {
      this.jobs.delete(job);
      this.pendingBytes -= data.length;
      this.pendingCount--;
      release(data);
      if (!this.closed) this.options.onSettled();
    });
    this.jobs.add(job);
  }

  /** Resolves when every submitted piece has been hashed and written (or failed). */
  async drain(): Promise<void> {
    while (this.jobs.size > 0) await Promise.allSettled([...this.jobs]);
  }

  private async run(piece: number, data: Uint8Array): Promise<void> {
    const o = this.options;
    // Hashing and writing run side by side on the same bytes (the worker reads the shared
    // buffer, the disk write reads it too), so a piece holds its buffer half as long.
    // Bytes of a piece that then fails are on disk but never marked verified: the piece is
    // downloaded again and overwrites them (libtorrent does the same).
    o.onWrite?.(piece);
    const [hashed, written] = await Promise.allSettled([
      o.hashPool.sha1(data),
      o.storage.writePiece(piece, data),
    ]);
    o.onWrite?.(piece);
    if (this.closed) return;
    if (hashed.status === 'rejected') return o.onError(hashed.reason, piece);
    if (!hashMatches(o.pieceHashes, piece, hashed.value)) return o.onFailed(piece);
    if (written.status === 'rejected') return o.onError(written.reason, piece);
    o.onVerified(piece);
  }

  /** Drops results still to come (their buffers are still released). */
  close(): void {
    this.closed = true;
  }
}

export function hashMatches(pieceHashes: Uint8Array, piece: number, digest: Uint8Array): boolean {
  const base = piece * 20;
  if (digest.length !== 20 || base + 20 > pieceHashes.length) return false;
  for (let i = 0; i < 20; i++) if (pieceHashes[base + i] !== digest[i]) return false;
  return true;
}
