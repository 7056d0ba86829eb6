// What the peer wire needs from a transport: a net.Socket (TCP) or a uTP connection
// (engine/utp/utp-connection.ts) — an ordered byte stream with the remote address.
import type { Duplex } from 'node:stream';

export type PeerSocket = Duplex & {
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
  setNoDelay(noDelay?: boolean): unknown;
  /** uTP only: the bytes written so far end a datagram (utp-connection.ts `endPacket`). */
  endPacket?(): void;
  /** uTP only: the largest datagram we read whole, told to the peer in the BEP 10 handshake. */
  readonly maxReadDatagramBytes?: number;
  /** uTP only: the peer reads datagrams this big; packets may grow to that where the path allows. */
  peerReadsDatagramsUpTo?(datagramBytes: number): void;
};

/** Which transport carries a peer connection. */
export type PeerTransport = 'tcp' | 'utp';
