/**
 * The engine's view of a torrent's payload on disk (storage is an
 * interface; one contract suite in storage-contract.ts runs against every implementation).
 *
 * The engine assembles a piece in memory, verifies its SHA-1 (BEP 3), then hands the whole
 * piece to `writePiece`; uploads read blocks with `readBlock`. Piece indices and offsets are
 * in the torrent's concatenated payload; a piece may span several files (piece-layout.ts).
 *
 * Implementations: file-storage.ts (in place under savePath), memory-storage.ts (tests,
 * reference).
 */
import type { Metainfo } from '../../protocol/metainfo/metainfo-types.ts';

/** What storage needs from the metainfo; a full `Metainfo` satisfies it. */
export type StorageLayout = Pick<
  Metainfo,
  'name' | 'multiFile' | 'files' | 'pieceLengthBytes' | 'pieceCount' | 'totalLengthBytes'
>;

export interface StorageOpenOptions {
  /**
   * true (downloads): create missing folders and files and set every file to its final
   * length with ftruncate (sparse: no zeros written).
   * false (sharing the user's own files, re-checking): touch nothing; files are opened
   * read-only until a write is needed, so a seeder needs no write permission. A later
   * `writePiece` still creates what it must (folders, the file) without truncating.
   */
  allocate: boolean;
}

/** A file's size and modification time, as recorded in resume data (change detection). */
export interface FileStamp {
  sizeBytes: number;
  mtimeMs: number;
}

/**
 * What tells a file changed while it is being served: size, mtime and ctime. ctime is set
 * by the kernel on every write and on every utimes(), so an edit that puts the old mtime
 * back still moves it (it cannot be set from user space).
 */
export interface ChangeStamp extends FileStamp {
  ctimeMs: number;
}

/** One torrent file as found now. A missing file has `exists: false`, size 0, mtime 0. */
export interface ExistingFile extends FileStamp {
  /** Absolute path (file storage) or the joined torrent path (memory storage). */
  path: string;
  exists: boolean;
  /** See ChangeStamp; 0 for a missing file. */
  ctimeMs: number;
}

export interface Storage {
  readonly layout: StorageLayout;
  /** Idempotent: a second call (with the same options) does nothing. */
  open(options: StorageOpenOptions): Promise<void>;
  /**
   * Writes a verified piece. `data.length` must be exactly the piece's length (the last
   * piece is short). Zero-length files are never written.
   */
  writePiece(index: number, data: Uint8Array): Promise<void>;
  /** Reads `lengthBytes` from `offsetBytes` inside piece `index` (an upload's block). */
  readBlock(index: number, offsetBytes: number, lengthBytes: number): Promise<Uint8Array>;
  /**
   * Optional: like `readBlock` for `out.length` bytes, but into the caller's buffer, so an
   * uploader can recycle its buffers instead of allocating one per read.
   */
  readBlockInto?(index: number, offsetBytes: number, out: Uint8Array): Promise<void>;
  /** Reads the whole piece (re-check / verification). */
  readPiece(index: number): Promise<Uint8Array>;
  /** Makes written data durable (fdatasync of the handles written since the last flush). */
  flush(): Promise<void>;
  /** Size + mtime of every torrent file, in torrent order (`existing[i]` is `layout.files[i]`). */
  existingFiles(): Promise<ExistingFile[]>;
  /**
   * Optional: file `fileIndex`'s change stamp now, or null when it is missing. Synchronous
   * (one stat) so the upload path can check a file before serving it without a thread-pool
   * round trip. A BEP 47 padding file always reports its full length.
   */
  changeStampSync?(fileIndex: number): ChangeStamp | null;
  /** Optional: forget any cached bytes of piece `index` (its file changed on disk). */
  forgetCached?(index: number): void;
  /** Optional: apply the BEP 47 file attributes (executable bit) once every piece is in. */
  applyFileAttributes?(): Promise<void>;
  /**
   * Closes, then removes this torrent's files and the folders of its layout that are left
   * empty (never savePath itself, never a non-empty folder, never anything else).
   */
  deleteFiles(): Promise<void>;
  /** Releases handles. Idempotent. Calls after close reject with code 'closed'. */
  close(): Promise<void>;
}

export type StorageErrorCode =
  | 'disk-full' // ENOSPC, EDQUOT
  | 'permission-denied' // EACCES, EPERM, EROFS
  | 'missing-file' // ENOENT on read, or a file shorter than the torrent says
  | 'path-escape' // a torrent path resolves outside savePath
  | 'out-of-range' // bad piece index / offset / length, or wrong piece data length
  | 'closed' // used after close()
  | 'io-error'; // anything else

export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isStorageError = (err: unknown): err is StorageError => err instanceof StorageError;
