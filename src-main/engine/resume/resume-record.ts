/**
 * Resume data of one torrent and its migrations (CONTRIBUTING.md: persisted data is versioned). `migrateResume` is
 * pure: raw JSON of any known version in, the current record out, or a typed
 * VersionedDataError; the engine then re-checks that torrent instead of trusting it.
 *
 * Version history:
 *  - v0: the pre-release shape (no `version` field; times in seconds; `have` bitfield;
 *    files as [size, mtime] pairs; `paused` flag).
 *  - v1: the v2 shape without `trackers`.
 *  - v2: `trackers`, the torrent's announce tiers (BEP 12), so a magnet's `tr=` and
 *    user-added trackers survive a restart. A v1 record migrates with none: the torrent
 *    keeps its metainfo's trackers and the session's defaults, as it did under v1.
 *    Optional `heldPieces` (added within v2: a record without it holds nothing, and an
 *    older v2 reader drops it): pieces whose files were edited while shared, kept out of
 *    downloading until the user rechecks.
 *  - v3: optional `roots`, for a torrent shared from several paths: where each top-level
 *    entry of the torrent lives on disk. A new version rather than a field within v2: a
 *    v2 reader would drop it and look for the files under `savePath/<name>`, find nothing
 *    and start downloading there; a v2 build now refuses the record instead. A v2 record
 *    migrates unchanged (no roots: its files are under `savePath/<name>`).
 *    Optional `unlisted` (added within v3, absent = listed): the share stays out of
 *    catalogs (the LAN's and trackers'); a reader without it drops it and lists the share.
 *    Optional `filePriorities` (added within v3 the way `heldPieces` was within v2: without
 *    it every file is wanted, as before): one priority per metainfo file, 0 skip, 1 normal,
 *    2 high.
 */
import { z } from 'zod';
import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import type { SourceRoot } from '../storage/source-roots.ts';
import type { FileStamp } from '../storage/storage.ts';
import { VersionedDataError } from './versioned-json-store.ts';

export const RESUME_VERSION = 3;

/** The current record. */
export interface ResumeRecordV3 extends Omit<ResumeRecordV2, 'version'> {
  version: 3;
  /**
   * Shared from several paths (storage/source-roots.ts): each top-level entry of the torrent
   * and the absolute path it is seeded from. Absent for every other torrent.
   */
  roots?: SourceRoot[];
  /** Per metainfo file: 0 skip, 1 normal, 2 high. Absent: every file normal. */
  filePriorities?: number[];
}

/** The v2 record (still read, migrated to v3). */
export interface ResumeRecordV2 extends Omit<ResumeRecordV1, 'version'> {
  version: 2;
  /**
   * Announce URL tiers (BEP 12) as the torrent used them: the metainfo's, the magnet's
   * `tr=`, the user's. The advertised URLs, never an engine alias (SessionOptions.trackerAlias).
   */
  trackers: string[][];
  /**
   * Pieces that stopped matching because their file was edited on disk while shared (a
   * bitfield of `pieceCount` bits, base64): not downloaded over the edit until a recheck.
   */
  heldPieces?: string;
  /** Not advertised in the LAN catalog ("Nearby"); absent = listed. */
  unlisted?: boolean;
}

/** The v1 record (still read, migrated to v2). */
export interface ResumeRecordV1 {
  version: 1;
  /** 40 lower-case hex characters; also the file name. */
  infoHashHex: string;
  name: string;
  /** Folder the torrent's file/folder lives in (FileStorage savePath). */
  savePath: string;
  addedAtMs: number;
  state: 'active' | 'paused';
  /** Pieces whose SHA-1 matched, as a BEP 3 bitfield of `pieceCount` bits, base64. */
  verifiedPieces: string;
  /** 0 while a magnet torrent has no metadata yet. */
  pieceCount: number;
  /** Size and mtime of each torrent file when saved (Storage.existingFiles order). */
  files: FileStamp[];
  uploadedBytes: number;
  downloadedBytes: number;
  completedAtMs?: number;
}

export type ResumeRecord = ResumeRecordV3;

const count = z.number().int().nonnegative();
const time = z.number().nonnegative();

/** Bounded: a record is read back on every start (BEP 12 lists are short in practice). */
const MAX_TRACKER_URLS = 256;
const announceUrl = z.string().min(1).max(2048);
/** Bounded like the metainfo parser bounds a file list. */
const MAX_FILES = 1_000_000;

