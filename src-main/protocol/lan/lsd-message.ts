/**
 * BEP 14 Local Service Discovery: the `BT-SEARCH` datagram a client multicasts on the
 * LAN to say "I have these torrents on this port". An HTTP-like request with headers:
 *
 *   BT-SEARCH * HTTP/1.1\r\n
 *   Host: 239.192.152.143:6771\r\n
 *   Port: <tcp port>\r\n
 *   Infohash: <40 hex>\r\n        (one or more; libtorrent sends several per datagram)
 *   cookie: <opaque>\r\n          (optional; lets a client drop its own announces)
 *   \r\n\r\n
 *
 * Header names are matched without regard to case (libtorrent writes `cookie` in lower
 * case); unknown headers are ignored. Pure: bytes in, value out, `ProtocolError` on bad input.
 */
import { ProtocolError } from '../protocol-error.ts';

/** BEP 14 defaults; the engine reads them from settings. */
export const LSD_IPV4_GROUP = '239.192.152.143';
export const LSD_IPV6_GROUP = 'ff15::efc0:988f';
export const LSD_PORT = 6771;

/**
 * One datagram, at most: below the 1280-byte IPv6 minimum MTU less headers, so it is
 * never fragmented, and far above a real announce (about 100 bytes + 50 per info-hash).
 */
export const MAX_LSD_MESSAGE_BYTES = 1400;
/** Info-hashes per datagram (what fits in MAX_LSD_MESSAGE_BYTES with the other headers). */
export const MAX_LSD_INFO_HASHES = 24;
/** Cookies are short tokens; longer ones are refused rather than kept. */
export const MAX_LSD_COOKIE_LENGTH = 64;

export interface LsdAnnounce {
  /** The `Host` header, e.g. `239.192.152.143:6771` (informative; the group it came on). */
  host: string;
  /** TCP port the sender accepts peer connections on. */
  port: number;
  /** Lower-case 40-hex info-hashes, in message order, no duplicates. */
  infoHashes: string[];
  /** Opaque token chosen by the sender; absent when the sender sent none. */
  cookie?: string;
}

const REQUEST_LINE = 'BT-SEARCH * HTTP/1.1';
const INFO_HASH_HEX = /^[0-9a-fA-F]{40}$/;
const COOKIE = /^[\x21-\x7e]+$/;
const HOST = /^[0-9A-Za-z.:[\]%-]{0,80}$/;

/** Writes one announce; throws on values a receiver would refuse. */
export function encodeLsdAnnounce(announce: LsdAnnounce): Uint8Array {
  if (!Number.isInteger(announce.port) || announce.port < 1 || announce.port > 0xffff)
    throw new ProtocolError('bad-value', `LSD port ${announce.port} out of range`);
  if (announce.infoHashes.length === 0)
    throw new ProtocolError('bad-value', 'LSD announce without info-hash');
  if (announce.infoHashes.length > MAX_LSD_INFO_HASHES)
    throw new ProtocolError('too-large', `more than ${MAX_LSD_INFO_HASHES} info-hashes in one LSD announce`);
  if (!HOST.test(announce.host)) throw new ProtocolError('bad-value', 'bad LSD Host header');
  const lines = [REQUEST_LINE, `Host: ${announce.host}`, `Port: ${announce.port}`];
  for (const hash of announce.infoHashes) {
    if (!INFO_HASH_HEX.test(hash)) throw new ProtocolError('bad-value', 'LSD info-hash is not 40 hex digits');
    lines.push(`Infohash: ${hash.toLowerCase()}`);
  }
  if (announce.cookie !== undefined) {
    if (announce.cookie.length > MAX_LSD_COOKIE_LENGTH || !COOKIE.test(announce.cookie))
      throw new ProtocolError('bad-value', 'bad LSD cookie');
    lines.push(`cookie: ${announce.cookie}`);
  }
  // BEP 14 ends the request with two empty lines.
  const bytes = new TextEncoder().encode(lines.join('\r\n') + '\r\n\r\n\r\n');
  if (bytes.length > MAX_LSD_MESSAGE_BYTES) throw new ProtocolError('too-large', 'LSD announce too long');
  return bytes;
}

/**
 * Reads one datagram. Refuses anything but a `BT-SEARCH` request with a valid Port and at
 * least one valid Infohash; a message over MAX_LSD_MESSAGE_BYTES is refused before it is read.
 */
export function decodeLsdAnnounce(bytes: Uint8Array): LsdAnnounce {
  if (bytes.length > MAX_LSD_MESSAGE_BYTES) throw new ProtocolError('too-large', 'LSD datagram too long');
  // latin1: every byte is one character, so bad UTF-8 cannot hide a CR or LF.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const lines = text.split(/\r?\n/);
  if (lines[0] !== REQUEST_LINE) throw new ProtocolError('unknown-message', 'not a BT-SEARCH request');
  let host: string | undefined;
  let port: number | undefined;
  let cookie: string | undefined;
  const infoHashes: string[] = [];
  let ended = false;
  for (const line of lines.slice(1)) {
    if (line === '') {
      ended = true;
      continue;
    }
    if (ended) throw new ProtocolError('bad-value', 'LSD header after the end of the headers');
    const colon = line.indexOf(':');
    if (colon <= 0) throw new ProtocolError('bad-value', 'LSD header line without a name');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    switch (name) {
      case 'host':
        if (!HOST.test(value)) throw new ProtocolError('bad-value', 'bad LSD Host header');
        host = value;
        break;
      case 'port': {
        if (!/^[0-9]{1,5}$/.test(value)) throw new ProtocolError('bad-value', 'LSD Port is not a number');
        const n = Number(value);
        if (n < 1 || n > 0xffff) throw new ProtocolError('bad-value', `LSD Port ${n} out of range`);
        if (port !== undefined && port !== n) throw new ProtocolError('bad-value', 'two different LSD Ports');
        port = n;
        break;
      }
      case 'infohash': {
        if (!INFO_HASH_HEX.test(value))
          throw new ProtocolError('bad-value', 'LSD Infohash is not 40 hex digits');
        const hash = value.toLowerCase();
        if (!infoHashes.includes(hash)) {
          if (infoHashes.length >= MAX_LSD_INFO_HASHES)
            throw new ProtocolError('too-large', 'too many info-hashes in one LSD announce');
          infoHashes.push(hash);
        }
        break;
      }
      case 'cookie':
        if (value.length > MAX_LSD_COOKIE_LENGTH || !COOKIE.test(value))
          throw new ProtocolError('bad-value', 'bad LSD cookie');
        cookie = value;
        break;
      default:
      // Unknown headers are ignored (BEP 14 is HTTP-like; clients add their own).
    }
  }
  if (port === undefined) throw new ProtocolError('truncated', 'LSD announce without Port');
  if (infoHashes.length === 0) throw new ProtocolError('truncated', 'LSD announce without Infohash');
  return { host: host ?? '', port, infoHashes, ...(cookie !== undefined ? { cookie } : {}) };
}

/** Splits info-hashes into announces of at most MAX_LSD_INFO_HASHES each. */
export function chunkInfoHashes(infoHashes: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < infoHashes.length; i += MAX_LSD_INFO_HASHES)
    out.push(infoHashes.slice(i, i + MAX_LSD_INFO_HASHES));
  return out;
}
