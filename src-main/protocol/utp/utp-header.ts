// The uTP packet header (BEP 29, version 1): 20 fixed bytes, then a chain of extensions
// (each: next-extension type, length, body), then the payload. Extension 1 is the
// selective ack: a bitmask whose bit i (least significant bit first in each byte) says
// the packet ack_nr + 2 + i arrived.
//
// The receive path decodes into one reused `UtpHeader` (no object per datagram): the
// selective-ack mask and the payload are given as offsets into the datagram. Unknown
// extension types are skipped, as BEP 29 asks. `decodeUtpPacket`/`encodeUtpPacket` are
// the allocating forms for tests, fuzzing and the rare control packets.
import { ProtocolError } from '../protocol-error.ts';

export const UTP_ST_DATA = 0;
export const UTP_ST_FIN = 1;
export const UTP_ST_STATE = 2;
export const UTP_ST_RESET = 3;
export const UTP_ST_SYN = 4;
export type UtpPacketType = 0 | 1 | 2 | 3 | 4;

export const UTP_VERSION = 1;
export const UTP_HEADER_BYTES = 20;
/**
 * The largest datagram a Node UDP socket reads whole (the largest IPv4 UDP payload; libuv
 * reads into 64 KiB): what we tell peers they may send us (docs/PROTOCOL.md, uTP).
 */
export const UTP_MAX_READ_DATAGRAM_BYTES = 65_507;
export const UTP_EXTENSION_SELECTIVE_ACK = 1;
/** Longest selective-ack mask we write or read (libtorrent caps it the same way). */
export const UTP_MAX_SACK_BYTES = 32;

/** A decoded header; the receive path reuses one of these for every datagram. */
export interface UtpHeader {
  type: UtpPacketType;
  connectionId: number;
  /** Sender's clock when sent, microseconds, modulo 2^32. */
  timestampUs: number;
  /** Sender's view of (its clock − our timestamp) on the last packet it got, modulo 2^32. */
  timestampDiffUs: number;
  /** Bytes the sender can still receive. */
  windowBytes: number;
  seqNr: number;
  ackNr: number;
  /** Offset of the selective-ack mask in the datagram, or -1 when there is none. */
  sackOffset: number;
  sackLength: number;
  /** Offset of the payload in the datagram (its end is the datagram's end). */
  payloadOffset: number;
}

export const emptyUtpHeader = (): UtpHeader => ({
  type: UTP_ST_DATA,
  connectionId: 0,
  timestampUs: 0,
  timestampDiffUs: 0,
  windowBytes: 0,
  seqNr: 0,
  ackNr: 0,
  sackOffset: -1,
  sackLength: 0,
  payloadOffset: UTP_HEADER_BYTES,
});

/**
 * Cheap test used to route a datagram on the shared UDP port: long enough for a header,
 * a known type and version 1. It does not walk the extensions (decodeUtpHeader does).
 */
export function looksLikeUtp(bytes: Uint8Array): boolean {
  return (
    bytes.length >= UTP_HEADER_BYTES && bytes[0]! >> 4 <= UTP_ST_SYN && (bytes[0]! & 0x0f) === UTP_VERSION
  );
}

const u16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
const u32 = (b: Uint8Array, o: number): number =>
  ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

/** Decodes `bytes` into `out` (and returns it). Throws ProtocolError on malformed input. */
export function decodeUtpHeader(bytes: Uint8Array, out: UtpHeader = emptyUtpHeader()): UtpHeader {
  if (bytes.length < UTP_HEADER_BYTES) {
    throw new ProtocolError('truncated', `uTP packet of ${bytes.length} bytes, the header needs 20`);
  }
  const type = bytes[0]! >> 4;
  const version = bytes[0]! & 0x0f;
  if (version !== UTP_VERSION) throw new ProtocolError('bad-value', `uTP version ${version}, expected 1`);
  if (type > UTP_ST_SYN) throw new ProtocolError('unknown-message', `uTP packet type ${type}`);
  out.type = type as UtpPacketType;
  out.connectionId = u16(bytes, 2);
  out.timestampUs = u32(bytes, 4);
  out.timestampDiffUs = u32(bytes, 8);
  out.windowBytes = u32(bytes, 12);
  out.seqNr = u16(bytes, 16);
  out.ackNr = u16(bytes, 18);
  out.sackOffset = -1;
  out.sackLength = 0;
  let next = bytes[1]!;
  let at = UTP_HEADER_BYTES;
  // Each extension takes at least 2 bytes, so the walk ends within the datagram.
  while (next !== 0) {
    if (at + 2 > bytes.length) throw new ProtocolError('truncated', 'uTP extension header cut off');
    const kind = next;
    next = bytes[at]!;
    const length = bytes[at + 1]!;
    at += 2;
    if (at + length > bytes.length) {
      throw new ProtocolError('truncated', `uTP extension ${kind} declares ${length} bytes past the end`);
    }
    if (kind === UTP_EXTENSION_SELECTIVE_ACK) {
      if (length === 0 || length % 4 !== 0) {
        throw new ProtocolError(
          'bad-value',
          `uTP selective ack of ${length} bytes (a multiple of 4 is needed)`,
        );
      }
      // A second mask would contradict the first; the first one counts.
      if (out.sackOffset < 0) {
        out.sackOffset = at;
        out.sackLength = length;
      }
    }
    at += length;
  }
  out.payloadOffset = at;
  return out;
}

