// Events of a PeerConnection: one per received message type (named like the message),
// plus the connection's own life-cycle events.
import type { ProtocolErrorCode } from '../../protocol/protocol-error.ts';
import type { ExtensionHandshake } from '../../protocol/wire/extension-handshake.ts';
import type { Handshake } from '../../protocol/wire/handshake.ts';
import type { WireMessage, WireMessageOf, WireMessageType } from '../../protocol/wire/messages.ts';
import type { UtMetadataMessage } from '../../protocol/wire/ut-metadata.ts';
import type { PexMessage } from '../../protocol/wire/ut-pex.ts';

export type PeerCloseCode =
  | 'closed' // close() without a code
  | 'remote-closed'
  | 'socket-error'
  | 'socket-closed'
  | 'protocol-error' // see protocolCode
  | 'internal-error' // a listener threw; see error
  | 'handshake-timeout'
  | 'idle-timeout'
  | 'info-hash-mismatch'
  | 'self-connection'
  | 'unknown-info-hash'
  | 'server-full'
  | 'server-closed'
  // Owners may close with their own codes ('banned', 'duplicate', 'torrent-removed', …).
  | (string & {});

export interface PeerCloseInfo {
  code: PeerCloseCode;
  message: string;
  /** Set when code is 'protocol-error'. */
  protocolCode?: ProtocolErrorCode;
  error?: unknown;
}

type MessageEvents = { [K in WireMessageType]: (msg: WireMessageOf<K>) => void };

export interface PeerConnectionEvents extends MessageEvents {
  /** The remote handshake arrived (messages are held until `start()`). */
  handshake: (handshake: Handshake) => void;
  /** Every message, after its typed event. */
  message: (msg: WireMessage) => void;
  /** BEP 10 handshake (extended id 0) decoded. */
  'extension-handshake': (h: ExtensionHandshake) => void;
  /** BEP 9 message on our advertised ut_metadata id. */
  'ut-metadata': (msg: UtMetadataMessage) => void;
  /** BEP 11 message on our advertised ut_pex id. */
  'ut-pex': (msg: PexMessage) => void;
  /** The socket's write buffer emptied below its high-water mark. */
  drain: () => void;
  close: (info: PeerCloseInfo) => void;
}
