// Incremental decoder for one peer connection: the BEP 3 handshake, then length-prefixed
// messages, fed socket chunks split at arbitrary points (1-byte splits included).
//
// Hot path: a message lying wholly inside one chunk is decoded in place, so a `piece`
// block is a subarray view of the socket's read buffer (no copy). Only a message that
// straddles chunks is assembled, into one buffer of exactly its payload size, allocated
// after its length prefix and id have been checked against the bounds.
//
// A straddling PIECE is assembled in a buffer the decoder reuses: with 256 KiB reads
// nearly every read ends inside a block, and a fresh 16 KiB buffer each time was the
// leecher's largest source of garbage (64 MB of ArrayBuffers per GiB, docs/PERFORMANCE.md). That is safe
// because a piece block is already a view its listener must copy before returning (it
// usually points into the socket's reused read buffer); other messages keep their own
// buffers, since their payloads may be kept.
import {
  HANDSHAKE_LENGTH_BYTES,
  checkHandshakePrefix,
  decodeHandshake,
  type Handshake,
} from './handshake.ts';
import {
  DEFAULT_MESSAGE_LIMITS,
  MessageId,
  checkMessageLength,
  decodeMessageBody,
  type MessageLimits,
  type WireMessage,
} from './messages.ts';
import { ProtocolError } from '../protocol-error.ts';
import { readU32 } from './wire-bytes.ts';

export interface WireDecoderOptions extends Partial<MessageLimits> {
  /** Expect a 68-byte handshake before the first message. Default true. */
  handshake?: boolean;
  /**
   * Skip messages whose id no specification we implement defines (payload at most
   * `maxExtendedBytes`) instead of throwing 'unknown-message'. BEP 6 ids without the fast
   * extension still throw (BEP 6 says to close). Default false.
   */
  skipUnknownMessages?: boolean;
}

const KNOWN_IDS = new Set<number>(Object.values(MessageId));

export interface WireDecoderHandlers {
  onHandshake?(handshake: Handshake): void;
  onMessage(message: WireMessage): void;
  /**
   * When given, PIECE messages come here instead of `onMessage`: no message object per
   * block on the download path. `block` is only valid during the call (copy what you keep).
   */
  onPiece?(index: number, begin: number, block: Uint8Array): void;
}

const KEEP_ALIVE: WireMessage = Object.freeze({ type: 'keep-alive' });

export class WireDecoder {
  private readonly limits: MessageLimits;
  private handshakeBuf: Uint8Array | null;
  private handshakeFilled = 0;
  /** Length prefix + id of a message whose first 5 bytes straddle chunks. */
  private readonly header = new Uint8Array(5);
  private headerFilled = 0;
  /** Payload (after the id) of a message that straddles chunks. */
  private body: Uint8Array | null = null;
  private bodyFilled = 0;
  private bodyId = 0;
  /** Reused assembly buffer for straddling PIECE messages (grown to the largest seen). */
  private pieceBody: Uint8Array | null = null;
  private paused = false;
  private held: Uint8Array[] = [];
  private failure: unknown = null;
  private readonly skipUnknown: boolean;
  /** Messages with unknown ids skipped so far (`skipUnknownMessages`). */
  skippedMessages = 0;

  constructor(
    private readonly handlers: WireDecoderHandlers,
    options: WireDecoderOptions = {},
  ) {
    this.limits = {
      maxBlockBytes: options.maxBlockBytes ?? DEFAULT_MESSAGE_LIMITS.maxBlockBytes,
      maxBitfieldBytes: options.maxBitfieldBytes ?? DEFAULT_MESSAGE_LIMITS.maxBitfieldBytes,
      maxExtendedBytes: options.maxExtendedBytes ?? DEFAULT_MESSAGE_LIMITS.maxExtendedBytes,
      fastExtension: options.fastExtension ?? DEFAULT_MESSAGE_LIMITS.fastExtension,
    };
    this.handshakeBuf = options.handshake === false ? null : new Uint8Array(HANDSHAKE_LENGTH_BYTES);
    this.skipUnknown = options.skipUnknownMessages ?? false;
  }

  /** checkMessageLength, except that an unknown id within bounds is let through to be skipped. */
  private checkLength(id: number, length: number): void {
    if (this.skipUnknown && !KNOWN_IDS.has(id)) {
      if (length - 1 > this.limits.maxExtendedBytes)
        throw new ProtocolError('too-large', `unknown message id ${id} of ${length} bytes`);
      return;
    }
    checkMessageLength(id, length, this.limits);
  }

  /** BEP 6: fast-extension messages are a protocol error unless both sides set the bit. */
  setFastExtension(enabled: boolean): void {
    this.limits.fastExtension = enabled;
  }