/** Header fields for writing; `sack` is the selective-ack mask (length a multiple of 4). */
export interface UtpHeaderFields {
  type: UtpPacketType;
  connectionId: number;
  timestampUs: number;
  timestampDiffUs: number;
  windowBytes: number;
  seqNr: number;
  ackNr: number;
}

/** Bytes a header takes with a selective-ack mask of `sackLength` bytes (0: none). */
export const utpHeaderBytes = (sackLength: number): number =>
  UTP_HEADER_BYTES + (sackLength > 0 ? 2 + sackLength : 0);

/**
 * Writes a header at `offset` of `out` (which must have room) and returns the bytes written.
 * `sack` (optional) is copied from `sack[sackStart .. sackStart + sackLength]`.
 */
export function writeUtpHeader(
  out: Uint8Array,
  offset: number,
  h: UtpHeaderFields,
  sack: Uint8Array | null = null,
  sackLength = sack?.length ?? 0,
): number {
  if (sackLength % 4 !== 0 || sackLength > 252) {
    throw new RangeError(`selective ack of ${sackLength} bytes`);
  }
  out[offset] = (h.type << 4) | UTP_VERSION;
  out[offset + 1] = sack && sackLength > 0 ? UTP_EXTENSION_SELECTIVE_ACK : 0;
  out[offset + 2] = (h.connectionId >>> 8) & 0xff;
  out[offset + 3] = h.connectionId & 0xff;
  put32(out, offset + 4, h.timestampUs);
  put32(out, offset + 8, h.timestampDiffUs);
  put32(out, offset + 12, h.windowBytes);
  out[offset + 16] = (h.seqNr >>> 8) & 0xff;
  out[offset + 17] = h.seqNr & 0xff;
  out[offset + 18] = (h.ackNr >>> 8) & 0xff;
  out[offset + 19] = h.ackNr & 0xff;
  if (!sack || sackLength === 0) return UTP_HEADER_BYTES;
  out[offset + 20] = 0;
  out[offset + 21] = sackLength;
  out.set(sack.subarray(0, sackLength), offset + 22);
  return UTP_HEADER_BYTES + 2 + sackLength;
}

function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

/** A whole packet as plain values (tests, fuzzing, control packets). */
export interface UtpPacket extends UtpHeaderFields {
  /** The selective-ack mask, or null. */
  sack: Uint8Array | null;
  payload: Uint8Array;
}

/** Decodes a datagram into a UtpPacket whose mask and payload are copies. */
export function decodeUtpPacket(bytes: Uint8Array): UtpPacket {
  const h = decodeUtpHeader(bytes);
  return {
    type: h.type,
    connectionId: h.connectionId,
    timestampUs: h.timestampUs,
    timestampDiffUs: h.timestampDiffUs,
    windowBytes: h.windowBytes,
    seqNr: h.seqNr,
    ackNr: h.ackNr,
    sack: h.sackOffset >= 0 ? bytes.slice(h.sackOffset, h.sackOffset + h.sackLength) : null,
    payload: bytes.slice(h.payloadOffset),
  };
}

/** Encodes a packet (the mask a multiple of 4 bytes, at most 252: its length is one byte). */
export function encodeUtpPacket(p: UtpPacket): Uint8Array {
  const sackLength = p.sack?.length ?? 0;
  const out = new Uint8Array(utpHeaderBytes(sackLength) + p.payload.length);
  const at = writeUtpHeader(out, 0, p, p.sack);
  out.set(p.payload, at);
  return out;
}
