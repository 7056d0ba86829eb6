/** Chooses the transport at run time: the Electron bridge when the preload put one there. */
import type { SwarmdropBridge } from '../../src-shared/contract/client.ts';
import { createElectronClient } from './electron-bridge.ts';
import { createWebSocketClient, type AccessCheck } from './websocket.ts';
import { forgetAccessToken, takeAccessToken } from './access-token.ts';
import type { RendererClient } from './renderer-client.ts';

declare global {
  interface Window {
    swarmdrop?: SwarmdropBridge;
  }
}

export function pickTransport(win: Window = window): RendererClient {
  if (win.swarmdrop) return createElectronClient(win.swarmdrop);
  const token = takeAccessToken(win);
  const scheme = win.location.protocol === 'https:' ? 'wss' : 'ws';
  const url = token ? `${scheme}://${win.location.host}/ws?token=${encodeURIComponent(token)}` : null;
  // A refused upgrade hides its status from page scripts: ask the API whether the token
  // is the problem (401/403) or the daemon is away (no answer).
  const checkAccess = async (): Promise<AccessCheck> => {
    try {
      const res = await fetch('/api/access', {
        headers: { 'X-Swarmdrop-Token': token ?? '' },
        cache: 'no-store',
      });
      if (res.status === 401 || res.status === 403) {
        forgetAccessToken(win);
        return 'refused';
      }
      return 'ok';
    } catch {
      return 'unreachable';
    }
  };
  return createWebSocketClient(url, { checkAccess });
}
