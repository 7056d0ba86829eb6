/**
 * Read-ahead for uploads. A peer that requests block k of a piece asks for k+1 next
 * (BEP 3 peers request pieces block by block, 16 KiB each), so the first block request
 * reads a whole window (the piece, or `windowBytes` of it for large pieces) in one
 * positional read and later blocks are served from memory. One cache is shared by the
 * session's torrents so the byte budget is global; least recently used windows go first.
 *
 * Only `readBlock` goes through the cache. `readPiece` (verification) always reads the
 * disk, and `writePiece` drops the piece's cached windows.
 */
import { pieceLengthOf } from './piece-layout.ts';
import type { ChangeStamp, ExistingFile, Storage, StorageLayout, StorageOpenOptions } from './storage.ts';

export interface ReadCacheOptions {
  /** Budget across every wrapped storage. Default 16 MiB. */
  maxBytes?: number;
  /** Largest single read-ahead (pieces longer than this are cached in windows). Default 2 MiB. */
  windowBytes?: number;
}

interface Window {
  owner: CachedStorage;
  bytes: Uint8Array;
}

export class ReadCache {
  readonly maxBytes: number;
  readonly windowBytes: number;
  /** Recency order: a hit moves the key to the end. */
  private readonly windows = new Map<string, Window>();
  private usedBytes = 0;
  private nextOwnerId = 0;
  hits = 0;
  misses = 0;

  constructor(options: ReadCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 16 * 2 ** 20;
    this.windowBytes = options.windowBytes ?? 2 * 2 ** 20;
  }

  get sizeBytes(): number {
    return this.usedBytes;
  }

  /** A Storage that serves `readBlock` from this cache and delegates everything else. */
  wrap(storage: Storage): Storage {
    return new CachedStorage(storage, this, this.nextOwnerId++);
  }

  /** @internal */
  get(key: string): Uint8Array | undefined {
    const window = this.windows.get(key);
    if (!window) return undefined;
    this.windows.delete(key);
    this.windows.set(key, window);
    return window.bytes;
  }

  /** @internal */
  put(key: string, owner: CachedStorage, bytes: Uint8Array): void {
    if (bytes.length > this.maxBytes) return;
    this.drop(key);
    this.windows.set(key, { owner, bytes });
    this.usedBytes += bytes.length;
    for (const [oldKey] of this.windows) {
      if (this.usedBytes <= this.maxBytes) break;
      this.drop(oldKey);
    }
  }

  /** @internal */
  drop(key: string): void {
    const window = this.windows.get(key);
    if (!window) return;
    this.windows.delete(key);
    this.usedBytes -= window.bytes.length;
  }

  /** @internal Drops every window of `owner` (close, delete). */
  dropOwner(owner: CachedStorage): void {
    for (const [key, window] of this.windows) if (window.owner === owner) this.drop(key);
  }
}

class CachedStorage implements Storage {
  readonly layout: StorageLayout;
  /** Bumped by every write, so a window read before the write is never cached after it. */
  private generation = 0;
  private readonly loading = new Map<string, Promise<Uint8Array>>();
  /** Present only when the wrapped storage has it (absent = no change detection). */
  readonly changeStampSync?: (fileIndex: number) => ChangeStamp | null;

  constructor(
    private readonly inner: Storage,
    private readonly cache: ReadCache,
    private readonly id: number,
  ) {
    this.layout = inner.layout;
    if (inner.changeStampSync) this.changeStampSync = (i) => inner.changeStampSync!(i);
  }

  open(options: StorageOpenOptions): Promise<void> {
    return this.inner.open(options);
  }

  async writePiece(index: number, data: Uint8Array): Promise<void> {
    this.generation++;
    this.dropPiece(index);
    try {
      await this.inner.writePiece(index, data);
    } finally {
      this.generation++;
      this.dropPiece(index);
    }
  }

  async readBlock(index: number, offsetBytes: number, lengthBytes: number): Promise<Uint8Array> {
    const pieceLength = pieceLengthOf(this.layout, index);
    const windowLength = Math.min(this.cache.windowBytes, this.layout.pieceLengthBytes);
    const window = Math.floor(offsetBytes / windowLength);
    const windowStart = window * windowLength;
    const windowEnd = Math.min(windowStart + windowLength, pieceLength);
    // A request crossing a window edge (peers may ask any offset) or out of range goes straight through.
    if (lengthBytes <= 0 || offsetBytes < 0 || offsetBytes + lengthBytes > windowEnd) {
      return this.inner.readBlock(index, offsetBytes, lengthBytes);
    }
    const key = `${this.id}:${index}:${window}`;
    let bytes = this.cache.get(key);
    if (bytes) this.cache.hits++;
    else {
      this.cache.misses++;
      bytes = await this.load(key, index, windowStart, windowEnd - windowStart);
    }
    // A view, not a copy: callers send it and never modify it.
    return bytes.subarray(offsetBytes - windowStart, offsetBytes - windowStart + lengthBytes);
  }

  /**
   * The caller owns `out` (an uploader recycling its buffers): a cached window is copied
   * out, anything else is read straight into `out` and not cached, since the caller reads
   * whole windows and would not ask for this one again.
   */
  async readBlockInto(index: number, offsetBytes: number, out: Uint8Array): Promise<void> {
    const windowLength = Math.min(this.cache.windowBytes, this.layout.pieceLengthBytes);
    const window = Math.floor(offsetBytes / windowLength);
    const start = offsetBytes - window * windowLength;
    const bytes = this.cache.get(`${this.id}:${index}:${window}`);
    if (bytes && start + out.length <= bytes.length) {
      this.cache.hits++;
      out.set(bytes.subarray(start, start + out.length));
    } else if (this.inner.readBlockInto) {
      await this.inner.readBlockInto(index, offsetBytes, out);
    } else {
      out.set(await this.inner.readBlock(index, offsetBytes, out.length));
    }
  }

  readPiece(index: number): Promise<Uint8Array> {
    return this.inner.readPiece(index);
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  existingFiles(): Promise<ExistingFile[]> {
    return this.inner.existingFiles();
  }

  /** A window read after the file changed but before anyone noticed must not be served. */
  forgetCached(index: number): void {
    this.generation++;
    this.dropPiece(index);
    this.inner.forgetCached?.(index);
  }

  async applyFileAttributes(): Promise<void> {
    await this.inner.applyFileAttributes?.();
  }

  async deleteFiles(): Promise<void> {
    this.cache.dropOwner(this);
    await this.inner.deleteFiles();
  }

  async close(): Promise<void> {
    this.cache.dropOwner(this);
    await this.inner.close();
  }

  private load(key: string, index: number, startBytes: number, lengthBytes: number): Promise<Uint8Array> {
    const pending = this.loading.get(key);
    if (pending) return pending; // concurrent requests for the same window share one read
    const generation = this.generation;
    const read = this.inner
      .readBlock(index, startBytes, lengthBytes)
      .then((bytes) => {
        if (generation === this.generation) this.cache.put(key, this, bytes);
        return bytes;
      })
      .finally(() => {
        if (this.loading.get(key) === read) this.loading.delete(key);
      });
    this.loading.set(key, read);
    return read;
  }

  private dropPiece(index: number): void {
    const windowLength = Math.min(this.cache.windowBytes, this.layout.pieceLengthBytes);
    const windows = Math.ceil(this.layout.pieceLengthBytes / windowLength);
    for (let w = 0; w < windows; w++) {
      const key = `${this.id}:${index}:${w}`;
      this.cache.drop(key);
      this.loading.delete(key);
    }
  }
}
