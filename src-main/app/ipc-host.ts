/**
 * Electron IPC transport of the contract: one ServiceConnection for the window. Every
 * invoke is checked for its sender (our window, our page) before the service validates
 * its payload; anything else gets `unauthorized`.
 */
import { pathToFileURL } from 'node:url';
import type { ResultEnvelope } from '../../src-shared/contract/client.ts';
import { ERROR_WORDING } from '../../src-shared/contract/error-codes.ts';
import type { EventSink } from '../service/service-connection.ts';
import { IPC_EVENT, IPC_INVOKE } from './ipc-channels.ts';

/** Who sent an invoke: the web contents and the frame's address. */
export interface InvokeSender {
  sender: { id: number };
  senderFrame?: { url: string } | null;
}

/** The parts of Electron's ipcMain and BrowserWindow the transport uses. */
export interface IpcMainSurface {
  handle(
    channel: string,
    listener: (event: InvokeSender, ...args: unknown[]) => Promise<ResultEnvelope>,
  ): void;
  removeHandler(channel: string): void;
}

export interface IpcWindow {
  isDestroyed(): boolean;
  webContents: { id: number; isDestroyed(): boolean; send(channel: string, ...args: unknown[]): void };
  on(event: 'closed', listener: () => void): unknown;
}

/** The part of the service the transport uses: one connection per window. */
export interface ConnectionFactory {
  connect(sink: EventSink): {
    invoke(command: string, request: unknown): Promise<ResultEnvelope>;
    close(): void;
  };
}

export function senderAllowed(event: InvokeSender, win: IpcWindow, rendererIndex: string): boolean {
  if (win.isDestroyed() || event.sender.id !== win.webContents.id) return false;
  const url = event.senderFrame?.url ?? '';
  return url.split('#')[0]!.split('?')[0] === pathToFileURL(rendererIndex).href;
}

export function attachIpc(
  ipcMain: IpcMainSurface,
  service: ConnectionFactory,
  win: IpcWindow,
  rendererIndex: string,
): void {
  const conn = service.connect((event, payload) => {
    if (!win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(IPC_EVENT, event, payload);
  });
  ipcMain.handle(IPC_INVOKE, async (event, command, request): Promise<ResultEnvelope> => {
    if (!senderAllowed(event, win, rendererIndex))
      return { ok: false, error: { code: 'unauthorized', message: ERROR_WORDING.unauthorized } };
    return conn.invoke(typeof command === 'string' ? command : '', request);
  });
  win.on('closed', () => {
    ipcMain.removeHandler(IPC_INVOKE);
    conn.close();
  });
}
