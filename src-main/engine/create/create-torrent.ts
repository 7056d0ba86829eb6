// Creates a .torrent from a file or folder with constant memory. The calling thread plans:
// it cuts the payload into batches of whole pieces (pieces span file boundaries, BEP 3) and
// hands each batch to the hash pool as a list of file spans; the workers read the files
// themselves into one small reused buffer each and send back only the 20-byte digests. So no
// payload byte crosses threads and RSS does not grow with input. With hashOnCallingThread
// (the `create` command) the calling thread also hashes the batches no worker is waiting
// for, the same way; otherwise it stays idle.
// A file that changes while it is hashed (size or mtime differ afterwards, or it ends early)
// fails the creation: its torrent would match nothing on disk.
import { stat } from 'node:fs/promises';
import { setImmediate } from 'node:timers/promises';
import { encodeTorrent } from '../../protocol/metainfo/encode-torrent.ts';
import type { Metainfo } from '../../protocol/metainfo/metainfo-types.ts';
import { parseTorrent } from '../../protocol/metainfo/parse-torrent.ts';
import { getHashPool, HashPoolError, type HashPool } from '../workers/hash-pool.ts';
import { choosePieceLength, validatePieceLength } from './choose-piece-length.ts';
import { pathComponentProblem } from '../../protocol/metainfo/sanitize-path.ts';
import type { SourceRoot } from '../storage/source-roots.ts';
import { collectFiles, CreateInputError, type CollectedFile, type SkippedEntry } from './collect-files.ts';
import { collectRoots } from './collect-roots.ts';
import { planPieceBatches, type PieceBatch } from './plan-piece-batches.ts';

export interface CreateTorrentOptions {
  /** Torrent name (default: the file's or folder's base name; required for several paths). */
  name?: string;
  /** Power of two ≥ 16 KiB (default: chosen for ~1000–2000 pieces). */
  pieceLengthBytes?: number;
  /** BEP 12 tiers. */
  announceList?: string[][];
  private?: boolean;
  comment?: string;
  /** BEP 19 web seeds (`url-list`). */
  webSeeds?: readonly string[];
  /** Seconds since the epoch (default now); null leaves it out. */
  creationDate?: number | null;
  /** Default: the shared pool from getHashPool(). */
  hashPool?: HashPool;
  /**
   * Hash on the calling thread too, between event-loop turns, while the pool's workers hash
   * the rest (default false). Only for a thread with nothing else to do, as the `create`
   * command's: each batch blocks it for a few milliseconds.
   */
  hashOnCallingThread?: boolean;
  signal?: AbortSignal;
}

export interface CreateProgress {
  bytesHashed: number;
  totalBytes: number;
}

export interface CreateTorrentResult {
  metainfo: Metainfo;
  torrentBytes: Uint8Array;
  /** Entries of the folder that were left out (symlinks leaving it, special files). */
  skipped: SkippedEntry[];
  /** Made from several paths: where each top-level entry is read from (seeding in place). */
  roots?: SourceRoot[];
}

/**
 * Bytes per worker job. Big enough that the per-job round trip (a message each way) is noise
 * next to hashing it (~4 ms at 2 GB/s), small enough that the last jobs share out evenly.
 */
const BATCH_TARGET_BYTES = 8 * 1024 * 1024;
/**
 * Near the end, a batch is at most 1/(this · threads) of what is left: a worker holds two
 * batches at a time, so the last ones must be small for every thread to finish together
 * (with full 8 MiB batches to the end, the calling thread waited ~7 ms for the last worker).
 */
const TAPER_PER_THREAD = 4;
/** Jobs queued per worker: one being hashed, the next ones ready so no worker waits for us. */
const JOBS_PER_WORKER = 3;
/**
 * Jobs per worker when the calling thread hashes too: what the pool posts to a worker at once
 * (the one it hashes and the next), no more. The calling thread takes every other batch, so a
 * batch waiting in the pool's queue would only be one the calling thread could do sooner.
 */
const JOBS_PER_WORKER_WHILE_HASHING_HERE = 2;
/** Files stat'ed at once when checking that nothing changed. */
const STAT_CONCURRENCY = 32;

/**
 * `inputPath`: a file or folder, or several (one multi-file torrent whose top-level entries
 * are their base names; `options.name` is then required).
 */
