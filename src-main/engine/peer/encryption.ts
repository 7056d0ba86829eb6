// Message Stream Encryption on a peer socket, before the BitTorrent handshake: runs the
// protocol layer's initiator (we dialed) or sniffs and answers (they dialed), then hands
// the socket to a PeerConnection with the negotiated ciphers and whatever payload bytes
// arrived behind the handshake. Everything here happens once per connection; the piece
// stream afterwards only sees `PeerCipher` (see peer-connection.ts).
//
// Callbacks, not promises: the result is delivered synchronously from the read that
// finished the handshake, so the PeerConnection takes over the socket before any later
// read can arrive.
import type { PeerSocket } from './peer-socket.ts';
import {
  CRYPTO_PLAINTEXT,
  CRYPTO_RC4,
  isMseError,
  MseInitiator,
  MseResponder,
  sniffIncoming,
  type MseErrorCode,
  type MseStep,
} from '../../protocol/mse/mse-handshake.ts';
import type { Rc4 } from '../../protocol/mse/rc4.ts';
import type { EncryptionMode } from '../../../src-shared/types/settings.ts';
import type { ChunkReader } from './socket-reader.ts';

// 'prefer': dial with MSE and fall back to plaintext; accept both. 'require': MSE with
// RC4 only, both ways. 'off': plaintext only, both ways.
export type { EncryptionMode };

/** The two RC4 streams of an encrypted connection. */
export interface PeerCipher {
  encrypt: Rc4;
  decrypt: Rc4;
}

export interface NegotiatedStream {
  /** Null: the payload is plaintext (no MSE, or MSE that selected plaintext). */
  cipher: PeerCipher | null;
  /** 'rc4' | 'plaintext' after MSE; 'none' for a plain BitTorrent connection. */
  encryption: 'rc4' | 'plaintext' | 'none';
  /** Payload bytes already read (and deciphered); the connection decodes them first. */
  initialBytes: Uint8Array;
  /** The torrent the MSE handshake named (absent for a plain connection). */
  infoHash?: Uint8Array;
}

export type NegotiationFailureCode =
  `mse-${MseErrorCode}` | 'mse-timeout' | 'mse-closed' | 'plaintext-refused' | 'internal-error';

export class NegotiationError extends Error {
  override readonly name = 'NegotiationError';
  constructor(
    readonly code: NegotiationFailureCode,
    message: string,
  ) {
    super(message);
  }
}

export type NegotiationCallback = (err: NegotiationError | null, stream?: NegotiatedStream) => void;

/** Default time for the whole MSE exchange (one round trip and a bit, plus DH). */
export const DEFAULT_NEGOTIATION_TIMEOUT_MS = 10_000;

interface Hooks {
  /** Starts delivering chunks to `sink`; returns the function that stops it. */
  listen(sink: (chunk: Uint8Array) => void): () => void;
}

/** Reads through `reader` when the socket was opened with one, else 'data' events. */
function socketHooks(socket: PeerSocket, reader: ChunkReader | undefined): Hooks {
  return {
    listen(sink) {
      if (reader) {
        reader.sink = sink;
        return () => {
          if (reader.sink === sink) reader.sink = null;
        };
      }
      socket.on('data', sink);
      return () => socket.off('data', sink);
    },
  };
}

/**
 * Drives one negotiation: wires reads, end/close/error and a time-out to `handle`,
 * and guarantees `done` is called once, after every listener is gone.
 */
function drive(
  socket: PeerSocket,
  reader: ChunkReader | undefined,
  timeoutMs: number,
  done: NegotiationCallback,
  handle: (chunk: Uint8Array) => NegotiatedStream | null,
): void {
  let finished = false;
  const finish = (err: NegotiationError | null, stream?: NegotiatedStream) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    stopReading();
    socket.off('error', onError);
    socket.off('end', onEnd);
    socket.off('close', onEnd);
    if (err) socket.on('error', () => {}); // the caller destroys it; a late error is moot
    done(err, stream);
  };
  const onError = (err: Error) => finish(new NegotiationError('mse-closed', `socket error: ${err.message}`));
  const onEnd = () => finish(new NegotiationError('mse-closed', 'peer closed the connection during MSE'));
  const timer = setTimeout(
    () => finish(new NegotiationError('mse-timeout', `no MSE handshake within ${timeoutMs} ms`)),
    timeoutMs,
  );
  timer.unref?.();
  socket.on('error', onError);
  socket.on('end', onEnd);
  socket.on('close', onEnd);
  const stopReading = socketHooks(socket, reader).listen((chunk) => {
    try {
      const result = handle(chunk);
      if (result) finish(null, result);
    } catch (err) {
      finish(
        isMseError(err)
          ? new NegotiationError(`mse-${err.code}`, err.message)
          : err instanceof NegotiationError
            ? err
            : new NegotiationError('internal-error', err instanceof Error ? err.message : String(err)),
      );
    }
  });
}

