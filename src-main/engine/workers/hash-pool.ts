// SHA-1 off the main thread (DESIGN.md: hashing gigabytes must not freeze the window).
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
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export type HashPoolErrorCode = 'closed' | 'worker-crashed' | 'hash-failed';

export class HashPoolError extends Error {
  override readonly name = 'HashPoolError';
  constructor(
    readonly code: HashPoolErrorCode,
    message: string,
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
 * CommonJS run inside each worker: `{ id, data, pieceLength }` in, `{ id, digest }` or
 * `{ id, error }` out. With pieceLength 0 the digest is SHA-1 of all of `data`; otherwise it
 * is the concatenated SHA-1 of each pieceLength slice (the last may be shorter).
 */
export const HASH_WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const sha1 = (bytes) => createHash('sha1').update(bytes).digest();
parentPort.on('message', (job) => {
  let reply;
  try {
    const { data, pieceLength } = job;
    let digest;
    if (pieceLength > 0) {
      const count = Math.ceil(data.length / pieceLength);
      digest = new Uint8Array(20 * count);
      for (let i = 0; i < count; i++) digest.set(sha1(data.subarray(i * pieceLength, (i + 1) * pieceLength)), 20 * i);
    } else {
      digest = new Uint8Array(sha1(data));
    }
    reply = { id: job.id, digest };
  } catch (err) {
    reply = { id: job.id, error: String((err && err.message) || err) };
  }
  parentPort.postMessage(reply);
});
`;

interface Job {
  id: number;
  data: Uint8Array;
  pieceLength: number;
  transferList: ArrayBuffer[];
  resolve(digest: Uint8Array): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

interface Reply {
  id: number;
  digest?: Uint8Array;
  error?: string;
}

export class HashPool {
  readonly size: number;
  private readonly source: string;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private closing: Promise<void> | null = null;

  constructor(options: HashPoolOptions = {}) {
    const size = options.size ?? availableParallelism();
    if (!Number.isSafeInteger(size) || size < 1)
      throw new RangeError(`hash pool size must be a positive integer, got ${size}`);
    this.size = size;
    this.source = options.workerSource ?? HASH_WORKER_SOURCE;
  }

  /** Jobs waiting for a worker plus jobs being hashed. */
  get pendingCount(): number {
    return this.queue.length + this.slots.filter((s) => s.job).length;
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

  private submit(data: Uint8Array, pieceLength: number, options: Sha1Options): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new HashPoolError('closed', 'hash pool is closed'));
    const { payload, transferList } = prepare(data, options.transfer === true);
    return new Promise<Uint8Array>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, data: payload, pieceLength, transferList, resolve, reject });
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
    for (const slot of slots) slot.job?.reject(err);
    this.closing = Promise.all(slots.map((s) => s.worker.terminate())).then(() => undefined);
    return this.closing;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === null);
      if (!slot) {
        if (this.slots.length >= this.size) return;
        slot = this.spawn();
      }
      const job = this.queue.shift()!;
      slot.job = job;
      // A busy worker keeps the process alive; an idle one must not (CLI exits when done).
      slot.worker.ref();
      slot.worker.postMessage({ id: job.id, data: job.data, pieceLength: job.pieceLength }, job.transferList);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.source, { eval: true });
    const slot: Slot = { worker, job: null };
    this.slots.push(slot);
    worker.on('message', (reply: Reply) => {
      const job = slot.job;
      if (!job || job.id !== reply.id) return;
      slot.job = null;
      worker.unref();
      if (reply.digest) job.resolve(reply.digest);
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
      slot.job?.reject(new HashPoolError('worker-crashed', `hash worker exited with code ${code}`));
      slot.job = null;
      // The replacement is spawned on demand by dispatch().
      this.dispatch();
    });
    return slot;
  }
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
