// One reused read buffer per outgoing socket (Node's `onread` option) instead of a fresh
// 64 KiB Buffer per read. At hundreds of MB/s those per-read ArrayBuffers are what drives
// the garbage collector: each adds external memory, and V8 answers with a full
// mark-compact every few MiB of traffic (issue #7 profile). Node's `net.Server` has no
// `onread`, so incoming sockets keep 'data' events.
//
// Contract: the chunk handed to `sink` is overwritten by the next read, so whatever the
// sink keeps must be copied before it returns. The WireDecoder copies everything it holds
// across chunks; PeerConnection copies bitfield and extended payloads; a piece block is a
// view that its 'piece' listener copies into the piece buffer at once (that copy is the
// only one on the receive path).
import type { OnReadOpts } from 'node:net';

/** Bytes per read: the size of Node's own default read buffer. */
export const SOCKET_READ_BUFFER_BYTES = 64 * 1024;

export class SocketReader {
  /** Receives each chunk; null drops it (the connection is closed). */
  sink: ((chunk: Uint8Array) => void) | null = null;
  /** Pass as `net.connect({ onread })`. */
  readonly onread: OnReadOpts;

  constructor(sizeBytes = SOCKET_READ_BUFFER_BYTES) {
    this.onread = {
      // A plain Uint8Array, not a Buffer: Buffer#slice returns a view, and a holder that
      // "copies" with slice() would then keep a view into this buffer after all.
      buffer: new Uint8Array(sizeBytes),
      // Returning true keeps reading (false would stop it); pause()/resume() still work.
      callback: (lengthBytes, buffer) => {
        this.sink?.(buffer.subarray(0, lengthBytes));
        return true;
      },
    };
  }
}
