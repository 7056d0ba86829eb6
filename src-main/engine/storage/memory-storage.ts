/**
 * Storage in memory: one buffer per torrent file, created on allocate or first write.
 * For tests and as the reference the file implementation is checked against (both pass
 * storage-contract.ts). Not for large payloads: a file's buffer is its full length.
 * BEP 47 padding files are never stored: they read as zeros and writes skip them.
 */
import { pieceLengthOf, pieceSpans, relativePathOf } from './piece-layout.ts';
import {
  StorageError,
  type ChangeStamp,
  type ExistingFile,
  type Storage,
  type StorageLayout,
  type StorageOpenOptions,
} from './storage.ts';

export interface MemoryStorageOptions {
  layout: StorageLayout;
  /** Initial content per torrent file (undefined = missing), e.g. a seeder's payload. */
  files?: readonly (Uint8Array | undefined)[];
  /** Clock for mtimes; default Date.now. */
  now?: () => number;
}

interface MemoryFile {
  bytes: Uint8Array;
  mtimeMs: number;
  /** Bumped by every change (a ctime stand-in: cannot be put back). */
  ctimeMs: number;
}

export class MemoryStorage implements Storage {
  readonly layout: StorageLayout;
  private files: (MemoryFile | undefined)[];
  private readonly now: () => number;
  private isClosed = false;
  private changes = 0;

  constructor(options: MemoryStorageOptions) {
    this.layout = options.layout;
    this.now = options.now ?? Date.now;
    this.files = this.layout.files.map((_, i) => {
      const initial = options.files?.[i];
      return initial && !this.isPadding(i)
        ? { bytes: initial.slice(), mtimeMs: this.now(), ctimeMs: ++this.changes }
        : undefined;
    });
  }

  /**
   * Test hook: another program edits file `fileIndex` in place (same size). With
   * `keepMtime` it puts the old mtime back afterwards, as `touch -d` would.
   */
  editBehindOurBack(fileIndex: number, offsetBytes: number, bytes: Uint8Array, keepMtime = false): void {
    const file = this.files[fileIndex];
    if (!file) throw new Error(`file ${fileIndex} does not exist`);
    file.bytes.set(bytes.subarray(0, Math.max(0, file.bytes.length - offsetBytes)), offsetBytes);
    if (!keepMtime) file.mtimeMs = this.now();
    file.ctimeMs = ++this.changes;
  }

  /** Test hook: another program truncates file `fileIndex` to `lengthBytes`. */
  truncateBehindOurBack(fileIndex: number, lengthBytes: number): void {
    const file = this.files[fileIndex];
    if (!file) throw new Error(`file ${fileIndex} does not exist`);
    file.bytes = resized(file.bytes, lengthBytes);
    file.mtimeMs = this.now();
    file.ctimeMs = ++this.changes;
  }

  private isPadding(fileIndex: number): boolean {
    return this.layout.files[fileIndex]?.padding === true;
  }

  /** A copy of file `fileIndex`'s bytes, or undefined when it does not exist. */
  fileBytes(fileIndex: number): Uint8Array | undefined {
    return this.files[fileIndex]?.bytes.slice();
  }

  async open(options: StorageOpenOptions): Promise<void> {
    this.checkOpen();
    if (!options.allocate) return;
    this.layout.files.forEach((file, i) => {
      const current = this.files[i];
      if (this.isPadding(i) || current?.bytes.length === file.lengthBytes) return;
      this.files[i] = {
        bytes: resized(current?.bytes, file.lengthBytes),
        mtimeMs: this.now(),
        ctimeMs: ++this.changes,
      };
    });
  }

  async writePiece(index: number, data: Uint8Array): Promise<void> {
    this.checkOpen();
    const lengthBytes = pieceLengthOf(this.layout, index);
    if (data.length !== lengthBytes) {
      throw new StorageError('out-of-range', `piece ${index} is ${lengthBytes} bytes, got ${data.length}`);
    }
    for (const span of pieceSpans(this.layout, index, 0, lengthBytes)) {
      if (this.isPadding(span.fileIndex)) continue;
      // Like a file on disk that was not allocated: it grows to the end of what was written.
      const endBytes = span.fileOffsetBytes + span.lengthBytes;
      let file = this.files[span.fileIndex];
      if (!file || file.bytes.length < endBytes) {
        file = { bytes: resized(file?.bytes, endBytes), mtimeMs: 0, ctimeMs: 0 };
        this.files[span.fileIndex] = file;
      }
      file.bytes.set(
        data.subarray(span.bufferOffsetBytes, span.bufferOffsetBytes + span.lengthBytes),
        span.fileOffsetBytes,
      );
      file.mtimeMs = this.now();
      file.ctimeMs = ++this.changes;
    }
  }

  async readBlock(index: number, offsetBytes: number, lengthBytes: number): Promise<Uint8Array> {
    this.checkOpen();
    const out = new Uint8Array(lengthBytes);
    for (const span of pieceSpans(this.layout, index, offsetBytes, lengthBytes)) {
      if (this.isPadding(span.fileIndex)) continue; // `out` starts zeroed
      const file = this.files[span.fileIndex];
      const name = relativePathOf(this.layout, span.fileIndex).join('/');
      if (!file) throw new StorageError('missing-file', `${name} does not exist`);
      if (file.bytes.length < span.fileOffsetBytes + span.lengthBytes) {
        throw new StorageError(
          'missing-file',
          `${name} ends before byte ${span.fileOffsetBytes + span.lengthBytes}`,
        );
      }
      out.set(
        file.bytes.subarray(span.fileOffsetBytes, span.fileOffsetBytes + span.lengthBytes),
        span.bufferOffsetBytes,
      );
    }
    return out;
  }

  async readPiece(index: number): Promise<Uint8Array> {
    return this.readBlock(index, 0, pieceLengthOf(this.layout, index));
  }

  async flush(): Promise<void> {
    this.checkOpen();
  }

  async existingFiles(): Promise<ExistingFile[]> {
    this.checkOpen();
    return this.files.map((_, i) => {
      const stamp = this.changeStampSync(i);
      return {
        path: relativePathOf(this.layout, i).join('/'),
        exists: stamp !== null,
        ...(stamp ?? { sizeBytes: 0, mtimeMs: 0, ctimeMs: 0 }),
      };
    });
  }

  changeStampSync(fileIndex: number): ChangeStamp | null {
    if (this.isPadding(fileIndex))
      return { sizeBytes: this.layout.files[fileIndex]!.lengthBytes, mtimeMs: 0, ctimeMs: 0 };
    const file = this.files[fileIndex];
    return file ? { sizeBytes: file.bytes.length, mtimeMs: file.mtimeMs, ctimeMs: file.ctimeMs } : null;
  }

  async deleteFiles(): Promise<void> {
    await this.close();
    this.files = this.files.map(() => undefined);
  }

  async close(): Promise<void> {
    this.isClosed = true;
  }

  private checkOpen(): void {
    if (this.isClosed) throw new StorageError('closed', `storage of ${this.layout.name} is closed`);
  }
}

function resized(bytes: Uint8Array | undefined, lengthBytes: number): Uint8Array {
  const out = new Uint8Array(lengthBytes);
  if (bytes) out.set(bytes.subarray(0, lengthBytes));
  return out;
}
