/** The contract client as the renderer uses it: the shared interface plus host hints. */
import type { ContractClient } from '../../src-shared/contract/client.ts';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface RendererClient extends ContractClient {
  readonly kind: 'electron' | 'websocket';
  /** Connection changes (the Electron bridge is always open). Calls back at once. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** A dropped File's absolute path (Electron only); null when it has none. */
  pathForFile(file: File): string | null;
}