function write(socket: PeerSocket, step: MseStep): void {
  if (step.send && step.send.length > 0) socket.write(step.send);
}

function streamOf(result: NonNullable<MseStep['done']>): NegotiatedStream {
  return {
    cipher: result.encrypt && result.decrypt ? { encrypt: result.encrypt, decrypt: result.decrypt } : null,
    encryption: result.method,
    initialBytes: result.payload,
    infoHash: result.infoHash,
  };
}

export interface OutgoingNegotiation {
  infoHash: Uint8Array;
  mode: 'prefer' | 'require';
  timeoutMs?: number;
  /** The socket delivers through it (`onread: reader.onread`, or uTP's `readDirect()`). */
  reader?: ChunkReader;
}

/**
 * We dialed: MSE as the initiator on a connected socket. 'prefer' offers RC4 and
 * plaintext (the peer picks), 'require' offers RC4 only. On failure the caller closes
 * the socket (and, for 'prefer', may dial again in plaintext).
 */
export function negotiateOutgoing(
  socket: PeerSocket,
  options: OutgoingNegotiation,
  done: NegotiationCallback,
): void {
  const initiator = new MseInitiator({
    infoHash: options.infoHash,
    provide: options.mode === 'require' ? CRYPTO_RC4 : CRYPTO_RC4 | CRYPTO_PLAINTEXT,
  });
  drive(socket, options.reader, options.timeoutMs ?? DEFAULT_NEGOTIATION_TIMEOUT_MS, done, (chunk) => {
    const step = initiator.receive(chunk);
    write(socket, step);
    return step.done ? streamOf(step.done) : null;
  });
  socket.write(initiator.start());
}

export interface IncomingNegotiation {
  mode: 'prefer' | 'require';
  /** Our torrent whose HASH('req2', info-hash) this is (the MSE skey lookup). */
  findInfoHash: (req2: Uint8Array) => Uint8Array | undefined;
  timeoutMs?: number;
  /** The socket delivers through it (uTP's `readDirect()`); else 'data' events. */
  reader?: ChunkReader;
}

/**
 * They dialed: a plain BitTorrent handshake (first byte 19, "BitTorrent protocol") is
 * passed through untouched unless the mode is 'require'; anything else is answered as
 * MSE. 'prefer' allows RC4 and plaintext payload and picks RC4 when both are offered;
 * 'require' allows RC4 only. ('off' never calls this: the BitTorrent decoder refuses
 * anything but a plain handshake.)
 */
export function negotiateIncoming(
  socket: PeerSocket,
  options: IncomingNegotiation,
  done: NegotiationCallback,
): void {
  let sniffed = new Uint8Array(0);
  let responder: MseResponder | null = null;
  drive(socket, options.reader, options.timeoutMs ?? DEFAULT_NEGOTIATION_TIMEOUT_MS, done, (chunk) => {
    if (!responder) {
      const seen = new Uint8Array(sniffed.length + chunk.length);
      seen.set(sniffed);
      seen.set(chunk, sniffed.length);
      sniffed = seen;
      const kind = sniffIncoming(seen);
      if (kind === 'undecided') return null;
      if (kind === 'plaintext') {
        if (options.mode === 'require')
          throw new NegotiationError(
            'plaintext-refused',
            'plaintext handshake refused: encryption is required',
          );
        return { cipher: null, encryption: 'none', initialBytes: seen };
      }
      responder = new MseResponder({
        findInfoHash: options.findInfoHash,
        allow: options.mode === 'require' ? CRYPTO_RC4 : CRYPTO_RC4 | CRYPTO_PLAINTEXT,
        // 'prefer' obfuscates the handshake and keeps the piece stream plain when the other
        // side allows it (libtorrent's prefer_rc4 = false): RC4 in JavaScript costs more CPU
        // than the rest of the receive path, and it hides nothing from a determined observer.
        preferPlaintext: options.mode === 'prefer',
      });
      chunk = seen;
    }
    const step = responder.receive(chunk);
    write(socket, step);
    return step.done ? streamOf(step.done) : null;
  });
}
