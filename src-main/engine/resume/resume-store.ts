/**
 * Per-torrent resume data in the app's data folder:
 *
 *   <dataDir>/resume/<infohash>.json     the ResumeRecord (versioned, atomic replace)
 *   <dataDir>/torrents/<infohash>.torrent   the .torrent the user added, byte for byte
 *   <dataDir>/torrents/<infohash>.info      or the raw info dict (a magnet torrent that
 *                                           received its metadata by BEP 9)
 *
 * Loading never hashes payload: the engine compares file stamps (file-change.ts) and
 * re-checks only what changed. A record that cannot be read is reported as a problem with
 * its info-hash, so the engine re-checks that torrent instead of failing the session.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';
import type { ResumeRecord } from './resume-record.ts';
import { VersionedDataError, VersionedJsonStore, type LoadProblem } from './versioned-json-store.ts';

export type MetadataKind = 'torrent' | 'info';

export interface StoredMetadata {
  kind: MetadataKind;
  bytes: Uint8Array;
}

export interface ResumeProblem extends Omit<LoadProblem, 'key'> {
  infoHashHex: string;
}

const INFO_HASH_HEX = /^[0-9a-f]{40}$/;

export class ResumeStore {
  readonly dataDir: string;
  private readonly records: VersionedJsonStore<ResumeRecord>;
  /** Metadata copies being written, by info-hash: save() waits for them. */
  private readonly metadataWrites = new Map<string, Promise<void>>();

  constructor(options: { dataDir: string }) {
    this.dataDir = options.dataDir;
    this.records = new VersionedJsonStore({
      dir: path.join(this.dataDir, 'resume'),
      // resume-record.ts validates with zod, ~0.1 s of CPU to load: a `get` into a fresh
      // folder has no record to decode and dials without it (docs/PERFORMANCE.md).
      migrate: { load: async () => (await import('./resume-record.ts')).migrateResume },
    });
  }

  /**
   * Atomically replaces the torrent's record; saves of one torrent land in call order.
   * A record is what restores the torrent: it is written only once a metadata copy being
   * saved for it is on disk, and not at all when that copy failed (its error is thrown)
   * until forgetFailedMetadata.
   */
  async save(record: ResumeRecord): Promise<void> {
    const id = checkInfoHash(record.infoHashHex);
    await this.metadataWrites.get(id);
    return this.records.save(id, record);
  }

  /** The record, or undefined. Throws VersionedDataError (corrupt / unsupported-version / invalid / io-error). */
  async load(infoHashHex: string): Promise<ResumeRecord | undefined> {
    const record = await this.records.load(checkInfoHash(infoHashHex));
    return record && this.consistent(infoHashHex, record);
  }

  /** The info-hashes that have a record, sorted (the folder is listed; nothing is read). */
  async keys(): Promise<string[]> {
    return (await this.records.keys()).filter((key) => INFO_HASH_HEX.test(key));
  }

  /** Every record (reads in parallel) plus the ones that could not be used. */
  async loadAll(): Promise<{ records: ResumeRecord[]; problems: ResumeProblem[] }> {
    const { values, problems } = await this.records.loadAll();
    const records: ResumeRecord[] = [];
    const out: ResumeProblem[] = problems
      .filter((p) => INFO_HASH_HEX.test(p.key))
      .map(({ key, code, message }) => ({ infoHashHex: key, code, message }));
    for (const { key, value } of values) {
      if (!INFO_HASH_HEX.test(key)) continue;
      if (value.infoHashHex === key) records.push(value);
      else
        out.push({
          infoHashHex: key,
          code: 'invalid',
          message: `record names info-hash ${value.infoHashHex}`,
        });
    }
    return { records, problems: out };
  }

  /** Removes the record and the saved metadata. Missing is fine. */
  async remove(infoHashHex: string): Promise<void> {
    checkInfoHash(infoHashHex);
    this.metadataWrites.delete(infoHashHex);
    await this.records.remove(infoHashHex);
    await Promise.all(
      (['torrent', 'info'] as const).map((kind) => rm(this.metadataPath(infoHashHex, kind), { force: true })),
    );
  }

  /** Saves the .torrent bytes or the raw info dict (once, when known). */
  async saveMetadata(infoHashHex: string, metadata: StoredMetadata): Promise<void> {
    checkInfoHash(infoHashHex);
    const write = writeFileAtomic(this.metadataPath(infoHashHex, metadata.kind), metadata.bytes);
    // Awaited by save(), and by the caller below: never an unhandled rejection.
    write.catch(() => undefined);
    this.metadataWrites.set(infoHashHex, write);
    await write;
    // A failed copy stays here, so no record is written for it, until the caller decides
    // (forgetFailedMetadata).
    if (this.metadataWrites.get(infoHashHex) === write) this.metadataWrites.delete(infoHashHex);
  }

  /** After a failed saveMetadata: records of this torrent may be saved again. */
  forgetFailedMetadata(infoHashHex: string): void {
    this.metadataWrites.delete(infoHashHex);
  }

  /** The saved .torrent (preferred: it keeps trackers) or info dict, or undefined. */
  async loadMetadata(infoHashHex: string): Promise<StoredMetadata | undefined> {
    checkInfoHash(infoHashHex);
    for (const kind of ['torrent', 'info'] as const) {
      try {
        return { kind, bytes: new Uint8Array(await readFile(this.metadataPath(infoHashHex, kind))) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    return undefined;
  }

  metadataPath(infoHashHex: string, kind: MetadataKind): string {
    return path.join(this.dataDir, 'torrents', `${checkInfoHash(infoHashHex)}.${kind}`);
  }

  private consistent(infoHashHex: string, record: ResumeRecord): ResumeRecord {
    if (record.infoHashHex !== infoHashHex) {
      throw new VersionedDataError(
        'invalid',
        `resume/${infoHashHex}.json names info-hash ${record.infoHashHex}`,
      );
    }
    return record;
  }
}

function checkInfoHash(infoHashHex: string): string {
  if (!INFO_HASH_HEX.test(infoHashHex)) throw new RangeError(`bad info-hash ${JSON.stringify(infoHashHex)}`);
  return infoHashHex;
}
