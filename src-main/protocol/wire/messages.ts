// BEP 3 peer wire messages (+ BEP 5 port, BEP 6 fast extension, BEP 10 extended envelope).
// Every message after the handshake is <length u32 BE><id u8><payload>; length 0 is a
// keep-alive. Encoders return one buffer per message, except `encodePieceParts`, which
// returns [header, block] so the 16 KiB block is handed to the socket without a copy.
import { ProtocolError } from '../protocol-error.ts';
import type { BlockRefBatch } from './block-ref-batch.ts';
import { checkU32, readU16, readU32, writeU16, writeU32 } from './wire-bytes.ts';

export const MessageId = {
  choke: 0,
  unchoke: 1,
  interested: 2,
  notInterested: 3,
  have: 4,
  bitfield: 5,
  request: 6,
  piece: 7,
  cancel: 8,
  port: 9, // BEP 5
  suggest: 0x0d, // BEP 6
  haveAll: 0x0e,
  haveNone: 0x0f,
  reject: 0x10,
  allowedFast: 0x11,
  extended: 20, // BEP 10
} as const;

export const BLOCK_LENGTH_BYTES = 16 * 1024;

export interface BlockRef {
  index: number;
  begin: number;
  length: number;
}

export type WireMessage =
  | { type: 'keep-alive' }
  | { type: 'choke' }
  | { type: 'unchoke' }
  | { type: 'interested' }
  | { type: 'not-interested' }
  | { type: 'have'; index: number }
  | { type: 'bitfield'; bytes: Uint8Array }
  | ({ type: 'request' } & BlockRef)
  /**
   * `block` may be a view into the socket's read buffer, which the next read overwrites:
   * do not mutate it, and copy what you keep before the handler returns.
   */
  | { type: 'piece'; index: number; begin: number; block: Uint8Array }
  | ({ type: 'cancel' } & BlockRef)
  | { type: 'port'; port: number }
  | { type: 'suggest'; index: number }
  | { type: 'have-all' }
  | { type: 'have-none' }
  | ({ type: 'reject' } & BlockRef)
  | { type: 'allowed-fast'; index: number }
  /** BEP 10: extId 0 is the extension handshake; others are the ids we advertised in `m`. */
  | { type: 'extended'; extId: number; payload: Uint8Array };

export type WireMessageType = WireMessage['type'];
export type WireMessageOf<T extends WireMessageType> = Extract<WireMessage, { type: T }>;

export interface MessageLimits {
  /** Largest block accepted in a `piece` message (we only ever request 16 KiB). */
  maxBlockBytes: number;
  /** Largest bitfield payload. */
  maxBitfieldBytes: number;
  /** Largest extended payload (ext id byte excluded). */
  maxExtendedBytes: number;
  /** Accept BEP 6 messages (only when both sides set the reserved bit). */
  fastExtension: boolean;
}

export const DEFAULT_MESSAGE_LIMITS: Readonly<MessageLimits> = {
  maxBlockBytes: BLOCK_LENGTH_BYTES,
  maxBitfieldBytes: 2 * 1024 * 1024,
  maxExtendedBytes: 1024 * 1024,
  fastExtension: true,
};

// ------------------------------------------------------------------ encoding

const KEEP_ALIVE = new Uint8Array(4);

function frame(id: number, payloadLength: number): Uint8Array {
  const out = new Uint8Array(5 + payloadLength);
  writeU32(out, 0, 1 + payloadLength);
  out[4] = id;
  return out;
}

function blockRef(id: number, ref: BlockRef): Uint8Array {
  checkU32(ref.index, 'index');
  checkU32(ref.begin, 'begin');
  checkU32(ref.length, 'length');
  const out = frame(id, 12);
  writeU32(out, 5, ref.index);
  writeU32(out, 9, ref.begin);
  writeU32(out, 13, ref.length);
  return out;
}

function withIndex(id: number, index: number): Uint8Array {
  checkU32(index, 'index');
  const out = frame(id, 4);
  writeU32(out, 5, index);
  return out;
}

/** <length><id 7><index><begin>: what precedes a block in a piece message. */
export const PIECE_HEADER_BYTES = 13;

/** The 13-byte header of a piece message carrying `blockLengthBytes` bytes. */
export function encodePieceHeader(index: number, begin: number, blockLengthBytes: number): Uint8Array {
  const out = new Uint8Array(PIECE_HEADER_BYTES);
  writePieceHeader(out, index, begin, blockLengthBytes);
  return out;
}

