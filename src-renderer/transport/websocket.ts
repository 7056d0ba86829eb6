/**
 * The contract client over the daemon's WebSocket (/ws). Reconnects with back-off;
 * commands sent while disconnected fail at once with `disconnected` (the UI shows it
 * where the user clicked) rather than hanging. `onConnection` lets the store re-fetch
 * its state after a reconnect. Without the access token, or when the daemon refuses it,
 * the state is `unauthorized` for good (the page says which address to open).
 */
import type { CommandName, CommandRequest, CommandResponse } from '../../src-shared/contract/commands.ts';
import type { EventListener, EventName } from '../../src-shared/contract/events.ts';
import { ContractError, ERROR_WORDING, fromErrorPayload } from '../../src-shared/contract/error-codes.ts';
import type { ServerFrame } from '../../src-shared/contract/wire.ts';
import type { ConnectionState, RendererClient } from './renderer-client.ts';

const COMMAND_TIMEOUT_MS = 120_000;
const MAX_BACKOFF_MS = 5000;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Whether the daemon takes our token: asked after a socket fails (see pick-transport.ts). */
export type AccessCheck = 'ok' | 'refused' | 'unreachable';

export interface WebSocketClientOptions {
  checkAccess?: () => Promise<AccessCheck>;
  WebSocketImpl?: typeof WebSocket;
}

/** `url` null: the page has no access token, so there is nothing to try. */
export function createWebSocketClient(
  url: string | null,
  options: WebSocketClientOptions = {},
): RendererClient {
  const WebSocketImpl = options.WebSocketImpl ?? WebSocket;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(s: ConnectionState) => void>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let ws: WebSocket | null = null;
  let state: ConnectionState = url === null ? 'unauthorized' : 'connecting';
  let backoffMs = 250;

  const setState = (s: ConnectionState) => {
    state = s;
    for (const l of connectionListeners) l(s);
  };

  const connect = (target: string) => {
    setState('connecting');
    const socket = new WebSocketImpl(target);
    ws = socket;
    socket.onopen = () => {
      backoffMs = 250;
      setState('open');
    };
    socket.onmessage = (m) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(m.data)) as ServerFrame;
      } catch {
        return;
      }
      if (frame.type === 'event') {
        for (const l of listeners.get(frame.event) ?? []) l(frame.payload);
        return;
      }
      const p = pending.get(frame.id);
      if (!p) return;
      pending.delete(frame.id);
      clearTimeout(p.timer);
      if (frame.ok) p.resolve(frame.response);
      else p.reject(fromErrorPayload(frame.error));
    };
    socket.onclose = (e) => {
      if (ws !== socket) return;
      ws = null;
      for (const [id, p] of pending) {
        clearTimeout(p.timer);
        p.reject(new ContractError('disconnected', ERROR_WORDING.disconnected));
        pending.delete(id);
      }
      // A policy close is final. A refused upgrade (401/403) surfaces as close 1006,
      // like a daemon that is away: the access check tells them apart.
      if (e.code === 1008) {
        setState('closed');
        return;
      }
      setState('reconnecting');
      const retryMs = backoffMs;
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      void (options.checkAccess?.() ?? Promise.resolve<AccessCheck>('ok')).then((access) => {
        if (access === 'refused') setState('unauthorized');
        else setTimeout(() => connect(target), retryMs);
      });
    };
  };
  if (url !== null) connect(url);

  return {
    kind: 'websocket',
    invoke<K extends CommandName>(command: K, request: CommandRequest<K>): Promise<CommandResponse<K>> {
      const socket = ws;
      if (!socket || socket.readyState !== WebSocketImpl.OPEN) {
        return Promise.reject(new ContractError('disconnected', ERROR_WORDING.disconnected));
      }
      const id = nextId++;
      return new Promise<CommandResponse<K>>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new ContractError('disconnected', ERROR_WORDING.disconnected, `${command} timed out`));
        }, COMMAND_TIMEOUT_MS);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        socket.send(JSON.stringify({ type: 'command', id, command, request }));
      });
    },
    on<E extends EventName>(event: E, listener: EventListener<E>): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as (payload: unknown) => void;
      set.add(l);
      return () => set.delete(l);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(state);
      return () => connectionListeners.delete(listener);
    },
    pathForFile: () => null,
  };
}
