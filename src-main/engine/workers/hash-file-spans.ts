// SHA-1 of every piece of a run of file spans, read with synchronous preads through one
// reused buffer and hashed incrementally: memory stays constant whatever the piece length,
// and each chunk is hashed while it is still in the core's L2 cache.
//
// One definition runs in two places: hash workers (HASH_WORKER_SOURCE embeds this function's
// source text, so the worker stays inline eval'd code with no file to ship) and the calling
// thread of `swarmdrop create`, which hashes alongside its workers. That is why the function
// touches nothing outside its parameters: Node's fs and crypto arrive in `io`, and errors are
// plain Errors carrying `errorCode` and `path`, which the caller turns into HashPoolErrors.
// (A coverage tool that instruments source text would break the embedded copy; V8's does not.)
import type { Hash } from 'node:crypto';

/**
 * `lengthBytes` bytes of the file at `path` from `offsetBytes`: one part of a piece batch.
 * (storage/piece-layout.ts has FileSpan: a run inside a torrent's file, by index.)
 */
export interface PathSpan {
  path: string;
  offsetBytes: number;
  lengthBytes: number;
}

/** The parts of node:fs and node:crypto the hashing uses. */
export interface FileSpanIo {
  createHash(algorithm: 'sha1'): Hash;
  openSync(path: string, flags: 'r'): number;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  closeSync(fd: number): void;
}

/** What a failed read throws: the file concerned and why. */
export interface FileSpanError extends Error {
  errorCode: 'file-unreadable' | 'file-short';
  path: string;
}

/**
 * Bytes per pread. The kernel's copy out of the page cache is fast only while the buffer it
 * writes stays in the core's cache. On the AMD EPYC VM of the 2026-12-07 benchmarks, reading
 * a cached 1 GiB file cost 0.17 s of system CPU in 64 or 128 KiB reads and 0.5–0.76 s in
 * 256 KiB to 4 MiB ones (`_copy_to_iter` then ran at memory speed), and `swarmdrop create`
 * of 1 GiB took 0.64–0.69 s instead of 0.86–0.98 s. An earlier VM had measured 512 KiB
 * ~10% faster than 128 KiB; the loss there is small against the gain here.
 */
export const READ_CHUNK_BYTES = 128 * 1024;

/**
 * The concatenated SHA-1 of each `pieceLength` slice of the concatenated spans (the last may
 * be shorter), reading through `readBuffer`. The spans must start on a piece boundary.
 */
export function hashFileSpans(
  spans: readonly PathSpan[],
  pieceLength: number,
  readBuffer: Uint8Array,
  io: FileSpanIo,
): Uint8Array {
  const fail = (errorCode: FileSpanError['errorCode'], path: string, message: string): FileSpanError =>
    Object.assign(new Error(message), { errorCode, path });
  const total = spans.reduce((sum, s) => sum + s.lengthBytes, 0);
  const digests = new Uint8Array(20 * Math.ceil(total / pieceLength));
  let hash = io.createHash('sha1');
  let inPiece = 0;
  let piece = 0;
  for (const { path, offsetBytes, lengthBytes } of spans) {
    let fd: number;
    try {
      fd = io.openSync(path, 'r');
    } catch (err) {
      throw fail('file-unreadable', path, `${path}: ${(err as Error).message}`);
    }
    try {
      for (let position = offsetBytes, end = offsetBytes + lengthBytes; position < end;) {
        let n: number;
        try {
          n = io.readSync(fd, readBuffer, 0, Math.min(readBuffer.length, end - position), position);
        } catch (err) {
          throw fail('file-unreadable', path, `${path}: ${(err as Error).message}`);
        }
        if (n === 0) throw fail('file-short', path, `${path} ended at byte ${position}, expected ${end}`);
        position += n;
        // One read may hold the end of a piece and the start of the next ones.
        for (let used = 0; used < n;) {
          const take = Math.min(n - used, pieceLength - inPiece);
          hash.update(readBuffer.subarray(used, used + take));
          used += take;
          inPiece += take;
          if (inPiece === pieceLength) {
            digests.set(hash.digest(), 20 * piece++);
            hash = io.createHash('sha1');
            inPiece = 0;
          }
        }
      }
    } finally {
      io.closeSync(fd);
    }
  }
  if (inPiece > 0) digests.set(hash.digest(), 20 * piece);
  return digests;
}
