/**
 * Where a transfer's files are on disk, for "Open" and "Show in folder" (the app's shell
 * and the daemon's desktop opener resolve the same path from the same facts).
 */
import path from 'node:path';
import { ContractError, ERROR_WORDING } from '../../src-shared/contract/error-codes.ts';

/**
 * Where a torrent's files are: its save folder and name, the folder that holds a share of
 * several paths (contentPath), and its files (the service knows them all).
 */
export type TransferLocation = (id: string) => {
  savePath: string;
  name: string;
  contentPath?: string;
  files?: readonly { index: number; path: string[] }[];
};

/**
 * The torrent's own file or folder, or file `fileIndex` of it. Throws file-not-found for an
 * index the torrent does not have.
 */
export function transferTarget(where: ReturnType<TransferLocation>, fileIndex?: number): string {
  const base = where.contentPath ?? path.join(where.savePath, where.name);
  return path.join(base, ...filePathOf(where, fileIndex));
}

/**
 * Path of file `fileIndex` below the torrent's own file or folder: nothing for the whole
 * torrent or a single-file torrent (its one file is named after it, BEP 3), else the
 * file's path inside the torrent's folder.
 */
function filePathOf(where: ReturnType<TransferLocation>, fileIndex: number | undefined): string[] {
  if (fileIndex === undefined) return [];
  const file = where.files?.find((f) => f.index === fileIndex);
  if (!file)
    throw new ContractError('file-not-found', ERROR_WORDING['file-not-found'], `no file ${fileIndex}`);
  const single = where.files!.length === 1 && file.path.length === 1 && file.path[0] === where.name;
  return single ? [] : file.path;
}
