import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import { pieceRangeOfFile } from '../storage/piece-layout.ts';
import type { ChangeStamp, ExistingFile, Storage, StorageLayout } from '../storage/storage.ts';
import type { HashPool } from '../workers/hash-pool.ts';
import { hashMatches } from './piece-verifier.ts';

export interface DiskChangeGuardOptions {
  storage: Storage;
  layout: StorageLayout;
  /** 20 bytes per piece (BEP 3 `pieces`). */
  pieceHashes: Uint8Array;
  hashPool: Pick<HashPool, 'sha1'>;
  have(piece: number): boolean;
  now(): number;
  /** A file is stat'ed again before serving once its last stat is this old. Default 100 ms. */
  statIntervalMs?: number;
  /** Re-hashes in flight while sweeping a changed file. Default 2. */
  sweepConcurrency?: number;
  /** `piece` no longer matches its hash: stop announcing and serving it. */
  onPieceLost(piece: number): void;
  /** File `fileIndex` is gone or shorter than the torrent says: nothing of it can be served. */
  onFileMissing(fileIndex: number, stamp: ChangeStamp | null): void;
  /** Every piece of changed file `fileIndex` has been re-hashed; `lost` of them no longer match. */
  onFileChecked(fileIndex: number, lost: number): void;
}

/**
 * Notices payload files that change on disk while we serve them (see NOTES.md in this
 * folder for the choice and its measured cost). Before a piece is served, the files under
 * it are stat'ed (at most every `statIntervalMs` each); when size, mtime or ctime moved
 * since the pieces were verified, every piece of that file must hash right again before
 * it is served: the one being asked for at once, the rest by a background sweep. Pieces
 * that no longer match are reported lost; a file that shrank or vanished is reported
 * missing (the torrent cannot go on seeding it).
 *
 * Our own writes (a download in progress) also move the stamps: a file we wrote to since
 * its last stat has its new stamp adopted without a re-hash.
 */
export class DiskChangeGuard {
  private readonly o: DiskChangeGuardOptions;
  private readonly statIntervalMs: number;
  private readonly stamps: (ChangeStamp | null)[];
  private readonly checkedAtMs: Float64Array;
  /** Per file: bumped when a change is seen, so a hash started before it is not trusted. */
  private readonly epoch: Uint32Array;
  /** Files we wrote to since their last stat. */
  private readonly ownWrites: Uint8Array;
  /** Files already reported missing (reported once). */
  private readonly missing: Uint8Array;
  /** Pieces that must hash right before they are served again. */
  private readonly unverified: Bitfield;
  private unverifiedCount = 0;
  private readonly hashing = new Map<number, Promise<boolean>>();
  private readonly sweeps = new Map<number, Sweep>();
  /** Round-robin position of `checkSome`. */
  private nextFile = 0;
  private firstFile = 0;
  private lastFile = 0;
  private closed = false;

  constructor(o: DiskChangeGuardOptions) {
    this.o = o;
    this.statIntervalMs = o.statIntervalMs ?? 100;
    const n = o.layout.files.length;
    this.stamps = new Array<ChangeStamp | null>(n).fill(null);
    this.checkedAtMs = new Float64Array(n).fill(-Infinity);
    this.epoch = new Uint32Array(n);
    this.ownWrites = new Uint8Array(n);
    this.missing = new Uint8Array(n);
    this.unverified = new Bitfield(o.layout.pieceCount);
  }

  /** Works only over storage that can stat synchronously (file storage). */
  static supported(storage: Storage): boolean {
    return typeof storage.changeStampSync === 'function';
  }

