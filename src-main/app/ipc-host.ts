/**
 * Electron IPC transport of the contract: one ServiceConnection for the window. Every
 * invoke is checked for its sender (our window, our page) before the service validates
 * its payload; anything else gets `unauthorized`.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { pathToFileURL } from 'node:url';
import type { AppService } from '../service/app-service.ts';
import type { ServiceConnection } from '../service/service-connection.ts';
import type { ResultEnvelope } from '../../src-shared/contract/client.ts';
import { ERROR_WORDING } from '../../src-shared/contract/error-codes.ts';
import { IPC_EVENT, IPC_INVOKE } from './ipc-channels.ts';

export function senderAllowed(event: IpcMainInvokeEvent, win: BrowserWindow, rendererIndex: string): boolean {
  if (win.isDestroyed() || event.sender.id !== win.webContents.id) return false;
  const url = event.senderFrame?.url ?? '';
  return url.split('#')[0]!.split('?')[0] === pathToFileURL(rendererIndex).href;
}

export function attachIpc(service: AppService, win: BrowserWindow, rendererIndex: string): ServiceConnection {
  const conn = service.connect((event, payload) => {
    if (!win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(IPC_EVENT, event, payload);
  });
  ipcMain.handle(IPC_INVOKE, async (event, command, request): Promise<ResultEnvelope> => {
    if (!senderAllowed(event, win, rendererIndex)) return { ok: false, error: { code: 'unauthorized', message: ERROR_WORDING.unauthorized } };
    return conn.invoke(typeof command === 'string' ? command : '', request);
  });
  win.on('closed', () => {
    ipcMain.removeHandler(IPC_INVOKE);
    conn.close();
  });
  return conn;
}
