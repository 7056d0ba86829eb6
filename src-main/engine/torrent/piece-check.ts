import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import type { Metainfo } from '../../protocol/metainfo/metainfo-types.ts';
import type { ResumeRecord } from '../resume/resume-record.ts';
import { changedFiles, fileStamps, trustedPieces } from '../resume/file-change.ts';
import { pieceRangeOfFile } from '../storage/piece-layout.ts';
import type { ExistingFile, FileStamp, Storage } from '../storage/storage.ts';
import type { HashPool } from '../workers/hash-pool.ts';
import { hashMatches } from './piece-verifier.ts';

export interface PieceCheckOptions {
  metainfo: Metainfo;
  storage: Storage;
  hashPool: HashPool;
  /** Resume data from an earlier run, if any. */
  record?: ResumeRecord;
  /** Re-hash everything on disk (user asked for a recheck). */
  full: boolean;
  onProgress?(checkedPieces: number, toCheck: number): void;
  /** Checked between pieces: stop early (pause/remove). */
  isCancelled?(): boolean;
  /** Pieces hashed at once. Default 4. */
  concurrency?: number;
  /** Told how many pieces were taken from `record` without hashing them. */
  onResumed?(pieces: number): void;
}

/**
 * Which pieces are on disk and good when a torrent starts. Resume data is trusted for
 * files whose size and mtime are unchanged (no payload hashing on a normal restart);
 * pieces touching a changed file, or everything when there is no resume data but files
 * exist, are hashed (BEP 3 SHA-1 per piece). Files that are missing or short contribute
 * no pieces without reading them.
 */
export async function checkPieces(o: PieceCheckOptions): Promise<Bitfield> {
  const m = o.metainfo;
  const existing = await o.storage.existingFiles();
  const have = new Bitfield(m.pieceCount);
  const toCheck: number[] = [];
  if (o.record && !o.full && o.record.pieceCount === m.pieceCount) {
    const verified = Bitfield.fromBase64(m.pieceCount, o.record.verifiedPieces);
    const trusted = trustedPieces(m, verified, o.record.files, existing);
    for (let p = 0; p < m.pieceCount; p++) if (trusted.get(p)) have.set(p);
    o.onResumed?.(have.count());
    // A changed file (edited behind our back, or written after the last save before a
    // crash) is re-hashed whole: pieces verified after that save are found again.
    const queued = new Set<number>();
    for (const fileIndex of changedFiles(o.record.files, existing)) {
      const range = fileIndex < m.files.length ? pieceRangeOfFile(m, fileIndex) : null;
      for (let p = range?.firstPiece ?? 0; range && p <= range.lastPiece; p++) {
        if (!have.get(p) && !queued.has(p)) {
          queued.add(p);
          toCheck.push(p);
        }
      }
    }
  } else {
    const readable = readablePieces(m, existing);
    for (let p = 0; p < m.pieceCount; p++) if (readable.get(p)) toCheck.push(p);
  }
  const readable = readablePieces(m, existing);
  const candidates = toCheck.filter((p) => readable.get(p));
  await hashSome(o, candidates, have);
  return have;
}

/** Pieces whose every byte lies in a file that exists at (at least) its full length. */
function readablePieces(m: Metainfo, existing: readonly ExistingFile[]): Bitfield {
  const ok = Bitfield.full(m.pieceCount);
  m.files.forEach((file, i) => {
    const found = existing[i];
    if (found && found.exists && found.sizeBytes >= file.lengthBytes) return;
    const range = pieceRangeOfFile(m, i);
    if (!range) return;
    for (let p = range.firstPiece; p <= range.lastPiece; p++) ok.set(p, false);
  });
  return ok;
}

async function hashSome(o: PieceCheckOptions, pieces: number[], have: Bitfield): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < pieces.length && !o.isCancelled?.()) {
      const p = pieces[next++]!;
      try {
        const data = await o.storage.readPiece(p);
        const digest = await o.hashPool.sha1(data, { transfer: true });
        if (hashMatches(o.metainfo.pieceHashes, p, digest)) have.set(p);
      } catch {
        // Unreadable counts as missing: it will be downloaded (and written) again.
      }
      o.onProgress?.(++done, pieces.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 4, pieces.length) }, worker));
}

/** A full re-hash of what is on disk now, with the stamps to save beside it; closes `storage`. */
export async function checkStoredPieces(
  metainfo: Metainfo,
  storage: Storage,
  hashPool: HashPool,
): Promise<{ have: Bitfield; stamps: FileStamp[] }> {
  try {
    const have = await checkPieces({ metainfo, storage, hashPool, full: true });
    return { have, stamps: fileStamps(await storage.existingFiles()) };
  } finally {
    await storage.close();
  }
}
