/** What both transports (Electron IPC bridge, WebSocket) give the renderer. */
import type { CommandName, CommandRequest, CommandResponse } from './commands.ts';
import type { EventListener, EventName } from './events.ts';

export interface ContractClient {
  /** Sends a command; rejects with a ContractError (`code` + user words) on failure. */
  invoke<K extends CommandName>(command: K, request: CommandRequest<K>): Promise<CommandResponse<K>>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: EventListener<E>): () => void;
}

/**
 * The object the Electron preload exposes as `window.swarmdrop` (checked with
 * `satisfies` there). Results come back as envelopes because Electron's IPC drops an
 * Error's custom fields, and the UI needs the `code`.
 */
export interface SwarmdropBridge {
  invoke(command: string, request: unknown): Promise<ResultEnvelope>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  /** Absolute path of a dropped File (Electron's webUtils); '' when it has none. */
  pathForFile(file: unknown): string;
}

export type ResultEnvelope =
  { ok: true; response: unknown } | { ok: false; error: { code: string; message: string; detail?: string } };
