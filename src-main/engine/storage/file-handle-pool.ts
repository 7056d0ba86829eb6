/**
 * A bounded, least-recently-used cache of open file handles shared by every FileStorage
 * of a session, so a session with thousands of files never runs out of descriptors.
 *
 * - At most `maxOpen` descriptors are open or opening at any time. Opening one more
 *   closes the least recently used idle handle; when every handle is busy the open waits
 *   for one to go idle. A handle with an operation in flight is never closed. Each
 *   operation holds exactly one handle, so the wait cannot deadlock.
 * - Files are opened read-only until a write is needed (a seeder of the user's own files
 *   needs no write permission); a write to a read-only entry retires it and opens the
 *   file read-write. Write handles use O_CREAT without O_TRUNC and create missing parent
 *   folders, so callers must confine paths first (file-storage.ts does).
 */
import { constants as fsConstants } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { StorageError } from './storage.ts';

export type HandleMode = 'read' | 'write';

interface Entry {
  filePath: string;
  writable: boolean;
  handle: Promise<FileHandle>;
  inFlight: number;
  /** Out of the map: close as soon as the last operation finishes. */
  retired: boolean;
  closing: boolean;
  closed: Promise<void>;
  markClosed: () => void;
}

export const DEFAULT_MAX_OPEN_HANDLES = 64;

export class FileHandlePool {
  readonly maxOpen: number;
  /** Insertion order is recency order: a use moves the entry to the end. */
  private readonly entries = new Map<string, Entry>();
  /** Retired entries not yet closed (operations in flight, or closing). */
  private readonly retiring = new Set<Entry>();
  /** Descriptors open or opening. */
  private slotsUsed = 0;
  private peakSlots = 0;
  /** Opens waiting for a descriptor slot, first come first served. */
  private readonly slotWaiters: (() => void)[] = [];
  private isClosed = false;

  constructor(options: { maxOpen?: number } = {}) {
    this.maxOpen = Math.max(1, options.maxOpen ?? DEFAULT_MAX_OPEN_HANDLES);
  }

  /** Descriptors open (or being opened) right now. */
  get openCount(): number {
    return this.slotsUsed;
  }

  /** Most descriptors ever open at once (tests check the bound with it). */
  get peakOpenCount(): number {
    return this.peakSlots;
  }

  /** Runs `fn` with an open handle on `filePath`; the handle stays cached afterwards. */
  async use<T>(filePath: string, mode: HandleMode, fn: (handle: FileHandle) => Promise<T>): Promise<T> {
    if (this.isClosed) throw new StorageError('closed', 'file handle pool is closed');
    const entry = this.acquire(filePath, mode);
    try {
      return await fn(await entry.handle);
    } finally {
      entry.inFlight--;
      if (entry.inFlight === 0) {
        if (entry.retired) void this.closeEntry(entry);
        else if (this.slotWaiters.length > this.idleRetiringCount()) void this.retire(entry);
      }
    }
  }

  /** Closes the handles of these files (after their in-flight operations finish). */
  async release(filePaths: Iterable<string>): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const filePath of filePaths) {
      const entry = this.entries.get(filePath);
      if (entry) closing.push(this.retire(entry));
    }
    await Promise.all(closing);
  }

  /** Resolves when every retired handle is closed (tests; shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.retiring].map((entry) => entry.closed));
  }

  /** Closes every handle; later `use` calls reject with 'closed'. Idempotent. */
  async close(): Promise<void> {
    this.isClosed = true;
    await this.release([...this.entries.keys()]);
    await this.settled();
  }

  private acquire(filePath: string, mode: HandleMode): Entry {
    let entry = this.entries.get(filePath);
    if (entry && mode === 'write' && !entry.writable) {
      void this.retire(entry);
      entry = undefined;
    }
    if (entry) {
      this.entries.delete(filePath); // move to most recent
      this.entries.set(filePath, entry);
    } else {
      entry = this.openEntry(filePath, mode === 'write');
      this.entries.set(filePath, entry);
    }
    entry.inFlight++;
    return entry;
  }

  private openEntry(filePath: string, writable: boolean): Entry {
    let markClosed = (): void => undefined;
    const closed = new Promise<void>((resolve) => (markClosed = resolve));
    const entry: Entry = {
      filePath,
      writable,
      inFlight: 0,
      retired: false,
      closing: false,
      closed,
      markClosed,
      handle: undefined as unknown as Promise<FileHandle>,
    };
    entry.handle = this.takeSlot().then(async () => {
      try {
        return await (writable ? openForWrite(filePath) : open(filePath, 'r'));
      } catch (err) {
        // A failed open leaves nothing to close: forget the entry so the next use retries.
        if (this.entries.get(filePath) === entry) this.entries.delete(filePath);
        entry.retired = true;
        entry.closing = true;
        this.retiring.delete(entry);
        this.giveSlot();
        entry.markClosed();
        throw err;
      }
    });
    return entry;
  }

  /** Resolves once a descriptor slot is ours; at the bound, evicts the LRU idle handle. */
  private takeSlot(): Promise<void> {
    if (this.slotsUsed < this.maxOpen) {
      this.slotsUsed++;
      this.peakSlots = Math.max(this.peakSlots, this.slotsUsed);
      return Promise.resolve();
    }
    const granted = new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    if (this.slotWaiters.length > this.idleRetiringCount()) {
      for (const entry of this.entries.values()) {
        if (entry.inFlight === 0) {
          void this.retire(entry);
          break;
        }
      }
    }
    return granted;
  }

  /** A descriptor was closed: hand its slot to the next waiting open, or free it. */
  private giveSlot(): void {
    const next = this.slotWaiters.shift();
    if (next) next();
    else this.slotsUsed--;
  }

  /** Retired handles that will close without waiting for an operation. */
  private idleRetiringCount(): number {
    let n = 0;
    for (const entry of this.retiring) if (entry.inFlight === 0) n++;
    return n;
  }

  private retire(entry: Entry): Promise<void> {
    if (!entry.retired) {
      entry.retired = true;
      if (this.entries.get(entry.filePath) === entry) this.entries.delete(entry.filePath);
      this.retiring.add(entry);
      if (entry.inFlight === 0) void this.closeEntry(entry);
    }
    return entry.closed;
  }

  private async closeEntry(entry: Entry): Promise<void> {
    if (entry.closing) return;
    entry.closing = true;
    try {
      const handle = await entry.handle;
      await handle.close().catch(() => undefined); // the descriptor is gone either way
      this.giveSlot();
    } catch {
      // The open failed; its handler already gave the slot back.
    } finally {
      this.retiring.delete(entry);
      entry.markClosed();
    }
  }
}

const WRITE_FLAGS = fsConstants.O_RDWR | fsConstants.O_CREAT;

/** Opens read-write, creating the file (never truncating) and its parent folders. */
async function openForWrite(filePath: string): Promise<FileHandle> {
  try {
    return await open(filePath, WRITE_FLAGS, 0o666);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await mkdir(path.dirname(filePath), { recursive: true });
    return await open(filePath, WRITE_FLAGS, 0o666);
  }
}
