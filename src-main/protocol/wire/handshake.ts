// BEP 3 handshake: <pstrlen=19><"BitTorrent protocol"><8 reserved bytes><info_hash 20><peer_id 20>.
// The reserved bits announce extensions: BEP 10 (reserved[5] & 0x10), BEP 6 fast
// extension (reserved[7] & 0x04) and BEP 5 DHT (reserved[7] & 0x01).
import { ProtocolError } from '../protocol-error.ts';

export const PROTOCOL_STRING = 'BitTorrent protocol';
export const HANDSHAKE_LENGTH_BYTES = 68;
const PSTR = new TextEncoder().encode(PROTOCOL_STRING);

export interface Handshake {
  /** 8 bytes. */
  reserved: Uint8Array;
  /** 20 bytes (v1 info-hash). */
  infoHash: Uint8Array;
  /** 20 bytes. */
  peerId: Uint8Array;
}

export interface ReservedFlags {
  extensionProtocol?: boolean;
  fastExtension?: boolean;
  dht?: boolean;
}

export function makeReserved(flags: ReservedFlags): Uint8Array {
  const r = new Uint8Array(8);
  if (flags.extensionProtocol) r[5]! |= 0x10;
  if (flags.fastExtension) r[7]! |= 0x04;
  if (flags.dht) r[7]! |= 0x01;
  return r;
}

export const supportsExtensionProtocol = (reserved: Uint8Array): boolean => (reserved[5]! & 0x10) !== 0;
export const supportsFastExtension = (reserved: Uint8Array): boolean => (reserved[7]! & 0x04) !== 0;
export const supportsDht = (reserved: Uint8Array): boolean => (reserved[7]! & 0x01) !== 0;

export function encodeHandshake(h: Handshake): Uint8Array {
  if (h.reserved.length !== 8) throw new RangeError('reserved must be 8 bytes');
  if (h.infoHash.length !== 20) throw new RangeError('infoHash must be 20 bytes');
  if (h.peerId.length !== 20) throw new RangeError('peerId must be 20 bytes');
  const out = new Uint8Array(HANDSHAKE_LENGTH_BYTES);
  out[0] = PSTR.length;
  out.set(PSTR, 1);
  out.set(h.reserved, 20);
  out.set(h.infoHash, 28);
  out.set(h.peerId, 48);
  return out;
}

/**
 * Checks as many leading bytes of a handshake as are present (so a decoder can reject
 * an HTTP request or a TLS hello after its first byte, not after 68).
 */
export function checkHandshakePrefix(bytes: Uint8Array): void {
  const n = Math.min(bytes.length, 20);
  if (n > 0 && bytes[0] !== PSTR.length) {
    throw new ProtocolError('bad-value', `handshake pstrlen ${bytes[0]} is not ${PSTR.length}`);
  }
  for (let i = 1; i < n; i++) {
    if (bytes[i] !== PSTR[i - 1])
      throw new ProtocolError('bad-value', 'handshake protocol string is not "BitTorrent protocol"');
  }
}

/** Decodes exactly one 68-byte handshake; the returned arrays are copies. */
export function decodeHandshake(bytes: Uint8Array): Handshake {
  checkHandshakePrefix(bytes);
  if (bytes.length < HANDSHAKE_LENGTH_BYTES) {
    throw new ProtocolError(
      'truncated',
      `handshake of ${bytes.length} bytes, need ${HANDSHAKE_LENGTH_BYTES}`,
    );
  }
  if (bytes.length > HANDSHAKE_LENGTH_BYTES) {
    throw new ProtocolError(
      'too-large',
      `handshake of ${bytes.length} bytes, need ${HANDSHAKE_LENGTH_BYTES}`,
    );
  }
  return {
    reserved: bytes.slice(20, 28),
    infoHash: bytes.slice(28, 48),
    peerId: bytes.slice(48, 68),
  };
}