  /** The stamps the verified pieces were checked against (taken when the transfer opened). */
  baseline(existing: readonly ExistingFile[]): void {
    const nowMs = this.o.now();
    existing.forEach((f, i) => {
      if (i >= this.stamps.length) return;
      const file = this.o.layout.files[i]!;
      if (!f.exists || f.sizeBytes < file.lengthBytes) {
        // Already short (cut between hashing and now, e.g. right after a share was made):
        // no stamp can match, so the first check reports it if we claim pieces of it.
        this.stamps[i] = NO_STAMP;
        this.checkedAtMs[i] = -Infinity;
        return;
      }
      this.stamps[i] = { sizeBytes: f.sizeBytes, mtimeMs: f.mtimeMs, ctimeMs: f.ctimeMs };
      this.checkedAtMs[i] = nowMs;
    });
  }

  /**
   * May `piece` be served? true at once when its files are unchanged (the upload fast path:
   * no allocation, at most a stat); a promise when it must be re-hashed first; false when
   * we do not have it (any more).
   */
  servable(piece: number): boolean | Promise<boolean> {
    if (this.closed || !this.o.have(piece)) return false;
    const nowMs = this.o.now();
    this.filesOf(piece);
    const first = this.firstFile;
    const last = this.lastFile;
    for (let f = first; f <= last; f++) {
      if (nowMs - this.checkedAtMs[f]! >= this.statIntervalMs) this.restat(f, nowMs);
    }
    if (!this.o.have(piece)) return false;
    if (!this.unverified.get(piece)) return true;
    return this.verify(piece);
  }

  /** Pieces we have but have not re-hashed since their file changed (not to be saved as verified). */
  isUnverified(piece: number): boolean {
    return this.unverified.get(piece);
  }

  get pendingCount(): number {
    return this.unverifiedCount;
  }

  /** We wrote (part of) `piece`: the stamps of its files moved because of us. */
  noteWrite(piece: number): void {
    this.filesOf(piece);
    for (let f = this.firstFile; f <= this.lastFile; f++) this.ownWrites[f] = 1;
  }

  /** Stats up to `count` files (round robin), so a change is noticed even while nobody downloads. */
  checkSome(count: number): void {
    const n = this.stamps.length;
    const nowMs = this.o.now();
    for (let i = 0; i < Math.min(count, n) && !this.closed; i++) {
      const f = this.nextFile;
      this.nextFile = (this.nextFile + 1) % n;
      if (this.hasPieceOf(f)) this.restat(f, nowMs);
    }
  }

  close(): void {
    this.closed = true;
    this.sweeps.clear();
  }

  private restat(f: number, nowMs: number): void {
    this.checkedAtMs[f] = nowMs;
    const file = this.o.layout.files[f]!;
    if (file.lengthBytes === 0 || file.padding) return;
    const now = this.o.storage.changeStampSync!(f);
    const then = this.stamps[f];
    if (sameStamp(now, then ?? null)) return;
    this.stamps[f] = now;
    if (this.ownWrites[f]) {
      this.ownWrites[f] = 0;
      return;
    }
    if (!now || now.sizeBytes < file.lengthBytes) {
      if (this.missing[f]) return;
      this.missing[f] = 1;
      this.o.onFileMissing(f, now);
      return;
    }
    this.missing[f] = 0;
    this.fileChanged(f);
  }

  private fileChanged(f: number): void {
    this.epoch[f]!++;
    const range = pieceRangeOfFile(this.o.layout, f);
    if (!range) return;
    const pieces: number[] = [];
    for (let p = range.firstPiece; p <= range.lastPiece; p++) {
      this.o.storage.forgetCached?.(p);
      if (!this.o.have(p)) continue;
      if (!this.unverified.get(p)) {
        this.unverified.set(p);
        this.unverifiedCount++;
      }
      pieces.push(p);
    }
    const sweep: Sweep = {
      pieces,
      lost: 0,
      running: 0,
      firstPiece: range.firstPiece,
      lastPiece: range.lastPiece,
    };
    this.sweeps.set(f, sweep);
    const concurrency = Math.max(1, this.o.sweepConcurrency ?? 2);
    for (let i = 0; i < concurrency; i++) this.sweepNext(f, sweep);
  }

