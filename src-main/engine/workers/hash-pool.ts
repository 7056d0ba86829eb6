// SHA-1 off the main thread (docs/ARCHITECTURE.md, threads: hashing gigabytes must not freeze the window).
// A fixed pool of worker_threads, one per core by default; jobs queue when all are busy.
// The worker is inline source run with `eval: true`, so it behaves the same under vitest
// (TypeScript sources, no build) and in the esbuild bundle (no separate worker file to ship).
//
// Copies. postMessage clones a typed array's *whole* backing ArrayBuffer, so by default we
// copy exactly the view's bytes once and transfer that copy: one memcpy (~10 GB/s, cheap
// next to SHA-1 at ~1 GB/s), and the caller may reuse its buffer as soon as sha1() returns.
// - `{ transfer: true }` hands over the caller's ArrayBuffer with no copy; it is detached
//   (length 0) afterwards. Honoured only when the view spans its whole ArrayBuffer (never a
//   slice of a pooled Buffer, which would detach unrelated data); otherwise we copy.
// - Views on a SharedArrayBuffer are never copied: the worker reads the shared memory, and
//   the caller must not write those bytes until the promise settles.
// - sha1FilePieces() sends no data at all: the worker reads the files itself (see below).
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { hashFileSpans, READ_CHUNK_BYTES, type PathSpan, type FileSpanError } from './hash-file-spans.ts';

export type { PathSpan } from './hash-file-spans.ts';

export type HashPoolErrorCode =
  | 'closed'
  | 'worker-crashed'
  | 'hash-failed'
  /** sha1FilePieces: a file could not be opened or read (`path` says which). */
  | 'file-unreadable'
  /** sha1FilePieces: a file ended before the span did, i.e. it shrank (`path` says which). */
  | 'file-short';

export class HashPoolError extends Error {
  override readonly name = 'HashPoolError';
  constructor(
    readonly code: HashPoolErrorCode,
    message: string,
    /** The file concerned, for the file-* codes. */
    readonly path?: string,
  ) {
    super(message);
  }
}

export interface HashPoolOptions {
  /** Number of worker threads (default `os.availableParallelism()`). */
  size?: number;
  /** Replaces the worker's source; only tests use this (to make a worker crash). */
  workerSource?: string;
}

export interface Sha1Options {
  /** Transfer `data.buffer` to the worker instead of copying (it is detached afterwards). */
  transfer?: boolean;
}

/**
 * CommonJS run inside each worker: `{ id, data, pieceLength }` or `{ id, spans, pieceLength }`
 * in, `{ id, digest }` or `{ id, error, errorCode?, path? }` out. With pieceLength 0 the digest
 * is SHA-1 of all of `data`; otherwise it is the concatenated SHA-1 of each pieceLength slice
 * (the last may be shorter) of `data`, or of the concatenated file spans.
 *
 * File spans are read and hashed by hashFileSpans (its source is embedded below), with one
 * read buffer per worker allocated on first use.
 */
