/** Chooses the transport at run time: the Electron bridge when the preload put one there. */
import type { SwarmdropBridge } from '../../src-shared/contract/client.ts';
import { createElectronClient } from './electron-bridge.ts';
import { createWebSocketClient } from './websocket.ts';
import type { RendererClient } from './renderer-client.ts';

declare global {
  interface Window {
    swarmdrop?: SwarmdropBridge;
  }
}

export function pickTransport(win: Window = window): RendererClient {
  if (win.swarmdrop) return createElectronClient(win.swarmdrop);
  const token = new URLSearchParams(win.location.search).get('token');
  const scheme = win.location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${scheme}://${win.location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  return createWebSocketClient(url);
}
