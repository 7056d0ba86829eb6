/**
 * A folder of versioned JSON documents, one file per key (CONTRIBUTING.md: persisted
 * data carries a version and passes through tested migrations). The store owns the I/O:
 * atomic replacement, per-key serialised saves (a slow older save never lands after a
 * newer one), parallel bounded loading. The caller owns the schema: `migrate(raw)` turns
 * whatever JSON is found into the current shape or throws a VersionedDataError.
 *
 * Used by resume data (resume-store.ts) and app settings (service/settings-store.ts).
 */
import { open, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { mapLimit } from '../storage/map-limit.ts';
import { writeFileAtomic } from './atomic-write.ts';

export type VersionedDataErrorCode =
  | 'corrupt' // not JSON at all
  | 'unsupported-version' // a version this build does not know (e.g. written by a newer one)
  | 'invalid' // JSON of a known version with missing or wrong fields
  | 'io-error'; // could not read the file

export class VersionedDataError extends Error {
  override readonly name = 'VersionedDataError';
  constructor(
    readonly code: VersionedDataErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isVersionedDataError = (err: unknown): err is VersionedDataError =>
  err instanceof VersionedDataError;

export type Migrate<T> = (raw: unknown) => T;

export interface VersionedJsonStoreOptions<T> {
  dir: string;
  /**
   * Raw parsed JSON → current shape; throws VersionedDataError ('unsupported-version' |
   * 'invalid'). Or `{ load }`, called the first time a document is actually read: a schema
   * library is then loaded only by a process that has something to decode, not by every
   * start (docs/PERFORMANCE.md, start-up).
   */
  migrate: Migrate<T> | { load: () => Promise<Migrate<T>> };
  /** Parallel reads in loadAll. Default 32. */
  loadConcurrency?: number;
  /**
   * A document larger than this is not read at all and loads as 'corrupt': no legitimate
   * one comes near it, and reading a huge file whole would take its size several times
   * over in memory. Default DEFAULT_MAX_DOCUMENT_BYTES.
   */
  maxDocumentBytes?: number;
}

/** 32 MiB: a resume record of a torrent of ~300 000 files; settings are a few KiB. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 32 * 1024 * 1024;

export interface LoadProblem {
  key: string;
  code: VersionedDataErrorCode;
  message: string;
}

/** Keys become file names: keep them to a safe alphabet. */
const KEY_PATTERN = /^[a-z0-9][a-z0-9_-]{0,127}$/;
const EXTENSION = '.json';

export class VersionedJsonStore<T> {
  readonly dir: string;
  private readonly migrate: VersionedJsonStoreOptions<T>['migrate'];
  private loadedMigrate: Promise<Migrate<T>> | null = null;
  private readonly loadConcurrency: number;
  private readonly maxDocumentBytes: number;
  private readonly saving = new Map<string, Promise<void>>();

  constructor(options: VersionedJsonStoreOptions<T>) {
    this.dir = options.dir;
    this.migrate = options.migrate;
    this.loadConcurrency = options.loadConcurrency ?? 32;
    this.maxDocumentBytes = options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  }

  pathOf(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new RangeError(`bad store key ${JSON.stringify(key)}`);
    return path.join(this.dir, key + EXTENSION);
  }

  /** Atomically replaces the document; saves of one key land in call order. */
  async save(key: string, value: T): Promise<void> {
    const filePath = this.pathOf(key);
    const json = `${JSON.stringify(value, null, 2)}\n`;
    const previous = this.saving.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => writeFileAtomic(filePath, json));
    this.saving.set(key, next);
    void next
      .finally(() => {
        if (this.saving.get(key) === next) this.saving.delete(key);
      })
      .catch(() => undefined);
    return next;
  }

  /** The migrated document, or undefined when there is none. Throws VersionedDataError. */
  async load(key: string): Promise<T | undefined> {
    const filePath = this.pathOf(key);
    let text: string;
    try {
      // One descriptor for the size check and the read, and never more than the size
      // checked is read, so a file growing in between cannot get past the cap.
      const handle = await open(filePath, 'r');
      try {
        const { size } = await handle.stat();
        if (size > this.maxDocumentBytes) {
          throw new VersionedDataError(
            'corrupt',
            `${filePath}: ${size} bytes, more than the ${this.maxDocumentBytes} a document may have`,
          );
        }
        const bytes = Buffer.allocUnsafe(size);
        let done = 0;
        while (done < size) {
          const { bytesRead } = await handle.read(bytes, done, size - done, done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        text = bytes.toString('utf8', 0, done);
      } finally {
        await handle.close();
      }
    } catch (err) {
      if (isVersionedDataError(err)) throw err;
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new VersionedDataError('io-error', `${filePath}: ${(err as Error).message}`, { cause: err });
    }
    return parseVersionedJson(text, await this.migrator(), filePath);
  }

  /** Every document; a bad one is reported in `problems` and never stops the others. */
  async loadAll(): Promise<{ values: { key: string; value: T }[]; problems: LoadProblem[] }> {
    const keys = await this.keys();
    const values: { key: string; value: T }[] = [];
    const problems: LoadProblem[] = [];
    await mapLimit(keys, this.loadConcurrency, async (key) => {
      try {
        const value = await this.load(key);
        if (value !== undefined) values.push({ key, value });
      } catch (err) {
        if (!isVersionedDataError(err)) throw err;
        problems.push({ key, code: err.code, message: err.message });
      }
    });
    values.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { values, problems };
  }

  async keys(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names
      .filter((name) => name.endsWith(EXTENSION))
      .map((name) => name.slice(0, -EXTENSION.length))
      .filter((key) => KEY_PATTERN.test(key))
      .sort();
  }

  /** Removes the document (after any pending save of it). Missing is fine. */
  async remove(key: string): Promise<void> {
    const filePath = this.pathOf(key);
    await this.saving.get(key)?.catch(() => undefined);
    await rm(filePath, { force: true });
  }

  private migrator(): Promise<Migrate<T>> | Migrate<T> {
    const migrate = this.migrate;
    if (typeof migrate === 'function') return migrate;
    // Shared by parallel loads; a failed load is retried by the next document.
    this.loadedMigrate ??= migrate.load().catch((err: unknown) => {
      this.loadedMigrate = null;
      throw new VersionedDataError('io-error', `could not load the decoder: ${String(err)}`, { cause: err });
    });
    return this.loadedMigrate;
  }
}

/**
 * Decodes one stored document: JSON text → `migrate` → the current shape. Every failure is
 * a VersionedDataError ('corrupt' when the text is not JSON); `where` prefixes messages.
 */
export function parseVersionedJson<T>(text: string, migrate: (raw: unknown) => T, where: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new VersionedDataError('corrupt', `${where}: not JSON (${(err as Error).message})`, {
      cause: err,
    });
  }
  try {
    return migrate(raw);
  } catch (err) {
    if (isVersionedDataError(err)) {
      throw new VersionedDataError(err.code, `${where}: ${err.message}`, { cause: err });
    }
    throw new VersionedDataError('invalid', `${where}: ${(err as Error).message}`, { cause: err });
  }
}
