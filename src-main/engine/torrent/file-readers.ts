/**
 * Reading a torrent's file while it downloads (play while it downloads). Each open reader
 * has a read position; the pieces under it and a read-ahead window after it become the
 * picker's deadlines (picker NOTES.md), most urgent first, so the bytes a player needs next
 * are fetched before anything else. A read waits until the piece at its offset is verified
 * (SHA-1, BEP 3: unverified bytes are never served), then returns what is contiguous and
 * verified from there.
 */
import type { Bitfield } from '../../../src-shared/util/bitfield.ts';
import type { Metainfo } from '../../protocol/metainfo/metainfo-types.ts';
import type { Storage } from '../storage/storage.ts';

/** One file, readable while it downloads. */
export interface FileReader {
  /** Path inside the torrent, '/'-joined. */
  readonly path: string;
  readonly lengthBytes: number;
  /**
   * Up to `maxBytes` from `offsetBytes` (clamped to the file), as soon as the piece at
   * `offsetBytes` is verified: what is verified and contiguous from there, at least one
   * byte. Rejects with code 'reader-closed' once closed (or the torrent went away), and
   * with the storage's error when the bytes cannot be read.
   */
  read(offsetBytes: number, maxBytes: number): Promise<Uint8Array>;
  /**
   * `read` into the caller's buffer (up to `out.length` bytes): resolves with how many bytes
   * were written at its start, 0 only past the end of the file. A server that streams a
   * whole file reuses a few buffers this way instead of allocating one per chunk: at
   * hundreds of MB/s the allocations kept the garbage collector busy on the engine's
   * thread (docs/BENCHMARKS.md, stream-play).
   */
  readInto(offsetBytes: number, out: Uint8Array): Promise<number>;
  /** Stops steering the picker. Idempotent. */
  close(): void;
}

/** What the readers need from their torrent. */
export interface ReaderHost {
  metainfo(): Metainfo | null;
  /** Verified pieces now (null while nothing is known). */
  have(): Bitfield | null;
  /** The running transfer's storage (null while paused, checking, failed). */
  storage(): Storage | null;
  /** Hands the merged deadlines (most urgent first) to the picker. */
  setDeadlines(pieces: number[]): void;
}

/** Read-ahead after the read position: a few MiB, whatever the piece size (at least 2 pieces). */
export const READ_AHEAD_BYTES = 8 * 1024 * 1024;

export class FileReaders {
  private readonly open = new Set<ReaderState>();
  /** Called when pieces are verified or the transfer changed: waiting reads look again. */
  private wakeups: (() => void)[] = [];
  private closed = false;

  constructor(private readonly host: ReaderHost) {}

  get count(): number {
    return this.open.size;
  }

  openReader(fileIndex: number): FileReader {
    const m = this.host.metainfo();
    const file = m?.files[fileIndex];
    if (!m || !file || file.padding) {
      throw Object.assign(new RangeError(`no file ${fileIndex} in this torrent`), { code: 'bad-request' });
    }
    const state: ReaderState = { fileIndex, positionBytes: file.offsetBytes, closed: false };
    this.open.add(state);
    this.updateDeadlines();
    return {
      path: file.path.join('/'),
      lengthBytes: file.lengthBytes,
      read: async (offsetBytes, maxBytes) => {
        const offset = Math.max(0, Math.min(offsetBytes, file.lengthBytes));
        const out = new Uint8Array(Math.max(0, Math.min(maxBytes, file.lengthBytes - offset)));
        return out.subarray(0, await this.readInto(state, m, offsetBytes, out));
      },
      readInto: (offsetBytes, out) => this.readInto(state, m, offsetBytes, out),
      close: () => {
        if (state.closed) return;
        state.closed = true;
        this.open.delete(state);
        this.updateDeadlines();
        this.wake();
      },
    };
  }

  /** A piece was verified, or the transfer started or stopped. */
  wake(): void {
    const wakeups = this.wakeups;
    this.wakeups = [];
    for (const w of wakeups) w();
  }

  /** The torrent is gone: every read rejects. */
  closeAll(): void {
    this.closed = true;
    for (const s of this.open) s.closed = true;
    this.open.clear();
    this.wake();
  }

  /** Deadlines for every open reader: the piece under its position, then its read-ahead. */
  updateDeadlines(): void {
    const m = this.host.metainfo();
    const have = this.host.have();
    if (!m) return;
    const pieces: number[] = [];
    const seen = new Set<number>();
    const window = Math.max(READ_AHEAD_BYTES, 2 * m.pieceLengthBytes);
    for (const s of this.open) {
      const file = m.files[s.fileIndex]!;
      const end = Math.min(s.positionBytes + window, file.offsetBytes + file.lengthBytes);
      const first = Math.floor(s.positionBytes / m.pieceLengthBytes);
      const last = Math.floor(Math.max(s.positionBytes, end - 1) / m.pieceLengthBytes);
      for (let p = first; p <= last && p < m.pieceCount; p++) {
        if (seen.has(p) || have?.get(p)) continue;
        seen.add(p);
        pieces.push(p);
      }
    }
    this.host.setDeadlines(pieces);
  }

  private async readInto(s: ReaderState, m: Metainfo, offsetBytes: number, out: Uint8Array): Promise<number> {
    const file = m.files[s.fileIndex]!;
    const offset = Math.max(0, Math.min(offsetBytes, file.lengthBytes));
    const length = Math.min(out.length, file.lengthBytes - offset);
    if (length <= 0) return 0;
    const start = file.offsetBytes + offset;
    s.positionBytes = start;
    this.updateDeadlines();
    const firstPiece = Math.floor(start / m.pieceLengthBytes);
    for (;;) {
      if (s.closed || this.closed) throw readerClosed();
      const have = this.host.have();
      const storage = this.host.storage();
      if (have?.get(firstPiece) && storage) {
        // Verified and contiguous from the offset, up to `length`.
        let end = Math.min(start + length, (firstPiece + 1) * m.pieceLengthBytes);
        for (let p = firstPiece + 1; end < start + length && have.get(p); p++) {
          end = Math.min(start + length, (p + 1) * m.pieceLengthBytes);
        }
        await readPayload(storage, m, start, out.subarray(0, end - start));
        s.positionBytes = end;
        this.updateDeadlines();
        return end - start;
      }
      await new Promise<void>((resolve) => this.wakeups.push(resolve));
    }
  }
}

interface ReaderState {
  fileIndex: number;
  /** Payload offset of the next byte the reader wants. */
  positionBytes: number;
  closed: boolean;
}

function readerClosed(): Error {
  return Object.assign(new Error('the reader was closed'), { code: 'reader-closed' });
}

/** Payload bytes [start, start + out.length) into `out` through the storage, piece by piece. */
async function readPayload(storage: Storage, m: Metainfo, start: number, out: Uint8Array): Promise<void> {
  const length = out.length;
  let done = 0;
  while (done < length) {
    const at = start + done;
    const piece = Math.floor(at / m.pieceLengthBytes);
    const inPiece = at - piece * m.pieceLengthBytes;
    const pieceLength = Math.min(m.pieceLengthBytes, m.totalLengthBytes - piece * m.pieceLengthBytes);
    const n = Math.min(length - done, pieceLength - inPiece);
    if (storage.readBlockInto) await storage.readBlockInto(piece, inPiece, out.subarray(done, done + n));
    else out.set(await storage.readBlock(piece, inPiece, n), done);
    done += n;
  }
}
