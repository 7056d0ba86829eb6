/**
 * The contract commands only the desktop shell can run: the native file picker and
 * opening a transfer's files (or showing them in the file manager).
 */
import type { OpenDialogOptions } from 'electron';
import type { CommandHandlers } from '../../src-shared/contract/commands.ts';
import { ContractError, ERROR_WORDING } from '../../src-shared/contract/error-codes.ts';
import { transferTarget, type TransferLocation } from '../service/transfer-location.ts';

/** The parts of Electron's `dialog` and `shell` these commands use. */
export interface ShellSurface {
  showOpenDialog(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  showItemInFolder(fullPath: string): void;
  /** Resolves to '' on success, else Electron's error text. */
  openPath(fullPath: string): Promise<string>;
}

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
      const target = transferTarget(locate(id), fileIndex);
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
