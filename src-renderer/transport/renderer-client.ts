/** The contract client as the renderer uses it: the shared interface plus host hints. */
import type { ContractClient } from '../../src-shared/contract/client.ts';

/** `unauthorized`: the page has no valid access token (it must be opened by its printed address). */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed' | 'unauthorized';

export interface RendererClient extends ContractClient {
  readonly kind: 'electron' | 'websocket';
  /** Connection changes (the Electron bridge is always open). Calls back at once. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** A dropped File's absolute path (Electron only); null when it has none. */
  pathForFile(file: File): string | null;
}
