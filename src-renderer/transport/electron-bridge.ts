/**
 * The contract client over Electron IPC: `window.swarmdrop`, exposed by the preload
 * (src-main/app/preload.ts). Results arrive as envelopes so the error `code` survives.
 */
import type { SwarmdropBridge } from '../../src-shared/contract/client.ts';
import type { CommandName, CommandRequest, CommandResponse } from '../../src-shared/contract/commands.ts';
import type { EventListener, EventName } from '../../src-shared/contract/events.ts';
import { fromErrorPayload } from '../../src-shared/contract/error-codes.ts';
import type { RendererClient } from './renderer-client.ts';

export function createElectronClient(bridge: SwarmdropBridge): RendererClient {
  return {
    kind: 'electron',
    async invoke<K extends CommandName>(command: K, request: CommandRequest<K>): Promise<CommandResponse<K>> {
      const result = await bridge.invoke(command, request);
      if (!result.ok) throw fromErrorPayload(result.error);
      return result.response as CommandResponse<K>;
    },
    on<E extends EventName>(event: E, listener: EventListener<E>): () => void {
      return bridge.on(event, listener as (payload: unknown) => void);
    },
    onConnection(listener) {
      listener('open');
      return () => undefined;
    },
    pathForFile(file) {
      const p = bridge.pathForFile(file);
      return p ? p : null;
    },
  };
}
