/**
 * Shared constants and bounds-checked readers for the BEP 15 UDP tracker protocol and
 * Swarmdrop's catalog extension. All integers on the wire are big-endian (BEP 15).
 */
import { ProtocolError } from '../protocol-error.ts';

/** BEP 15: the magic constant a connect request starts with. */
export const PROTOCOL_ID = 0x41727101980n;

/** BEP 15 actions, plus the catalog extension (docs/PROTOCOL.md). */
export const Action = {
  connect: 0,
  announce: 1,
  scrape: 2,
  error: 3,
  /**
   * Catalog actions carry "SD" (0x53 0x44) in their top two bytes. Standard clients only
   * ever send 0..3 (BEP 15; BEP 41 adds no actions), and some trackers have experimented
   * with small values such as 4, so a high, tagged code can never be mistaken for a
   * standard request, and a standard tracker that sees one simply drops it or replies
   * with an error (opentracker drops unknown actions).
   */
  catalogPublish: 0x5344_0001,
  catalogList: 0x5344_0002,
} as const;

/**
 * The largest datagram any codec here will decode. BEP 15 sets no limit; 1472 bytes is the
 * largest UDP payload of an unfragmented IPv4 packet on Ethernet, so anything longer is
 * either fragmented abuse or not ours. Checked before any field is read.
 */
export const MAX_DATAGRAM_BYTES = 1472;

/**
 * Responses we build stay at or below this size (so that "each datagram under ~1400
 * bytes"), leaving room for IPv6 + UDP headers and tunnels under a 1500-byte MTU.
 */
export const MAX_RESPONSE_BYTES = 1400;

export const INFO_HASH_BYTES = 20;
export const PEER_ID_BYTES = 20;

/** Checks `bytes` is between `min` and `max` bytes long before anything is read. */
export function checkLength(bytes: Uint8Array, min: number, max: number, what: string): DataView {
  if (bytes.length > max)
    throw new ProtocolError('too-large', `${what} of ${bytes.length} bytes exceeds ${max}`);
  if (bytes.length < min)
    throw new ProtocolError('truncated', `${what} needs ${min} bytes, got ${bytes.length}`);
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function checkAction(view: DataView, offset: number, expected: number, what: string): void {
  const action = view.getUint32(offset);
  if (action !== expected)
    throw new ProtocolError('unknown-message', `${what}: action ${action}, expected ${expected}`);
}

/**
 * 64-bit unsigned counters (bytes up/down/left) as numbers, saturating at 2^53-1. Read as
 * two 32-bit halves: a tracker reads three per announce, and a BigInt each was garbage.
 */
export function readCounter(view: DataView, offset: number): number {
  const high = view.getUint32(offset);
  // 2^53-1 is high 0x1f_ffff, low 0xffff_ffff: any higher `high` is past it.
  if (high > 0x1f_ffff) return Number.MAX_SAFE_INTEGER;
  return high * 0x1_0000_0000 + view.getUint32(offset + 4);
}

export function writeCounter(view: DataView, offset: number, value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new ProtocolError('bad-value', `${what} must be a non-negative safe integer`);
  view.setBigUint64(offset, BigInt(value));
}

export function checkUint32(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new ProtocolError('bad-value', `${what} must be a 32-bit unsigned integer`);
  }
  return value;
}

export function checkInt32(value: number, what: string): number {
  if (!Number.isInteger(value) || value < -0x8000_0000 || value > 0x7fff_ffff) {
    throw new ProtocolError('bad-value', `${what} must be a 32-bit signed integer`);
  }
  return value;
}

export function checkConnectionId(value: bigint): bigint {
  if (value < 0n || value > 0xffff_ffff_ffff_ffffn)
    throw new ProtocolError('bad-value', 'connection id must be 64-bit unsigned');
  return value;
}

export function checkHash(bytes: Uint8Array, what: string): Uint8Array {
  if (bytes.length !== INFO_HASH_BYTES)
    throw new ProtocolError('bad-value', `${what} must be ${INFO_HASH_BYTES} bytes`);
  return bytes;
}

/**
 * A copy, so decoded values never alias (and pin) the receive buffer. Not `bytes.slice`:
 * on a node Buffer (what dgram delivers) that is a view, not a copy.
 */
export function copyBytes(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(bytes.subarray(start, end));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ProtocolError('bad-value', `${what} is not valid UTF-8`);
  }
}

/**
 * UTF-8 bytes of `text`, cut at a character boundary so they fit in `maxBytes`.
 * Used for free text we control the size of (catalog names, error messages).
 */
export function encodeUtf8Truncated(text: string, maxBytes: number): Uint8Array {
  const all = new TextEncoder().encode(text);
  if (all.length <= maxBytes) return all;
  let end = maxBytes;
  // Back up over continuation bytes (10xxxxxx) so no character is split.
  while (end > 0 && ((all[end] ?? 0) & 0xc0) === 0x80) end--;
  return all.slice(0, end);
}