/** Fields every version since v1 has. */
const recordFields = {
  infoHashHex: z.string().regex(/^[0-9a-f]{40}$/),
  name: z.string(),
  savePath: z.string().min(1),
  addedAtMs: time,
  state: z.enum(['active', 'paused']),
  verifiedPieces: z.string(),
  pieceCount: count,
  files: z.array(z.object({ sizeBytes: count, mtimeMs: time })),
  uploadedBytes: count,
  downloadedBytes: count,
  completedAtMs: time.optional(),
};

/** Bounded like the trackers: a share is made from as many paths as a user picks by hand. */
const MAX_ROOTS = 4096;

const v3Schema = z
  .object({
    ...recordFields,
    version: z.literal(3),
    roots: z
      .array(z.object({ name: z.string().min(1).max(255), path: z.string().min(1).max(4096) }))
      .min(1)
      .max(MAX_ROOTS)
      .refine((roots) => new Set(roots.map((r) => r.name)).size === roots.length, 'two roots share a name')
      .optional(),
    trackers: z
      .array(z.array(announceUrl).min(1))
      .refine((tiers) => tiers.flat().length <= MAX_TRACKER_URLS, `more than ${MAX_TRACKER_URLS} trackers`),
    heldPieces: z.string().optional(),
    unlisted: z.boolean().optional(),
    filePriorities: z.array(z.number().int().min(0).max(2)).max(MAX_FILES).optional(),
  })
  .superRefine((record, ctx) => {
    for (const key of ['verifiedPieces', 'heldPieces'] as const) {
      const bits = record[key];
      if (bits !== undefined && !bitfieldOk(record.pieceCount, bits)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `not a bitfield of ${record.pieceCount} pieces`,
        });
      }
    }
  });

const v0Schema = z.object({
  infoHash: z.string().regex(/^[0-9a-fA-F]{40}$/),
  name: z.string(),
  savePath: z.string().min(1),
  addedAt: time,
  paused: z.boolean(),
  have: z.string(),
  pieceCount: count,
  files: z.array(z.tuple([count, time])),
  uploaded: count,
  downloaded: count,
  completedAt: time.optional(),
});

type ResumeRecordV0 = z.infer<typeof v0Schema>;

function fromV0(v0: ResumeRecordV0): unknown {
  return {
    version: 1,
    infoHashHex: v0.infoHash.toLowerCase(),
    name: v0.name,
    savePath: v0.savePath,
    addedAtMs: v0.addedAt * 1000,
    state: v0.paused ? 'paused' : 'active',
    verifiedPieces: v0.have,
    pieceCount: v0.pieceCount,
    files: v0.files.map(([sizeBytes, mtimeMs]) => ({ sizeBytes, mtimeMs })),
    uploadedBytes: v0.uploaded,
    downloadedBytes: v0.downloaded,
    ...(v0.completedAt !== undefined ? { completedAtMs: v0.completedAt * 1000 } : {}),
  };
}

/** v1 → v2: no trackers were kept, so none are known. */
function fromV1(v1: unknown): unknown {
  return { ...(v1 as object), version: 2, trackers: [] };
}

/** v2 → v3: no roots (every v2 torrent lives under `savePath/<name>`). */
function fromV2(v2: unknown): unknown {
  return { ...(v2 as object), version: 3 };
}

/** Any known version → the current record. Throws VersionedDataError. */
export function migrateResume(raw: unknown): ResumeRecord {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new VersionedDataError('invalid', 'resume data is not an object');
  }
  const version = (raw as { version?: unknown }).version ?? 0;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw new VersionedDataError('invalid', `resume version ${JSON.stringify(version)} is not an integer`);
  }
  let current: unknown = raw;
  switch (version) {
    case 0:
      current = fromV2(fromV1(fromV0(parse(v0Schema, raw, 0))));
      break;
    case 1:
      // Fields are checked once, against the current schema, after the steps.
      current = fromV2(fromV1(raw));
      break;
    case 2:
      current = fromV2(raw);
      break;
    case 3:
      break;
    default:
      throw new VersionedDataError(
        'unsupported-version',
        `resume version ${version} (this build reads up to ${RESUME_VERSION})`,
      );
  }
  return parse(v3Schema, current, RESUME_VERSION) as ResumeRecord;
}

function parse<S extends z.ZodType>(schema: S, raw: unknown, version: number): z.infer<S> {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    throw new VersionedDataError('invalid', `resume v${version}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

function bitfieldOk(pieceCount: number, base64: string): boolean {
  try {
    return Bitfield.fromBase64(pieceCount, base64).hasCleanTail();
  } catch {
    return false;
  }
}

/** The record's verified pieces as a Bitfield. */
export function verifiedBitfield(record: Pick<ResumeRecord, 'pieceCount' | 'verifiedPieces'>): Bitfield {
  return Bitfield.fromBase64(record.pieceCount, record.verifiedPieces);
}