export const HASH_WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const io = { createHash, openSync, readSync, closeSync };
const sha1 = (bytes) => createHash('sha1').update(bytes).digest();
const hashFileSpans = ${hashFileSpans.toString()};
let readBuffer = null;
parentPort.on('message', (job) => {
  let reply;
  try {
    const { data, pieceLength } = job;
    let digest;
    if (job.spans) {
      readBuffer ??= Buffer.allocUnsafeSlow(${READ_CHUNK_BYTES});
      digest = hashFileSpans(job.spans, pieceLength, readBuffer, io);
    } else if (pieceLength > 0) {
      const count = Math.ceil(data.length / pieceLength);
      digest = new Uint8Array(20 * count);
      for (let i = 0; i < count; i++) digest.set(sha1(data.subarray(i * pieceLength, (i + 1) * pieceLength)), 20 * i);
    } else {
      digest = new Uint8Array(sha1(data));
    }
    reply = { id: job.id, digest };
  } catch (err) {
    const error = String((err && err.message) || err);
    reply = { id: job.id, error, errorCode: err && err.errorCode, path: err && err.path };
  }
  parentPort.postMessage(reply);
});
`;

interface Job {
  id: number;
  /** Bytes to hash, or null for a file job. */
  data: Uint8Array | null;
  spans: readonly PathSpan[] | null;
  pieceLength: number;
  transferList: ArrayBuffer[];
  resolve(digest: Uint8Array): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  /** Posted to this worker and not answered yet, oldest first (the worker answers in order). */
  jobs: Job[];
}

/**
 * File jobs a worker may hold at once: the one it hashes and the next, already in its port,
 * so it never waits for the main thread between jobs (that round trip cost 3–12% of a create
 * on a busy 2-core machine). Only file jobs are queued in a worker: they can be sent again if
 * the worker dies, whereas a data job's buffer is transferred away.
 */
const FILE_JOBS_PER_WORKER = 2;

interface Reply {
  id: number;
  digest?: Uint8Array;
  error?: string;
  errorCode?: 'file-unreadable' | 'file-short';
  path?: string;
}

export class HashPool {
  readonly size: number;
  private readonly source: string;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private closing: Promise<void> | null = null;
  /** sha1FilePiecesHere's read buffer, allocated on first use. */
  private readBuffer: Buffer | null = null;

  constructor(options: HashPoolOptions = {}) {
    const size = options.size ?? availableParallelism();
    if (!Number.isSafeInteger(size) || size < 1)
      throw new RangeError(`hash pool size must be a positive integer, got ${size}`);
    this.size = size;
    this.source = options.workerSource ?? HASH_WORKER_SOURCE;
  }

  /** Jobs waiting for a worker plus jobs being hashed. */
  get pendingCount(): number {
    return this.slots.reduce((sum, s) => sum + s.jobs.length, this.queue.length);
  }

  /** SHA-1 of `data` (20 bytes), computed in a worker thread. */
  sha1(data: Uint8Array, options: Sha1Options = {}): Promise<Uint8Array> {
    return this.submit(data, 0, options);
  }

  /**
   * SHA-1 of each `pieceLengthBytes` slice of `data` (the last may be shorter), concatenated:
   * 20·⌈length/pieceLength⌉ bytes. One message for many small pieces keeps per-job overhead
   * off the hashing of torrents with small pieces.
   */
  sha1Pieces(data: Uint8Array, pieceLengthBytes: number, options: Sha1Options = {}): Promise<Uint8Array> {
    if (!Number.isSafeInteger(pieceLengthBytes) || pieceLengthBytes < 1) {
      return Promise.reject(
        new RangeError(`piece length must be a positive integer, got ${pieceLengthBytes}`),
      );
    }
    return this.submit(data, pieceLengthBytes, options);
  }

  /**
   * Like sha1Pieces over the concatenation of `spans`, but the worker reads the files itself
   * (no payload crosses threads; the worker's read buffer is its only memory). The spans must
   * start on a piece boundary; only the last piece may be short. A file that cannot be read
   * rejects with code 'file-unreadable', one that ends early with 'file-short'.
   */
  sha1FilePieces(spans: readonly PathSpan[], pieceLengthBytes: number): Promise<Uint8Array> {
    const invalid = checkFileJob(spans, pieceLengthBytes);
    if (invalid) return Promise.reject(invalid);
    if (this.closed) return Promise.reject(new HashPoolError('closed', 'hash pool is closed'));
    return new Promise<Uint8Array>((resolve, reject) => {
      const pieceLength = pieceLengthBytes;
      this.queue.push({
        id: this.nextId++,
        data: null,
        spans,
        pieceLength,
        transferList: [],
        resolve,
        reject,
      });
      this.dispatch();
    });
  }

  /**
   * The job of sha1FilePieces, done synchronously on the calling thread (same digests, same
   * errors). For a caller whose thread would otherwise sit idle while the workers hash: the
   * `create` command. Never for the app's thread, which would stall for the whole call.
   */
  sha1FilePiecesHere(spans: readonly PathSpan[], pieceLengthBytes: number): Uint8Array {
    const invalid = checkFileJob(spans, pieceLengthBytes);
    if (invalid) throw invalid;
    this.readBuffer ??= Buffer.allocUnsafeSlow(READ_CHUNK_BYTES);
    try {
      return hashFileSpans(spans, pieceLengthBytes, this.readBuffer, {
        createHash,
        openSync,
        readSync,
        closeSync,
      });
    } catch (err) {
      const { errorCode, path, message } = err as Partial<FileSpanError>;
      if (errorCode) throw new HashPoolError(errorCode, message ?? errorCode, path);
      throw new HashPoolError('hash-failed', `SHA-1 failed: ${String(message ?? err)}`);
    }
  }

  /**
   * Starts every worker now instead of on first use, so their start-up (~20 ms each) runs
   * while the caller still prepares the first jobs. Idempotent.
   */
  prestart(): void {
    while (!this.closed && this.slots.length < this.size) this.spawn().worker.unref();
  }

  private submit(data: Uint8Array, pieceLength: number, options: Sha1Options): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new HashPoolError('closed', 'hash pool is closed'));
    const { payload, transferList } = prepare(data, options.transfer === true);
    return new Promise<Uint8Array>((resolve, reject) => {
      this.queue.push({
        id: this.nextId++,
        data: payload,
        spans: null,
        pieceLength,
        transferList,
        resolve,
        reject,
      });
      this.dispatch();
    });
  }

  /** Rejects every pending job and stops the workers. Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    const err = new HashPoolError('closed', 'hash pool closed');
    for (const job of this.queue.splice(0)) job.reject(err);
    const slots = this.slots.splice(0);
    for (const slot of slots) for (const job of slot.jobs.splice(0)) job.reject(err);
    this.closing = Promise.all(slots.map((s) => s.worker.terminate())).then(() => undefined);
    return this.closing;
  }

  private dispatch(): void {
    for (let job = this.queue[0]; job; job = this.queue[0]) {
      const slot = this.pickSlot(job);
      if (!slot) return;
      this.queue.shift();
      slot.jobs.push(job);
      // A busy worker keeps the process alive; an idle one must not (CLI exits when done).
      slot.worker.ref();
      const message = job.spans
        ? { id: job.id, spans: job.spans, pieceLength: job.pieceLength }
        : { id: job.id, data: job.data, pieceLength: job.pieceLength };
      slot.worker.postMessage(message, job.transferList);
    }
  }

  /** An idle worker, a new one, or for a file job the least busy worker holding only file jobs. */
  private pickSlot(job: Job): Slot | undefined {
    const idle = this.slots.find((s) => s.jobs.length === 0);
    if (idle) return idle;
    if (this.slots.length < this.size) return this.spawn();
    if (!job.spans) return undefined;
    let best: Slot | undefined;
    for (const slot of this.slots) {
      const fits = slot.jobs.length < FILE_JOBS_PER_WORKER && slot.jobs.every((j) => j.spans);
      if (fits && (!best || slot.jobs.length < best.jobs.length)) best = slot;
    }
    return best;
  }

  private spawn(): Slot {
    const worker = new Worker(this.source, { eval: true });
    const slot: Slot = { worker, jobs: [] };
    this.slots.push(slot);
    worker.on('message', (reply: Reply) => {
      const job = slot.jobs[0];
      if (!job || job.id !== reply.id) return;
      slot.jobs.shift();
      if (slot.jobs.length === 0) worker.unref();
      if (reply.digest) job.resolve(reply.digest);
      else if (reply.errorCode)
        job.reject(new HashPoolError(reply.errorCode, reply.error ?? reply.errorCode, reply.path));
      else
        job.reject(
          new HashPoolError('hash-failed', `SHA-1 failed in worker: ${reply.error ?? 'unknown error'}`),
        );
      this.dispatch();
    });
    // 'error' is followed by 'exit'; handle both in one place.
    worker.on('error', () => undefined);
    worker.on('exit', (code) => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return; // removed by close()
      this.slots.splice(index, 1);
      // The oldest unanswered job killed it; the file jobs queued behind it go back to the pool.
      const [crashed, ...waiting] = slot.jobs.splice(0);
      crashed?.reject(new HashPoolError('worker-crashed', `hash worker exited with code ${code}`));
      this.queue.unshift(...waiting);
      // The replacement is spawned on demand by dispatch().
      this.dispatch();
    });
    return slot;
  }
}

function checkFileJob(spans: readonly PathSpan[], pieceLengthBytes: number): RangeError | undefined {
  if (!Number.isSafeInteger(pieceLengthBytes) || pieceLengthBytes < 1)
    return new RangeError(`piece length must be a positive integer, got ${pieceLengthBytes}`);
  const bad = spans.find(
    (s) =>
      !Number.isSafeInteger(s.offsetBytes) ||
      s.offsetBytes < 0 ||
      !Number.isSafeInteger(s.lengthBytes) ||
      s.lengthBytes < 0,
  );
  return bad ? new RangeError(`bad file span ${JSON.stringify(bad)}`) : undefined;
}

function prepare(data: Uint8Array, transfer: boolean): { payload: Uint8Array; transferList: ArrayBuffer[] } {
  const buffer = data.buffer;
  if (typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer)
    return { payload: data, transferList: [] };
  if (transfer && data.byteOffset === 0 && data.byteLength === buffer.byteLength) {
    return { payload: data, transferList: [buffer as ArrayBuffer] };
  }
  const copy = new Uint8Array(data); // exactly the view's bytes, in a fresh ArrayBuffer
  return { payload: copy, transferList: [copy.buffer] };
}

let shared: HashPool | null = null;

/** The process-wide pool, created on first use. */
export function getHashPool(): HashPool {
  shared ??= new HashPool();
  return shared;
}

/** Closes the process-wide pool (a later getHashPool() makes a new one). */
export async function closeHashPool(): Promise<void> {
  const pool = shared;
  shared = null;
  await pool?.close();
}