  private sweepNext(f: number, sweep: Sweep): void {
    if (this.closed || this.sweeps.get(f) !== sweep) return;
    const piece = sweep.pieces.pop();
    if (piece === undefined) {
      if (sweep.running === 0) {
        this.sweeps.delete(f);
        this.o.onFileChecked(f, sweep.lost);
      }
      return;
    }
    sweep.running++;
    const verdict = this.unverified.get(piece) && this.o.have(piece) ? this.verify(piece) : true;
    void Promise.resolve(verdict).then(() => {
      sweep.running--;
      this.sweepNext(f, sweep);
    });
  }

  /** Re-hashes `piece` from disk; resolves true when it still matches. Never rejects. */
  private verify(piece: number): Promise<boolean> {
    const pending = this.hashing.get(piece);
    if (pending) return pending;
    const job = this.hashOnce(piece).finally(() => this.hashing.delete(piece));
    this.hashing.set(piece, job);
    return job;
  }

  private async hashOnce(piece: number): Promise<boolean> {
    for (;;) {
      const epochBefore = this.epochOf(piece);
      let matches: boolean;
      try {
        const data = await this.o.storage.readPiece(piece);
        const digest = await this.o.hashPool.sha1(data, { transfer: true });
        matches = hashMatches(this.o.pieceHashes, piece, digest);
      } catch {
        matches = false; // unreadable now: as good as changed
      }
      if (this.closed) return false;
      // The file changed again while we hashed: the answer may be stale, hash again.
      if (this.epochOf(piece) !== epochBefore) continue;
      if (this.unverified.get(piece)) {
        this.unverified.set(piece, false);
        this.unverifiedCount--;
      }
      if (!matches && this.o.have(piece)) {
        // Counted by every sweep it belongs to, whoever asked for the hash first.
        for (const sweep of this.sweeps.values())
          if (piece >= sweep.firstPiece && piece <= sweep.lastPiece) sweep.lost++;
        this.o.onPieceLost(piece);
      }
      return matches;
    }
  }

  private epochOf(piece: number): number {
    this.filesOf(piece);
    let sum = 0;
    for (let f = this.firstFile; f <= this.lastFile; f++) sum += this.epoch[f]!;
    return sum;
  }

  private hasPieceOf(f: number): boolean {
    const range = pieceRangeOfFile(this.o.layout, f);
    if (!range) return false;
    for (let p = range.firstPiece; p <= range.lastPiece; p++) if (this.o.have(p)) return true;
    return false;
  }

  /**
   * Sets firstFile/lastFile to the files under `piece` (zero-length files in between are
   * harmless). Fields, not a returned object: this runs for every block run we serve.
   */
  private filesOf(piece: number): void {
    const files = this.o.layout.files;
    if (files.length === 1) {
      this.firstFile = this.lastFile = 0;
      return;
    }
    const start = piece * this.o.layout.pieceLengthBytes;
    const end = Math.min(start + this.o.layout.pieceLengthBytes, this.o.layout.totalLengthBytes);
    this.firstFile = fileAt(files, start);
    this.lastFile = fileAt(files, end - 1);
  }
}

/** Matches no file: a baseline taken while the file was already short. */
const NO_STAMP: ChangeStamp = { sizeBytes: -1, mtimeMs: -1, ctimeMs: -1 };

/** The re-hash of one changed file's pieces. */
interface Sweep {
  /** Still to hash. */
  pieces: number[];
  lost: number;
  running: number;
  firstPiece: number;
  lastPiece: number;
}

function sameStamp(a: ChangeStamp | null, b: ChangeStamp | null): boolean {
  if (a === null || b === null) return a === b;
  return a.sizeBytes === b.sizeBytes && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

/** Index of the file holding payload byte `offset` (binary search; skips zero-length files). */
function fileAt(files: StorageLayout['files'], offset: number): number {
  let lo = 0;
  let hi = files.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const f = files[mid]!;
    if (f.offsetBytes + f.lengthBytes <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
