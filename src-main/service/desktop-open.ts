/**
 * Opening a transfer or one of its files, or showing it in its folder, for the daemon: what Electron's
 * `shell.openPath` / `shell.showItemInFolder` do for the app, done with the desktop's own
 * opener (xdg-open on Linux and the BSDs, `open` on macOS, Explorer on Windows). The
 * command handler only lets a page on this machine ask for it (DetailWatcher.onThisMachine).
 */
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { CommandHandlers } from '../../src-shared/contract/commands.ts';
import { ContractError, ERROR_WORDING } from '../../src-shared/contract/error-codes.ts';
import { transferTarget, type TransferLocation } from './transfer-location.ts';

/** A program and its arguments; `args` never passes through a shell. */
export interface DesktopInvocation {
  program: string;
  args: string[];
}

/**
 * How this platform opens `target`, or shows it selected in its folder (`reveal`). Linux
 * file managers have no common "select this file" command line, so reveal opens the folder.
 */
export function desktopInvocation(
  platform: NodeJS.Platform,
  target: string,
  reveal: boolean,
  isFolder: boolean,
): DesktopInvocation {
  if (platform === 'darwin') return { program: 'open', args: reveal ? ['-R', target] : [target] };
  if (platform === 'win32')
    return reveal
      ? { program: 'explorer.exe', args: [`/select,${target}`] }
      : { program: 'explorer.exe', args: [target] };
  return { program: 'xdg-open', args: [reveal && !isFolder ? path.dirname(target) : target] };
}

/** Starts the opener and waits only until it has started (it may run for as long as it likes). */
function launch(inv: DesktopInvocation): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(inv.program, inv.args, { detached: true, stdio: 'ignore' });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

export function desktopOpenCommand(
  locate: TransferLocation,
  platform: NodeJS.Platform = process.platform,
): CommandHandlers['openPath'] {
  return async ({ id, reveal, fileIndex }) => {
    const target = transferTarget(locate(id), fileIndex);
    let isFolder: boolean;
    try {
      isFolder = (await stat(target)).isDirectory();
    } catch {
      // Typically moved or deleted since the download finished.
      throw new ContractError('file-not-found', ERROR_WORDING['file-not-found'], target);
    }
    const inv = desktopInvocation(platform, target, reveal, isFolder);
    try {
      await launch(inv);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ContractError(
        'no-file-opener',
        ERROR_WORDING['no-file-opener'],
        code === 'ENOENT'
          ? `${inv.program} is not installed on this machine`
          : `${inv.program}: ${String(err)}`,
      );
    }
    return null;
  };
}