/** Writes a piece header into `out[0..13)` (batch senders reuse one buffer for many). */
export function writePieceHeader(
  out: Uint8Array,
  index: number,
  begin: number,
  blockLengthBytes: number,
): void {
  checkU32(index, 'index');
  checkU32(begin, 'begin');
  checkU32(blockLengthBytes + 9, 'length');
  writeU32(out, 0, 9 + blockLengthBytes);
  out[4] = MessageId.piece;
  writeU32(out, 5, index);
  writeU32(out, 9, begin);
}

/** [header, block] for `socket.cork(); write(header); write(block); uncork()` — no copy. */
export function encodePieceParts(index: number, begin: number, block: Uint8Array): [Uint8Array, Uint8Array] {
  return [encodePieceHeader(index, begin, block.length), block];
}

/** Several requests in one buffer: one socket write for a whole pipeline refill. */
export function encodeRequests(refs: readonly BlockRef[], id: number = MessageId.request): Uint8Array {
  const out = new Uint8Array(17 * refs.length);
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i]!;
    checkU32(ref.index, 'index');
    checkU32(ref.begin, 'begin');
    checkU32(ref.length, 'length');
    const o = i * 17;
    writeU32(out, o, 13);
    out[o + 4] = id;
    writeU32(out, o + 5, ref.index);
    writeU32(out, o + 9, ref.begin);
    writeU32(out, o + 13, ref.length);
  }
  return out;
}

/** REQUEST (or CANCEL) messages for every reference in `batch`, back to back, in one buffer. */
export function encodeRequestBatch(batch: BlockRefBatch, id: number = MessageId.request): Uint8Array {
  const out = new Uint8Array(17 * batch.count);
  for (let i = 0; i < batch.count; i++) {
    const o = i * 17;
    writeU32(out, o, 13);
    out[o + 4] = id;
    writeU32(out, o + 5, batch.index(i));
    writeU32(out, o + 9, batch.begin(i));
    writeU32(out, o + 13, batch.length(i));
  }
  return out;
}

export function encodeMessage(msg: WireMessage): Uint8Array {
  switch (msg.type) {
    case 'keep-alive':
      return KEEP_ALIVE.slice();
    case 'choke':
      return frame(MessageId.choke, 0);
    case 'unchoke':
      return frame(MessageId.unchoke, 0);
    case 'interested':
      return frame(MessageId.interested, 0);
    case 'not-interested':
      return frame(MessageId.notInterested, 0);
    case 'have':
      return withIndex(MessageId.have, msg.index);
    case 'bitfield': {
      const out = frame(MessageId.bitfield, msg.bytes.length);
      out.set(msg.bytes, 5);
      return out;
    }
    case 'request':
      return blockRef(MessageId.request, msg);
    case 'piece': {
      const out = new Uint8Array(13 + msg.block.length);
      out.set(encodePieceHeader(msg.index, msg.begin, msg.block.length), 0);
      out.set(msg.block, 13);
      return out;
    }
    case 'cancel':
      return blockRef(MessageId.cancel, msg);
    case 'port': {
      if (!Number.isInteger(msg.port) || msg.port < 0 || msg.port > 0xffff)
        throw new RangeError(`port ${msg.port}`);
      const out = frame(MessageId.port, 2);
      writeU16(out, 5, msg.port);
      return out;
    }
    case 'suggest':
      return withIndex(MessageId.suggest, msg.index);
    case 'have-all':
      return frame(MessageId.haveAll, 0);
    case 'have-none':
      return frame(MessageId.haveNone, 0);
    case 'reject':
      return blockRef(MessageId.reject, msg);
    case 'allowed-fast':
      return withIndex(MessageId.allowedFast, msg.index);
    case 'extended': {
      if (!Number.isInteger(msg.extId) || msg.extId < 0 || msg.extId > 255)
        throw new RangeError(`extId ${msg.extId}`);
      const out = frame(MessageId.extended, 1 + msg.payload.length);
      out[5] = msg.extId;
      out.set(msg.payload, 6);
      return out;
    }
  }
}

// ------------------------------------------------------------------ decoding

/**
 * The largest acceptable value of the length prefix for message `id` under `limits`, or
 * -1 for an id we do not know (or a BEP 6 id when the fast extension is off). Fixed-size
 * messages also have a minimum equal to this value (see `minMessageLength`).
 */
