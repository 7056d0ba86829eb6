/**
 * The contract commands only the desktop shell can run: the native file picker and
 * opening a transfer's files (or showing them in the file manager).
 */
import path from 'node:path';
import type { OpenDialogOptions } from 'electron';
import type { CommandHandlers } from '../../src-shared/contract/commands.ts';
import { ContractError, ERROR_WORDING } from '../../src-shared/contract/error-codes.ts';

/** The parts of Electron's `dialog` and `shell` these commands use. */
export interface ShellSurface {
  showOpenDialog(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  showItemInFolder(fullPath: string): void;
  /** Resolves to '' on success, else Electron's error text. */
  openPath(fullPath: string): Promise<string>;
}

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

export type ShellCommands = Pick<CommandHandlers, 'pickPaths' | 'openPath'>;

export function shellCommands(surface: ShellSurface, locate: TransferLocation): ShellCommands {
  return {
    async pickPaths({ kind }) {
      const r = await surface.showOpenDialog({
        title:
          kind === 'torrent' ? 'Open a .torrent file' : kind === 'download-dir' ? 'Choose a folder' : 'Share',
        properties:
          kind === 'files'
            ? ['openFile', 'multiSelections']
            : kind === 'torrent'
              ? ['openFile']
              : ['openDirectory', 'createDirectory'],
        ...(kind === 'torrent' ? { filters: [{ name: 'Torrent files', extensions: ['torrent'] }] } : {}),
      });
      return { paths: r.canceled ? [] : r.filePaths };
    },
    async openPath({ id, reveal, fileIndex }) {
      const where = locate(id);
      const base = where.contentPath ?? path.join(where.savePath, where.name);
      const target = path.join(base, ...filePathOf(where, fileIndex));
      if (reveal) surface.showItemInFolder(target);
      else {
        const problem = await surface.openPath(target);
        // Typically the files were moved or deleted since the download finished.
        if (problem)
          throw new ContractError('file-not-found', ERROR_WORDING['file-not-found'], `${target}: ${problem}`);
      }
      return null;
    },
  };
}

/**
 * Path of file `fileIndex` below the torrent's own file or folder: nothing for the whole
 * torrent or a single-file torrent (its one file is named after it, BEP 3), else the
 * file's path inside the torrent's folder. Throws file-not-found for an unknown index.
 */
function filePathOf(where: ReturnType<TransferLocation>, fileIndex: number | undefined): string[] {
  if (fileIndex === undefined) return [];
  const file = where.files?.find((f) => f.index === fileIndex);
  if (!file)
    throw new ContractError('file-not-found', ERROR_WORDING['file-not-found'], `no file ${fileIndex}`);
  const single = where.files!.length === 1 && file.path.length === 1 && file.path[0] === where.name;
  return single ? [] : file.path;
}
