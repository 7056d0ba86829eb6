/**
 * Storage in place on disk: `savePath/<name>/<path...>` (multi-file) or `savePath/<name>`
 * (single file). Sharing seeds the user's files where they are (the engine passes the
 * parent folder of the shared file/folder as savePath), so nothing is ever copied.
 *
 * Positional reads and writes through a shared FileHandlePool; no file is ever buffered
 * whole, so memory stays constant in the payload size. Every path is resolved once in the
 * constructor and refused when it would land outside savePath (defence in depth: the
 * metainfo parser sanitises too).
 *
 * BEP 47 padding files are never created, written, stat'ed or deleted: their bytes are
 * zeros by definition, so reads fill zeros and writes skip them (the piece's hash has
 * already proved those bytes are zeros).
 *
 * Files not selected for download (FileStorageOptions.selected) are never created: the
 * bytes of boundary pieces that fall in them go to one hidden sparse parts file beside the
 * torrent (parts-file.ts), at their payload offset, and move into the real file when it is
 * selected later (`selectFiles`).
 */
import { statSync } from 'node:fs';
import { chmod, rm, rmdir, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { FileHandlePool } from './file-handle-pool.ts';
import { mapLimit } from './map-limit.ts';
import { partsFileName, partsOffsetOf, movePartsIntoFile } from './parts-file.ts';
import { pieceLengthOf, pieceSpans, relativePathOf, type FileSpan } from './piece-layout.ts';
import { SerialByKey } from './serial-by-key.ts';
import { pathUnderRoots, type SourceRoot } from './source-roots.ts';
import { toStorageError } from './storage-errors.ts';
import {
  StorageError,
  type ChangeStamp,
  type ExistingFile,
  type Storage,
  type StorageLayout,
  type StorageOpenOptions,
} from './storage.ts';

export interface FileStorageOptions {
  /** Folder the torrent's file or folder lives in. */
  savePath: string;
  layout: StorageLayout;
  /** Shared across the session's torrents; default: one process-wide pool of 64 handles. */
  pool?: FileHandlePool;
  /**
   * A torrent shared from several paths: each top-level entry lives at its own absolute
   * path (source-roots.ts) instead of below `savePath/<name>`. Only for multi-file layouts.
   */
  roots?: readonly SourceRoot[];
  /** Per file: selected for download (default all). Unselected files are never created. */
  selected?: readonly boolean[];
}

/** Parallel stats/creations while opening a torrent of many files. */
const FILE_OPEN_CONCURRENCY = 8;

let processPool: FileHandlePool | undefined;
/** The process-wide default pool (created on first use). */
export function sharedFileHandlePool(): FileHandlePool {
  processPool ??= new FileHandlePool();
  return processPool;
}

export class FileStorage implements Storage {
  readonly layout: StorageLayout;
  readonly savePath: string;
  /** Absolute path of every torrent file, in torrent order. */
  readonly filePaths: readonly string[];
  /** Per file: the folder its emptied parents are removed up to (never itself, never above). */
  private readonly cleanupStops: readonly string[];
  /** Per file: a BEP 47 padding file (attr "p"), which lives nowhere on disk. */
  private readonly padding: readonly boolean[];
  private readonly pool: FileHandlePool;
  /** Files written since the last flush. */
  private readonly dirty = new Set<string>();
  private readonly writes = new SerialByKey();
  private opened: Promise<void> | undefined;
  private isClosed = false;
  /** Hidden sparse file holding the bytes of unselected files, at their payload offsets. */
  readonly partsPath: string;
  /** Per file: its bytes live in the parts file (unselected and not on disk). */
  private readonly inParts: boolean[];

  /** Throws StorageError 'path-escape' when a torrent path would leave savePath (or its root). */
  constructor(options: FileStorageOptions) {
    this.layout = options.layout;
    this.savePath = path.resolve(options.savePath);
    this.pool = options.pool ?? sharedFileHandlePool();
    const roots = options.roots && options.roots.length > 0 && this.layout.multiFile ? options.roots : null;
    this.filePaths = this.layout.files.map((file, i) =>
      roots ? pathUnderRoots(roots, file.path) : confine(this.savePath, relativePathOf(this.layout, i)),
    );
    this.cleanupStops = this.layout.files.map((file) => {
      const root = roots?.find((r) => r.name === file.path[0]);
      return root ? path.dirname(path.resolve(root.path)) : this.savePath;
    });
    this.padding = this.layout.files.map((f) => f.padding === true);
    this.partsPath = confine(this.savePath, [partsFileName(this.layout.name)]);
    this.inParts = this.layout.files.map((f, i) => this.belongsInParts(i, options.selected?.[i] ?? true));
  }

  /** An unselected real file that is not on disk stays out of the folder (one stat). */
  private belongsInParts(fileIndex: number, selected: boolean): boolean {
    const file = this.layout.files[fileIndex]!;
    if (selected || this.padding[fileIndex] || file.lengthBytes === 0) return false;
    return statSync(this.filePaths[fileIndex]!, { throwIfNoEntry: false }) === undefined;
  }

  /** Files whose bytes are in the parts file (not created in the download folder). */
  get unselectedOnDisk(): readonly boolean[] {
    return this.inParts;
  }

  /**
   * A new selection. A file selected now whose bytes were in the parts file is created and
   * the bytes of the pieces `had` says are verified are copied into it; a file unselected
   * now that is not on disk goes to the parts file (one that exists is left as it is: the
   * user's data is never deleted). Returns the pieces whose bytes moved, for the caller to
   * verify again.
   */
  async selectFiles(selected: readonly boolean[], had: (piece: number) => boolean): Promise<number[]> {
    this.checkOpen();
    const moved = new Set<number>();
    for (let i = 0; i < this.layout.files.length; i++) {
      const want = selected[i] ?? true;
      if (!want && !this.inParts[i]) {
        this.inParts[i] = this.belongsInParts(i, false);
        continue;
      }
      if (!want || !this.inParts[i]) continue;
      const filePath = this.filePaths[i]!;
      // Under the file's write queue: no write of this file lands in the parts file after
      // its bytes were copied out.
      await this.writes.run(filePath, async () => {
        const pieces = await this.withHandle(filePath, 'write', 'write', (target) =>
          movePartsIntoFile({
            layout: this.layout,
            fileIndex: i,
            partsPath: this.partsPath,
            target,
            had,
            pool: this.pool,
          }),
        );
        this.inParts[i] = false;
        this.dirty.add(filePath);
        for (const p of pieces) moved.add(p);
      });
    }
    return [...moved].sort((a, b) => a - b);
  }

  /** Paths of the files that exist on disk (everything but padding). */
  private get realPaths(): string[] {
    return this.filePaths.filter((_, i) => !this.padding[i]);
  }

  async open(options: StorageOpenOptions): Promise<void> {
    this.checkOpen();
    this.opened ??= (options.allocate ? this.allocate() : Promise.resolve()).catch((err: unknown) => {
      this.opened = undefined; // let the engine retry after the user fixed the problem
      throw err;
    });
    return this.opened;
  }

  async writePiece(index: number, data: Uint8Array): Promise<void> {
    this.checkOpen();
    const lengthBytes = pieceLengthOf(this.layout, index);
    if (data.length !== lengthBytes) {
      throw new StorageError('out-of-range', `piece ${index} is ${lengthBytes} bytes, got ${data.length}`);
    }
    await Promise.all(
      pieceSpans(this.layout, index, 0, lengthBytes).map((span) => this.writeSpan(span, data)),
    );
  }

  async readBlock(index: number, offsetBytes: number, lengthBytes: number): Promise<Uint8Array> {
    // Not zero-filled: every byte is overwritten or the read throws (missing-file), and
    // zeroing a 1 MiB upload run per read is measurable on the upload path.
    const out = Buffer.allocUnsafe(lengthBytes);
    await this.readBlockInto(index, offsetBytes, out);
    return out;
  }

  async readBlockInto(index: number, offsetBytes: number, out: Uint8Array): Promise<void> {
    this.checkOpen();
    const spans = pieceSpans(this.layout, index, offsetBytes, out.length);
    await Promise.all(spans.map((span) => this.readSpan(span, out)));
  }

  async readPiece(index: number): Promise<Uint8Array> {
    return this.readBlock(index, 0, pieceLengthOf(this.layout, index));
  }

  async flush(): Promise<void> {
    this.checkOpen();
    const files = [...this.dirty];
    this.dirty.clear();
    // fdatasync through any descriptor of the file flushes its dirty pages, so an evicted
    // handle is simply reopened.
    await mapLimit(files, FILE_OPEN_CONCURRENCY, (filePath) =>
      this.withHandle(filePath, 'write', 'flush', (handle) => handle.datasync()),
    );
  }

  async existingFiles(): Promise<ExistingFile[]> {
    this.checkOpen();
    return mapLimit(this.filePaths, FILE_OPEN_CONCURRENCY, async (filePath, i) => {
      // A file kept in the parts file reads as present at full length with a fixed stamp,
      // like padding: its boundary pieces stay trusted across restarts (resume data) and
      // the change guard does not report it missing.
      if (this.padding[i] || this.inParts[i])
        return { path: filePath, ...this.paddingStamp(i), exists: true };
      try {
        const info = await stat(filePath);
        return {
          path: filePath,
          exists: true,
          sizeBytes: info.size,
          mtimeMs: info.mtimeMs,
          ctimeMs: info.ctimeMs,
        };
      } catch (err) {
        const mapped = toStorageError(err, 'stat', filePath);
        if (mapped.code === 'missing-file')
          return { path: filePath, exists: false, sizeBytes: 0, mtimeMs: 0, ctimeMs: 0 };
        throw mapped;
      }
    });
  }

  changeStampSync(fileIndex: number): ChangeStamp | null {
    if (this.padding[fileIndex] || this.inParts[fileIndex]) return this.paddingStamp(fileIndex);
    const filePath = this.filePaths[fileIndex];
    if (filePath === undefined) return null;
    try {
      const info = statSync(filePath, { throwIfNoEntry: false });
      return info?.isFile() ? { sizeBytes: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs } : null;
    } catch {
      return null; // unreadable (EACCES…) is as good as missing for serving it
    }
  }

  /** BEP 47 `attr` "x": set the executable bit wherever the file is readable. */
  async applyFileAttributes(): Promise<void> {
    this.checkOpen();
    await mapLimit(this.layout.files, FILE_OPEN_CONCURRENCY, async (file, i) => {
      if (!file.executable || this.padding[i]) return;
      const filePath = this.filePaths[i]!;
      try {
        const { mode } = await stat(filePath);
        await chmod(filePath, (mode & 0o7777) | ((mode & 0o444) >> 2));
      } catch (err) {
        throw toStorageError(err, 'open', filePath);
      }
    });
  }

  private paddingStamp(fileIndex: number): ChangeStamp {
    return { sizeBytes: this.layout.files[fileIndex]!.lengthBytes, mtimeMs: 0, ctimeMs: 0 };
  }

  async deleteFiles(): Promise<void> {
    await this.close();
    const realPaths = this.realPaths;
    const stops = this.cleanupStops.filter((_, i) => !this.padding[i]);
    await mapLimit([...realPaths, this.partsPath], FILE_OPEN_CONCURRENCY, async (filePath) => {
      try {
        await rm(filePath, { force: true });
      } catch (err) {
        throw toStorageError(err, 'delete', filePath);
      }
    });
    // Folders of the layout, deepest first; rmdir refuses non-empty ones, so anything the
    // user put there survives. Never savePath itself (nor a shared root's parent folder).
    const folders = new Set<string>();
    for (const [i, filePath] of realPaths.entries()) {
      const stop = stops[i]!;
      for (let dir = path.dirname(filePath); dir !== stop && isInside(stop, dir); dir = path.dirname(dir)) {
        folders.add(dir);
      }
    }
    const deepestFirst = [...folders].sort((a, b) => b.split(path.sep).length - a.split(path.sep).length);
    for (const dir of deepestFirst) {
      await rmdir(dir).catch(() => undefined); // ENOTEMPTY / ENOENT: keep / already gone
    }
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    await this.pool.release(this.filePaths);
  }

  private async allocate(): Promise<void> {
    await mapLimit(this.layout.files, FILE_OPEN_CONCURRENCY, async (file, i) => {
      if (this.padding[i] || this.inParts[i]) return;
      const filePath = this.filePaths[i]!;
      const current = await stat(filePath).catch(() => undefined);
      if (current?.isFile() && current.size === file.lengthBytes) return;
      // Sparse: ftruncate sets the length without writing zeros (pieces fill it later).
      await this.withHandle(filePath, 'write', 'open', (handle) => handle.truncate(file.lengthBytes));
    });
  }

  private writeSpan(span: FileSpan, data: Uint8Array): Promise<void> {
    if (this.padding[span.fileIndex]) return Promise.resolve();
    const filePath = this.filePaths[span.fileIndex]!;
    // One write at a time per file (see serial-by-key.ts for why). Where it goes (the file
    // or the parts file) is decided when it runs, after any move of the file (selectFiles).
    return this.writes.run(filePath, () => {
      const target = this.inParts[span.fileIndex] ? this.toParts(span) : { filePath, span };
      this.dirty.add(target.filePath);
      return this.writeSpanNow(target.filePath, target.span, data);
    });
  }

  /** The same bytes in the parts file (at their offset in the payload). */
  private toParts(span: FileSpan): { filePath: string; span: FileSpan } {
    const fileOffsetBytes = partsOffsetOf(this.layout, span.fileIndex, span.fileOffsetBytes);
    return { filePath: this.partsPath, span: { ...span, fileOffsetBytes } };
  }

  private writeSpanNow(filePath: string, span: FileSpan, data: Uint8Array): Promise<void> {
    return this.withHandle(filePath, 'write', 'write', async (handle) => {
      let done = 0;
      while (done < span.lengthBytes) {
        const { bytesWritten } = await handle.write(
          data,
          span.bufferOffsetBytes + done,
          span.lengthBytes - done,
          span.fileOffsetBytes + done,
        );
        done += bytesWritten;
      }
    });
  }

  private readSpan(span: FileSpan, out: Uint8Array): Promise<void> {
    if (this.padding[span.fileIndex]) {
      out.fill(0, span.bufferOffsetBytes, span.bufferOffsetBytes + span.lengthBytes);
      return Promise.resolve();
    }
    const { filePath, span: at } = this.inParts[span.fileIndex]
      ? this.toParts(span)
      : { filePath: this.filePaths[span.fileIndex]!, span };
    return this.withHandle(filePath, 'read', 'read', async (handle) => {
      let done = 0;
      while (done < at.lengthBytes) {
        const { bytesRead } = await handle.read(
          out,
          at.bufferOffsetBytes + done,
          at.lengthBytes - done,
          at.fileOffsetBytes + done,
        );
        if (bytesRead === 0) {
          throw new StorageError(
            'missing-file',
            `${filePath} ends before byte ${at.fileOffsetBytes + at.lengthBytes}`,
          );
        }
        done += bytesRead;
      }
    });
  }

  private async withHandle<T>(
    filePath: string,
    mode: 'read' | 'write',
    operation: 'open' | 'read' | 'write' | 'flush',
    fn: (handle: FileHandle) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.pool.use(filePath, mode, fn);
    } catch (err) {
      throw toStorageError(err, operation, filePath);
    }
  }

  private checkOpen(): void {
    if (this.isClosed) throw new StorageError('closed', `storage of ${this.layout.name} is closed`);
  }
}

/** Resolves `parts` below `root`; refuses a result that is not strictly inside it. */
export function confine(root: string, parts: readonly string[]): string {
  for (const part of parts) {
    if (part.includes('\0'))
      throw new StorageError('path-escape', `path component with NUL byte in ${parts.join('/')}`);
  }
  const resolved = path.resolve(root, ...parts);
  if (!isInside(root, resolved)) {
    throw new StorageError('path-escape', `${JSON.stringify(parts)} resolves outside ${root}`);
  }
  return resolved;
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return (
    relative !== '' &&
    relative !== '..' &&
    !relative.startsWith(`..${path.sep}`) &&
    !path.isAbsolute(relative)
  );
}
