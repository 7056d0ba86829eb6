/**
 * The parts file: where the bytes of files not selected for download go. A boundary piece
 * (one shared by a selected and an unselected file) must be downloaded whole to be
 * verified (BEP 3 hashes whole pieces), yet the unselected file must not appear in the
 * download folder. Its share of such pieces is written to `.<name>.parts` beside the
 * torrent's file or folder, a sparse file in which every byte sits at its offset in the
 * torrent's payload: no index to keep, and holes cost no disk space. When the file is
 * selected later its bytes are copied into place (`movePartsIntoFile`) and the parts file
 * keeps the rest; deleting the torrent's files deletes it too.
 */
import type { FileHandle } from 'node:fs/promises';
import type { FileHandlePool } from './file-handle-pool.ts';
import { pieceRangeOfFile } from './piece-layout.ts';
import type { StorageLayout } from './storage.ts';

/** Hidden, beside the torrent's file or folder (the name is the torrent's, already sanitised). */
export function partsFileName(torrentName: string): string {
  return `.${torrentName}.parts`;
}

/** Offset in the parts file of byte `fileOffsetBytes` of file `fileIndex`. */
export function partsOffsetOf(layout: StorageLayout, fileIndex: number, fileOffsetBytes: number): number {
  return layout.files[fileIndex]!.offsetBytes + fileOffsetBytes;
}

export interface MovePartsOptions {
  layout: StorageLayout;
  fileIndex: number;
  partsPath: string;
  /** The real file, open for writing. */
  target: FileHandle;
  /** Verified pieces: only their bytes are in the parts file. */
  had(piece: number): boolean;
  pool: FileHandlePool;
}

/** Copy buffer: boundary runs are at most two pieces' share of one file. */
const COPY_CHUNK_BYTES = 1024 * 1024;

/**
 * Sets the file to its full length (sparse) and copies the bytes of its verified pieces
 * from the parts file. Returns the pieces whose bytes were copied.
 */
export async function movePartsIntoFile(o: MovePartsOptions): Promise<number[]> {
  const file = o.layout.files[o.fileIndex]!;
  await o.target.truncate(file.lengthBytes);
  const range = pieceRangeOfFile(o.layout, o.fileIndex);
  if (!range) return [];
  const moved: number[] = [];
  const buffer = Buffer.allocUnsafe(Math.min(COPY_CHUNK_BYTES, file.lengthBytes));
  for (let p = range.firstPiece; p <= range.lastPiece; p++) {
    if (!o.had(p)) continue;
    const start = Math.max(p * o.layout.pieceLengthBytes, file.offsetBytes);
    const end = Math.min((p + 1) * o.layout.pieceLengthBytes, file.offsetBytes + file.lengthBytes);
    await o.pool.use(o.partsPath, 'read', async (parts) => {
      for (let at = start; at < end;) {
        const length = Math.min(buffer.length, end - at);
        const { bytesRead } = await parts.read(buffer, 0, length, at);
        if (bytesRead === 0) break; // never written (cannot happen for a verified piece): leave the hole
        let written = 0;
        while (written < bytesRead) {
          const r = await o.target.write(
            buffer,
            written,
            bytesRead - written,
            at - file.offsetBytes + written,
          );
          written += r.bytesWritten;
        }
        at += bytesRead;
      }
    });
    moved.push(p);
  }
  return moved;
}
