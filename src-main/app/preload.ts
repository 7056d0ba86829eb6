/**
 * The sandboxed preload: exposes exactly the contract (invoke a command, listen to an
 * event) and the one helper a drop needs (a File's path), nothing of Node or Electron.
 * Channel names are fixed here; the renderer cannot pick arbitrary IPC channels.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { ResultEnvelope, SwarmdropBridge } from '../../src-shared/contract/client.ts';
import { IPC_EVENT, IPC_INVOKE } from './ipc-channels.ts';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();

ipcRenderer.on(IPC_EVENT, (_e: IpcRendererEvent, ...args: unknown[]) => {
  const [event, payload] = args;
  if (typeof event !== 'string') return;
  for (const l of listeners.get(event) ?? []) l(payload);
});

const bridge = {
  invoke: (command: string, request: unknown) =>
    ipcRenderer.invoke(IPC_INVOKE, String(command), request) as Promise<ResultEnvelope>,
  on(event: string, listener: Listener) {
    const name = String(event);
    let set = listeners.get(name);
    if (!set) listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  },
  pathForFile: (file: unknown) => {
    // The renderer is untrusted: anything but a real File gets no path.
    if (!(file instanceof File)) return '';
    try {
      return webUtils.getPathForFile(file);
    } catch {
      return '';
    }
  },
} satisfies SwarmdropBridge;

contextBridge.exposeInMainWorld('swarmdrop', bridge);
