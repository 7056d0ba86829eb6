// Creates a .torrent from a file or folder with constant memory: files are read with large
// sequential reads straight into a few reusable SharedArrayBuffer batches (no copy on the way
// to the hash workers), pieces span file boundaries as BEP 3 requires, and at most
// `slotCount` batches are in flight, so RSS does not grow with the size of the input.
import { encodeTorrent } from '../../protocol/metainfo/encode-torrent.ts';
import type { Metainfo } from '../../protocol/metainfo/metainfo-types.ts';
import { parseTorrent } from '../../protocol/metainfo/parse-torrent.ts';
import { getHashPool, type HashPool } from '../workers/hash-pool.ts';
import { choosePieceLength, validatePieceLength } from './choose-piece-length.ts';
import { collectFiles, CreateInputError, type SkippedEntry } from './collect-files.ts';
import { FileSequenceReader } from './file-sequence-reader.ts';

export interface CreateTorrentOptions {
  /** Torrent name (default: the file's or folder's base name). */
  name?: string;
  /** Power of two ≥ 16 KiB (default: chosen for ~1000–2000 pieces). */
  pieceLengthBytes?: number;
  /** BEP 12 tiers. */
  announceList?: string[][];
  private?: boolean;
  comment?: string;
  /** Seconds since the epoch (default now); null leaves it out. */
  creationDate?: number | null;
  /** Default: the shared pool from getHashPool(). */
  hashPool?: HashPool;
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
}

/** Bytes handed to a worker per job: several small pieces share one message. */
const BATCH_TARGET_BYTES = 4 * 1024 * 1024;
/** Upper bound on batch memory in flight, whatever the core count. */
const MAX_IN_FLIGHT_BYTES = 64 * 1024 * 1024;
const MAX_READ_BYTES = 4 * 1024 * 1024;

export async function createTorrent(
  inputPath: string,
  options: CreateTorrentOptions = {},
  onProgress?: (progress: CreateProgress) => void,
): Promise<CreateTorrentResult> {
  const input = await collectFiles(inputPath);
  const totalBytes = input.files.reduce((sum, f) => sum + f.lengthBytes, 0);
  if (totalBytes === 0)
    throw new CreateInputError('empty', `${inputPath} holds no data (every file is empty)`);
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
    ...(options.creationDate === null
      ? {}
      : { creationDate: options.creationDate ?? Math.floor(Date.now() / 1000) }),
  });
  // Parsing our own output checks it with the same rules a peer would apply.
  return { metainfo: parseTorrent(torrentBytes), torrentBytes, skipped: input.skipped };
}

async function hashPayload(
  files: readonly { absolutePath: string; lengthBytes: number }[],
  totalBytes: number,
  pieceLengthBytes: number,
  options: CreateTorrentOptions,
  onProgress?: (progress: CreateProgress) => void,
): Promise<Uint8Array> {
  const pool = options.hashPool ?? getHashPool();
  const pieceCount = Math.ceil(totalBytes / pieceLengthBytes);
  const pieceHashes = new Uint8Array(20 * pieceCount);
  const batchBytes = pieceLengthBytes * Math.max(1, Math.floor(BATCH_TARGET_BYTES / pieceLengthBytes));
  const slotCount = Math.max(2, Math.min(2 * pool.size, Math.floor(MAX_IN_FLIGHT_BYTES / batchBytes)));
  const slots = new BatchSlots(slotCount, Math.min(batchBytes, totalBytes));
  const reader = new FileSequenceReader(files, MAX_READ_BYTES);
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let bytesHashed = 0;
  onProgress?.({ bytesHashed, totalBytes });
  try {
    for (let offset = 0; offset < totalBytes && failure === undefined;) {
      options.signal?.throwIfAborted();
      const slot = await slots.acquire();
      const length = Math.min(batchBytes, totalBytes - offset);
      try {
        await reader.fill(slot, length);
      } catch (err) {
        slots.release(slot);
        throw err;
      }
      const firstPiece = offset / pieceLengthBytes;
      offset += length;
      const job = pool
        .sha1Pieces(slot.subarray(0, length), pieceLengthBytes)
        .then((digests) => {
          pieceHashes.set(digests, 20 * firstPiece);
          bytesHashed += length;
          onProgress?.({ bytesHashed, totalBytes });
        })
        .catch((err: unknown) => {
          failure ??= err;
        })
        .finally(() => {
          slots.release(slot);
          inFlight.delete(job);
        });
      inFlight.add(job);
    }
  } finally {
    // Never leave jobs reading our buffers behind, even on error or abort.
    await Promise.allSettled([...inFlight]);
    await reader.close();
  }
  if (failure !== undefined) throw failure;
  options.signal?.throwIfAborted();
  return pieceHashes;
}

/** A fixed set of reusable batch buffers; acquire() waits while all are with workers. */
class BatchSlots {
  private readonly free: Uint8Array[] = [];
  private readonly waiters: ((slot: Uint8Array) => void)[] = [];
  private allocated = 0;

  constructor(
    private readonly count: number,
    private readonly sizeBytes: number,
  ) {}

  acquire(): Promise<Uint8Array> {
    const slot = this.free.pop();
    if (slot) return Promise.resolve(slot);
    if (this.allocated < this.count) {
      this.allocated++;
      // Shared memory: the hash worker reads it in place, no copy per batch.
      return Promise.resolve(new Uint8Array(new SharedArrayBuffer(this.sizeBytes)));
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(slot: Uint8Array): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(slot);
    else this.free.push(slot);
  }
}