  /** Bytes held in partial-message buffers (not counting held chunks while paused). */
  get partialBytes(): number {
    return this.handshakeFilled + this.headerFilled + this.bodyFilled;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * Stops delivering messages (callable from inside a handler, e.g. after the handshake
   * while the server routes the connection); later bytes are held until `resume()`.
   */
  pause(): void {
    this.paused = true;
  }

  /** Delivers held bytes, then continues normally. Throws like `push`. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    while (!this.paused && this.held.length > 0) this.push(this.held.shift()!);
  }

  /**
   * Decodes every complete message in `chunk`, calling the handlers synchronously.
   * Throws ProtocolError on malformed input; after a throw the decoder stays failed.
   */
  push(chunk: Uint8Array): void {
    if (this.failure !== null) throw this.failure;
    if (this.paused) {
      // Copies (a Buffer's slice() would be a view into a read buffer that gets reused).
      if (chunk.length > 0) this.held.push(new Uint8Array(chunk));
      return;
    }
    try {
      this.consume(chunk);
    } catch (err) {
      this.failure = err;
      this.body = null;
      this.held = [];
      throw err;
    }
  }

  private hold(chunk: Uint8Array, offset: number): void {
    if (offset < chunk.length) this.held.push(new Uint8Array(chunk.subarray(offset)));
  }

  private consume(chunk: Uint8Array): void {
    const n = chunk.length;
    let o = 0;

    if (this.handshakeBuf !== null) {
      const buf = this.handshakeBuf;
      const take = Math.min(HANDSHAKE_LENGTH_BYTES - this.handshakeFilled, n);
      buf.set(chunk.subarray(0, take), this.handshakeFilled);
      this.handshakeFilled += take;
      o = take;
      checkHandshakePrefix(buf.subarray(0, this.handshakeFilled));
      if (this.handshakeFilled < HANDSHAKE_LENGTH_BYTES) return;
      this.handshakeBuf = null;
      this.handshakeFilled = 0;
      this.handlers.onHandshake?.(decodeHandshake(buf));
      if (this.paused) return this.hold(chunk, o);
    }

    // Finish a message begun in an earlier chunk.
    if (this.body !== null) {
      const body = this.body;
      const take = Math.min(body.length - this.bodyFilled, n - o);
      body.set(chunk.subarray(o, o + take), this.bodyFilled);
      this.bodyFilled += take;
      o += take;
      if (this.bodyFilled < body.length) return;
      this.body = null;
      this.bodyFilled = 0;
      this.deliver(this.bodyId, body, 0, body.length);
      if (this.paused) return this.hold(chunk, o);
    } else if (this.headerFilled > 0) {
      const h = this.header;
      while (this.headerFilled < 4 && o < n) h[this.headerFilled++] = chunk[o++]!;
      if (this.headerFilled < 4) return;
      const length = readU32(h, 0);
      if (length === 0) {
        this.headerFilled = 0;
        this.handlers.onMessage(KEEP_ALIVE);
      } else {
        if (o >= n) return;
        const id = chunk[o++]!;
        this.headerFilled = 0;
        this.checkLength(id, length);
        o = this.begin(id, length - 1, chunk, o);
        if (o < 0) return;
      }
      if (this.paused) return this.hold(chunk, o);
    }

    // Whole messages inside this chunk: decoded in place.
    while (o < n) {
      if (n - o < 5) {
        if (n - o === 4 && readU32(chunk, o) === 0) {
          o += 4;
          this.handlers.onMessage(KEEP_ALIVE);
          if (this.paused) return this.hold(chunk, o);
          continue;
        }
        this.header.set(chunk.subarray(o, n), 0);
        this.headerFilled = n - o;
        return;
      }
      const length = readU32(chunk, o);
      if (length === 0) {
        o += 4;
        this.handlers.onMessage(KEEP_ALIVE);
      } else {
        const id = chunk[o + 4]!;
        this.checkLength(id, length);
        o = this.begin(id, length - 1, chunk, o + 5);
        if (o < 0) return;
      }
      if (this.paused) return this.hold(chunk, o);
    }
  }

  /**
   * Starts the message `id` whose payload of `payloadLength` bytes begins at `chunk[o]`:
   * decodes it in place if it is all there (returning the offset after it), otherwise
   * copies what there is into a new body buffer and returns -1.
   */
  private begin(id: number, payloadLength: number, chunk: Uint8Array, o: number): number {
    const end = o + payloadLength;
    if (end <= chunk.length) {
      this.deliver(id, chunk, o, end);
      return end;
    }
    // A skipped message's payload is assembled like any other (bounded by checkLength) and dropped.
    const body = id === MessageId.piece ? this.pieceBodyOf(payloadLength) : new Uint8Array(payloadLength);
    body.set(chunk.subarray(o), 0);
    this.body = body;
    this.bodyFilled = chunk.length - o;
    this.bodyId = id;
    return -1;
  }

  /** Hands the message whose payload is `bytes[start, end)` to its handler. */
  private deliver(id: number, bytes: Uint8Array, start: number, end: number): void {
    if (this.skipUnknown && !KNOWN_IDS.has(id)) {
      this.skippedMessages++;
      return;
    }
    const onPiece = this.handlers.onPiece;
    if (id === MessageId.piece && onPiece) {
      // checkMessageLength guaranteed the 8 header bytes.
      onPiece(readU32(bytes, start), readU32(bytes, start + 4), bytes.subarray(start + 8, end));
    } else this.handlers.onMessage(decodeMessageBody(id, bytes, start, end));
  }

  /** A view of exactly `payloadLength` bytes of the reused piece assembly buffer. */
  private pieceBodyOf(payloadLength: number): Uint8Array {
    if (!this.pieceBody || this.pieceBody.length < payloadLength)
      this.pieceBody = new Uint8Array(payloadLength);
    return this.pieceBody.length === payloadLength
      ? this.pieceBody
      : this.pieceBody.subarray(0, payloadLength);
  }
}