export async function createTorrent(
  inputPath: string | readonly string[],
  options: CreateTorrentOptions = {},
  onProgress?: (progress: CreateProgress) => void,
): Promise<CreateTorrentResult> {
  const paths = typeof inputPath === 'string' ? [inputPath] : inputPath;
  if (paths.length === 0) throw new CreateInputError('not-found', 'no file or folder given');
  if (paths.length > 1 && !options.name)
    throw new CreateInputError('name-required', 'several files or folders need a name for the torrent');
  if (options.name !== undefined) {
    const problem = pathComponentProblem(options.name);
    if (problem)
      throw new CreateInputError('bad-name', `torrent name ${JSON.stringify(options.name)} has ${problem}`);
  }
  const several = paths.length > 1 ? await collectRoots(paths) : undefined;
  const input = several ?? (await collectFiles(paths[0]!));
  const totalBytes = input.files.reduce((sum, f) => sum + f.lengthBytes, 0);
  if (totalBytes === 0)
    throw new CreateInputError('empty', `${paths.join(', ')} holds no data (every file is empty)`);
  const pieceLengthBytes =
    options.pieceLengthBytes === undefined
      ? choosePieceLength(totalBytes)
      : validatePieceLength(options.pieceLengthBytes);
  const pieceHashes = await hashPayload(input.files, totalBytes, pieceLengthBytes, options, onProgress);
  const name = options.name ?? input.baseName;
  const torrentBytes = encodeTorrent({
    name,
    pieceLengthBytes,
    pieceHashes,
    multiFile: input.multiFile,
    files: input.multiFile ? input.files : [{ path: [name], lengthBytes: totalBytes }],
    announceList: options.announceList ?? [],
    private: options.private ?? false,
    ...(options.comment ? { comment: options.comment } : {}),
    ...(options.webSeeds?.length ? { webSeeds: options.webSeeds } : {}),
    ...(options.creationDate === null
      ? {}
      : { creationDate: options.creationDate ?? Math.floor(Date.now() / 1000) }),
  });
  // Parsing our own output checks it with the same rules a peer would apply.
  return {
    metainfo: parseTorrent(torrentBytes),
    torrentBytes,
    skipped: input.skipped,
    ...(several ? { roots: several.roots } : {}),
  };
}

async function hashPayload(
  files: readonly CollectedFile[],
  totalBytes: number,
  pieceLengthBytes: number,
  options: CreateTorrentOptions,
  onProgress?: (progress: CreateProgress) => void,
): Promise<Uint8Array> {
  const pool = options.hashPool ?? getHashPool();
  const here = options.hashOnCallingThread === true;
  const pieceHashes = new Uint8Array(20 * Math.ceil(totalBytes / pieceLengthBytes));
  const maxInFlight = (here ? JOBS_PER_WORKER_WHILE_HASHING_HERE : JOBS_PER_WORKER) * pool.size;
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let bytesHashed = 0;
  const record = (batch: PieceBatch, digests: Uint8Array): void => {
    pieceHashes.set(digests, 20 * batch.firstPiece);
    bytesHashed += batch.lengthBytes;
    onProgress?.({ bytesHashed, totalBytes });
  };
  onProgress?.({ bytesHashed, totalBytes });
  const threads = pool.size + (here ? 1 : 0);
  const batches = planPieceBatches(files, pieceLengthBytes, BATCH_TARGET_BYTES, {
    taper: TAPER_PER_THREAD * threads,
  });
  try {
    for (let next = batches.next(); !next.done && failure === undefined;) {
      options.signal?.throwIfAborted();
      const batch = next.value;
      if (inFlight.size < maxInFlight) {
        // The pool first, so that no worker waits while this thread hashes.
        const job = pool
          .sha1FilePieces(batch.spans, pieceLengthBytes)
          .then((digests) => record(batch, digests))
          .catch((err: unknown) => {
            failure ??= asCreateError(err);
          })
          .finally(() => inFlight.delete(job));
        inFlight.add(job);
      } else if (here) {
        try {
          record(batch, pool.sha1FilePiecesHere(batch.spans, pieceLengthBytes));
        } catch (err) {
          failure ??= asCreateError(err);
        }
        // Lets the workers' answers in (they are given their next batch on the next turn),
        // the progress bar redraw and an abort land.
        await setImmediate();
      } else {
        await Promise.race(inFlight);
        continue;
      }
      next = batches.next();
    }
  } finally {
    // Never return while workers still read our files, even on error or abort.
    await Promise.allSettled([...inFlight]);
  }
  if (failure !== undefined) throw failure;
  options.signal?.throwIfAborted();
  await checkUnchanged(files);
  return pieceHashes;
}

function asCreateError(err: unknown): unknown {
  if (!(err instanceof HashPoolError)) return err;
  if (err.code === 'file-short' && err.path !== undefined) return changed(err.path);
  if (err.code === 'file-unreadable') return new CreateInputError('unreadable', err.message);
  return err;
}

/** Size and mtime as listed before hashing, or the pieces may not match the files. */
async function checkUnchanged(files: readonly CollectedFile[]): Promise<void> {
  for (let i = 0; i < files.length; i += STAT_CONCURRENCY) {
    await Promise.all(
      files.slice(i, i + STAT_CONCURRENCY).map(async (file) => {
        const now = await stat(file.absolutePath).catch(() => undefined);
        if (now?.size !== file.lengthBytes || now.mtimeMs !== file.mtimeMs) throw changed(file.absolutePath);
      }),
    );
  }
}

const changed = (path: string) =>
  new CreateInputError('changed', `${path} changed while it was being hashed; try again once it is complete`);