export function maxMessageLength(id: number, limits: MessageLimits): number {
  switch (id) {
    case MessageId.choke:
    case MessageId.unchoke:
    case MessageId.interested:
    case MessageId.notInterested:
      return 1;
    case MessageId.have:
      return 5;
    case MessageId.bitfield:
      return 1 + limits.maxBitfieldBytes;
    case MessageId.request:
    case MessageId.cancel:
      return 13;
    case MessageId.piece:
      return 9 + limits.maxBlockBytes;
    case MessageId.port:
      return 3;
    case MessageId.extended:
      return 2 + limits.maxExtendedBytes;
    case MessageId.suggest:
    case MessageId.allowedFast:
      return limits.fastExtension ? 5 : -1;
    case MessageId.haveAll:
    case MessageId.haveNone:
      return limits.fastExtension ? 1 : -1;
    case MessageId.reject:
      return limits.fastExtension ? 13 : -1;
    default:
      return -1;
  }
}

function minMessageLength(id: number, max: number): number {
  if (id === MessageId.bitfield) return 1;
  if (id === MessageId.piece) return 9;
  if (id === MessageId.extended) return 2;
  return max;
}

/**
 * Validates a length prefix against the message id before any allocation. Throws
 * ProtocolError: 'unknown-message' for an unknown id, 'too-large' past the bound,
 * 'bad-value' for a fixed-size message of the wrong size, 'truncated' when too short.
 */
export function checkMessageLength(id: number, length: number, limits: MessageLimits): void {
  const max = maxMessageLength(id, limits);
  if (max < 0) throw new ProtocolError('unknown-message', `unknown message id ${id}`);
  if (length > max) {
    const fixed = minMessageLength(id, max) === max;
    throw new ProtocolError(
      fixed ? 'bad-value' : 'too-large',
      `message id ${id} of ${length} bytes, max ${max}`,
    );
  }
  const min = minMessageLength(id, max);
  if (length < min)
    throw new ProtocolError(
      min === max ? 'bad-value' : 'truncated',
      `message id ${id} of ${length} bytes, min ${min}`,
    );
}

/**
 * Decodes one message whose id is `id` and whose payload is `bytes[start, end)` (the
 * length prefix already checked by `checkMessageLength`). Variable payloads are views
 * into `bytes`, never copies.
 */
export function decodeMessageBody(id: number, bytes: Uint8Array, start: number, end: number): WireMessage {
  switch (id) {
    case MessageId.choke:
      return { type: 'choke' };
    case MessageId.unchoke:
      return { type: 'unchoke' };
    case MessageId.interested:
      return { type: 'interested' };
    case MessageId.notInterested:
      return { type: 'not-interested' };
    case MessageId.have:
      return { type: 'have', index: readU32(bytes, start) };
    case MessageId.bitfield:
      return { type: 'bitfield', bytes: bytes.subarray(start, end) };
    case MessageId.request:
      return {
        type: 'request',
        index: readU32(bytes, start),
        begin: readU32(bytes, start + 4),
        length: readU32(bytes, start + 8),
      };
    case MessageId.piece:
      return {
        type: 'piece',
        index: readU32(bytes, start),
        begin: readU32(bytes, start + 4),
        block: bytes.subarray(start + 8, end),
      };
    case MessageId.cancel:
      return {
        type: 'cancel',
        index: readU32(bytes, start),
        begin: readU32(bytes, start + 4),
        length: readU32(bytes, start + 8),
      };
    case MessageId.port:
      return { type: 'port', port: readU16(bytes, start) };
    case MessageId.suggest:
      return { type: 'suggest', index: readU32(bytes, start) };
    case MessageId.haveAll:
      return { type: 'have-all' };
    case MessageId.haveNone:
      return { type: 'have-none' };
    case MessageId.reject:
      return {
        type: 'reject',
        index: readU32(bytes, start),
        begin: readU32(bytes, start + 4),
        length: readU32(bytes, start + 8),
      };
    case MessageId.allowedFast:
      return { type: 'allowed-fast', index: readU32(bytes, start) };
    case MessageId.extended:
      return { type: 'extended', extId: bytes[start]!, payload: bytes.subarray(start + 1, end) };
    default:
      throw new ProtocolError('unknown-message', `unknown message id ${id}`);
  }
}
