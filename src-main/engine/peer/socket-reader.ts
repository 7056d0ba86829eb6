// One read buffer shared by every outgoing socket (Node's `onread` option) instead of a
// fresh 64 KiB Buffer per read. At hundreds of MB/s those per-read ArrayBuffers are what
// drives the garbage collector: each adds external memory, and V8 answers with a full
// mark-compact every few MiB of traffic (docs/PERFORMANCE.md). Node's `net.Server` has no
// `onread`, so incoming sockets keep 'data' events.
//
// Sharing is safe because a read and its callback run back to back on the main thread:
// libuv reads into the buffer and Node calls `callback` before anything else can read.
// So one buffer serves any number of connections, and it can be large: 256 KiB reads
// took ~10% off the leecher's CPU against 64 KiB ones (fewer syscalls and callbacks),
// at a fixed 256 KiB for the process instead of per connection.
//
// Contract: the chunk handed to `sink` is overwritten by the next read (of any socket), so
// whatever the sink keeps must be copied before it returns. The WireDecoder copies
// everything it holds across chunks; PeerConnection copies bitfield and extended payloads;
// a piece block is a view that its 'piece' listener copies into the piece buffer at once
// (that copy is the only one on the receive path).
import type { OnReadOpts } from 'node:net';

/** Bytes per read, and of the shared buffer. */
export const SOCKET_READ_BUFFER_BYTES = 256 * 1024;

let shared: Uint8Array | undefined;

/**
 * Where the peer wire takes its chunks from instead of 'data' events: a SocketReader on
 * TCP, `UtpConnection.readDirect()` on uTP. The holder sets `sink`; null stops delivery.
 */
export interface ChunkReader {
  sink: ((chunk: Uint8Array) => void) | null;
}

export class SocketReader implements ChunkReader {
  /** Receives each chunk; null drops it (the connection is closed). */
  sink: ((chunk: Uint8Array) => void) | null = null;
  /** Pass as `net.connect({ onread })`. */
  readonly onread: OnReadOpts;

  /** `sizeBytes`: a buffer of its own, of that size (tests); default the shared one. */
  constructor(sizeBytes?: number) {
    this.onread = {
      // A plain Uint8Array, not a Buffer: Buffer#slice returns a view, and a holder that
      // "copies" with slice() would then keep a view into this buffer after all.
      buffer:
        sizeBytes === undefined
          ? (shared ??= new Uint8Array(SOCKET_READ_BUFFER_BYTES))
          : new Uint8Array(sizeBytes),
      // Returning true keeps reading (false would stop it); pause()/resume() still work.
      callback: (lengthBytes, buffer) => {
        this.sink?.(buffer.subarray(0, lengthBytes));
        return true;
      },
    };
  }
}
