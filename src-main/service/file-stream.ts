/**
 * Serving a torrent's file over HTTP while it downloads (the in-app player, "Open with…"),
 * shared by both hosts: the daemon routes `/api/stream/…` here behind its access token,
 * and the Electron main process runs `StreamServer` (stream-server.ts) on loopback with a
 * token of its own. Range requests (RFC 9110 §14) let a player seek: each read waits for
 * verified pieces and moves the picker's deadlines to the read position
 * (engine/torrent/file-readers.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FileReader, Session } from '../engine/session-api.ts';

/** Path of file `fileIndex` of torrent `id` (both hosts serve it below their origin). */
export function streamPath(id: string, fileIndex: number): string {
  return `/api/stream/${id}/${fileIndex}`;
}

/** `/api/stream/<40 hex>/<file index>` (an optional trailing name for players that want one). */
export function parseStreamPath(pathname: string): { id: string; fileIndex: number } | null {
  const m = /^\/api\/stream\/([0-9a-f]{40})\/(\d{1,9})(?:\/[^/]*)?$/.exec(pathname);
  return m ? { id: m[1]!, fileIndex: Number(m[2]) } : null;
}

export type ByteRange = { start: number; end: number };

/**
 * One `bytes=` range of a file of `lengthBytes` (inclusive end), null when the header is
 * absent or not a single byte range (then the whole file is sent, as RFC 9110 allows), or
 * 'unsatisfiable' (416).
 */
export function parseRange(
  header: string | undefined,
  lengthBytes: number,
): ByteRange | null | 'unsatisfiable' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    // Suffix: the last N bytes.
    const n = Number(m[2]);
    if (n === 0 || lengthBytes === 0) return 'unsatisfiable';
    return { start: Math.max(0, lengthBytes - n), end: lengthBytes - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? lengthBytes - 1 : Math.min(Number(m[2]), lengthBytes - 1);
  if (!Number.isSafeInteger(start) || start >= lengthBytes || end < start) return 'unsatisfiable';
  return { start, end };
}

const CONTENT_TYPES: Record<string, string> = {
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  ogv: 'video/ogg',
  mov: 'video/quicktime',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  oga: 'audio/ogg',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  wav: 'audio/wav',
  flac: 'audio/flac',
  txt: 'text/plain; charset=utf-8',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
};

export function contentTypeOf(path: string): string {
  const ext = /\.([a-z0-9]{1,5})$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}

/** Bytes asked of the reader at once: it answers with less as soon as the first piece is in. */
const CHUNK_BYTES = 1024 * 1024;
/**
 * Chunk buffers one response cycles through: one being filled from the disk while the
 * others are written to the socket. A fresh buffer per chunk cost more CPU than the
 * download it was serving (garbage collection of 1 MiB external buffers, docs/BENCHMARKS.md
 * stream-play).
 */
const BUFFERS_PER_RESPONSE = 3;

/** The reusable chunk buffers of one response. */
class ChunkBuffers {
  private readonly free: Uint8Array[] = [];
  private created = 0;
  private waiter: ((buffer: Uint8Array | null) => void) | null = null;

  constructor(private readonly res: ServerResponse) {
    res.once('close', () => this.wakeWaiter(null));
  }

  /** A free buffer, or null once the response is closed. */
  take(): Promise<Uint8Array | null> {
    if (this.res.destroyed) return Promise.resolve(null);
    const buffer = this.free.pop();
    if (buffer) return Promise.resolve(buffer);
    if (this.created < BUFFERS_PER_RESPONSE) {
      this.created++;
      return Promise.resolve(Buffer.allocUnsafe(CHUNK_BYTES));
    }
    return new Promise((resolve) => (this.waiter = resolve));
  }

  give(buffer: Uint8Array): void {
    if (this.waiter) this.wakeWaiter(buffer);
    else this.free.push(buffer);
  }

  private wakeWaiter(buffer: Uint8Array | null): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.(buffer);
  }
}

/**
 * Answers one GET/HEAD for a file of a torrent: 200 (whole file) or 206 (one range), 416
 * for a range outside the file, 404 for an unknown torrent or file. The token has been
 * checked by the caller.
 */
export async function serveFileStream(
  session: Pick<Session, 'openFileReader'>,
  target: { id: string; fileIndex: number },
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
    return;
  }
  let reader: FileReader;
  try {
    reader = await session.openFileReader(target.id, target.fileIndex);
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    const status =
      code === 'unknown-torrent' || code === 'bad-request' ? 404 : code === 'no-metadata' ? 503 : 500;
    res.writeHead(status, { ...headers, 'Content-Type': 'text/plain' }).end(String(code ?? 'error'));
    return;
  }
  const closeReader = () => reader.close();
  res.on('close', closeReader);
  try {
    const length = reader.lengthBytes;
    const range = parseRange(req.headers.range, length);
    const base = {
      ...headers,
      'Accept-Ranges': 'bytes',
      'Content-Type': contentTypeOf(reader.path),
      'Cache-Control': 'no-store',
    };
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...base, 'Content-Range': `bytes */${length}` }).end();
      return;
    }
    const { start, end } = range ?? { start: 0, end: length - 1 };
    const count = Math.max(0, end - start + 1);
    res.writeHead(range ? 206 : 200, {
      ...base,
      'Content-Length': String(count),
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${length}` } : {}),
    });
    if (req.method === 'HEAD' || count === 0) {
      res.end();
      return;
    }
    const buffers = new ChunkBuffers(res);
    for (let at = start; at <= end && !res.destroyed;) {
      const buffer = await buffers.take();
      if (!buffer) break; // the response is gone
      const n = await reader.readInto(at, buffer.subarray(0, Math.min(CHUNK_BYTES, end + 1 - at)));
      if (n === 0) break;
      at += n;
      // The buffer is reused once the socket has taken its bytes (the write's callback).
      if (!res.write(buffer.subarray(0, n), () => buffers.give(buffer))) await drained(res);
    }
    res.end();
  } catch (err) {
    // Headers are out: all we can do is cut the response short (the player sees the error).
    if ((err as { code?: unknown } | null)?.code !== 'reader-closed')
      res.destroy(err instanceof Error ? err : undefined);
  } finally {
    res.off('close', closeReader);
    reader.close();
  }
}

/** Until the response can take more (or is gone), without leaving listeners behind. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
