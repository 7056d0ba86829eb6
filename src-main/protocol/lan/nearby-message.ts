/**
 * The LAN catalog ("Nearby"): what one Swarmdrop multicasts so others on the LAN can list
 * its shares. One bencoded dictionary per datagram (docs/PROTOCOL.md has the bytes):
 *
 *   sd: 1                protocol version (and the mark that this is ours)
 *   t:  'a' | 'q' | 'b'  announce (one page of the share list), query (answer now), bye
 *   i:  8 bytes          the sender's instance id (new at each start)
 *   n:  who              the sender's name, shown to people (≤ 64 bytes)       [a]
 *   p:  TCP peer port                                                          [a]
 *   r:  revision of the share list (changes whenever the list does)            [a]
 *   g, c: this page's index and the page count (share lists span datagrams)   [a]
 *   s:  list of [20-byte info-hash, name (≤ 120 bytes), total size]            [a]
 *
 * Everything here comes from anyone on the LAN: lengths are bounded before anything is
 * kept, names pass through safeDisplayName, and a malformed datagram is one ProtocolError.
 */
import { asBytes, asDict, asInt, asList, bdecode, bencode, type BValue } from '../bencode.ts';
import { safeDisplayName } from '../display-name.ts';
import { ProtocolError } from '../protocol-error.ts';

export const NEARBY_VERSION = 1;
/** Same bound as LSD: one unfragmented datagram on any LAN (IPv6 minimum MTU 1280). */
export const MAX_NEARBY_MESSAGE_BYTES = 1200;
export const MAX_NEARBY_WHO_BYTES = 64;
export const MAX_NEARBY_NAME_BYTES = 120;
/** Pages per share list: 16 shares with 30-byte names fit a page, so about 1000 shares (engine/lan/NOTES.md). */
export const MAX_NEARBY_PAGES = 64;
export const MAX_NEARBY_SHARES_PER_PAGE = 40;
/** Sizes up to 2^53 − 1 bytes (8 PiB) are exact in a JS number. */
const MAX_SIZE = Number.MAX_SAFE_INTEGER;

export interface NearbyShare {
  infoHashHex: string;
  name: string;
  totalBytes: number;
}

export type NearbyMessage =
  | {
      type: 'announce';
      instanceId: string;
      who: string;
      peerPort: number;
      revision: number;
      page: number;
      pageCount: number;
      shares: NearbyShare[];
    }
  | { type: 'query'; instanceId: string }
  | { type: 'bye'; instanceId: string };

const TYPE_CODES = { announce: 'a', query: 'q', bye: 'b' } as const;
const utf8 = new TextEncoder();
const hexOf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const INSTANCE_HEX = /^[0-9a-f]{16}$/;
const INFO_HASH_HEX = /^[0-9a-f]{40}$/;

/** `text` cut to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (utf8.encode(text).length <= maxBytes) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const n = utf8.encode(ch).length;
    if (used + n > maxBytes) break;
    out += ch;
    used += n;
  }
  return out;
}

/** A name as it will be sent and shown: safe, bounded, the fallback when nothing is left. */
function fitName(raw: string, maxBytes: number, fallback: string): string {
  // Cleaned again after the cut, which can leave trailing space or only dots: so that a
  // decoded name re-encodes to itself.
  return safeDisplayName(truncateUtf8(safeDisplayName(raw) ?? '', maxBytes)) ?? fallback;
}

export function encodeNearbyMessage(message: NearbyMessage): Uint8Array {
  if (!INSTANCE_HEX.test(message.instanceId))
    throw new ProtocolError('bad-value', 'instance id must be 16 hex digits');
  const dict: Record<string, unknown> = {
    sd: NEARBY_VERSION,
    t: TYPE_CODES[message.type],
    i: Buffer.from(message.instanceId, 'hex'),
  };
  if (message.type === 'announce') {
    checkAnnounceNumbers(message.peerPort, message.revision, message.page, message.pageCount);
    if (message.shares.length > MAX_NEARBY_SHARES_PER_PAGE)
      throw new ProtocolError('too-large', 'too many shares in one Nearby page');
    dict.n = fitName(message.who, MAX_NEARBY_WHO_BYTES, 'Swarmdrop');
    dict.p = message.peerPort;
    dict.r = message.revision;
    dict.g = message.page;
    dict.c = message.pageCount;
    dict.s = message.shares.map((s) => {
      if (!INFO_HASH_HEX.test(s.infoHashHex)) throw new ProtocolError('bad-value', 'bad info-hash');
      if (!Number.isSafeInteger(s.totalBytes) || s.totalBytes < 0)
        throw new ProtocolError('bad-value', 'bad size');
      return [
        Buffer.from(s.infoHashHex, 'hex'),
        fitName(s.name, MAX_NEARBY_NAME_BYTES, s.infoHashHex),
        s.totalBytes,
      ];
    });
  }
  const bytes = bencode(dict);
  if (bytes.length > MAX_NEARBY_MESSAGE_BYTES)
    throw new ProtocolError('too-large', 'Nearby message over one datagram');
  return bytes;
}

function checkAnnounceNumbers(peerPort: number, revision: number, page: number, pageCount: number): void {
  if (!Number.isInteger(peerPort) || peerPort < 1 || peerPort > 0xffff)
    throw new ProtocolError('bad-value', `peer port ${peerPort} out of range`);
  if (!Number.isSafeInteger(revision) || revision < 0) throw new ProtocolError('bad-value', 'bad revision');
  if (!Number.isInteger(pageCount) || pageCount < 1 || pageCount > MAX_NEARBY_PAGES)
    throw new ProtocolError('bad-value', `page count ${pageCount} out of range`);
  if (!Number.isInteger(page) || page < 0 || page >= pageCount)
    throw new ProtocolError('bad-value', `page ${page} out of range`);
}

export function decodeNearbyMessage(bytes: Uint8Array): NearbyMessage {
  if (bytes.length > MAX_NEARBY_MESSAGE_BYTES)
    throw new ProtocolError('too-large', 'Nearby datagram too long');
  const dict = asDict(bdecode(bytes, { maxLengthBytes: MAX_NEARBY_MESSAGE_BYTES }), 'Nearby message');
  if (dict.sd !== NEARBY_VERSION)
    throw new ProtocolError('unknown-message', 'not a Nearby message of version 1');
  const id = asBytes(dict.i, 'instance id');
  if (id.length !== 8) throw new ProtocolError('bad-value', 'instance id must be 8 bytes');
  const instanceId = hexOf(id);
  const type = textOf(dict.t, 'type', 1);
  if (type === 'q') return { type: 'query', instanceId };
  if (type === 'b') return { type: 'bye', instanceId };
  if (type !== 'a') throw new ProtocolError('unknown-message', 'unknown Nearby message type');
  const peerPort = asInt(dict.p, 'peer port');
  const revision = asInt(dict.r, 'revision');
  const page = asInt(dict.g, 'page');
  const pageCount = asInt(dict.c, 'page count');
  checkAnnounceNumbers(peerPort, revision, page, pageCount);
  const list = asList(dict.s, 'shares');
  if (list.length > MAX_NEARBY_SHARES_PER_PAGE)
    throw new ProtocolError('too-large', 'too many shares in one page');
  const shares = list.map((item) => decodeShare(item));
  return {
    type: 'announce',
    instanceId,
    who: fitName(textOf(dict.n, 'who', MAX_NEARBY_WHO_BYTES), MAX_NEARBY_WHO_BYTES, 'Swarmdrop'),
    peerPort,
    revision,
    page,
    pageCount,
    shares,
  };
}

function decodeShare(item: BValue): NearbyShare {
  const fields = asList(item, 'share');
  if (fields.length !== 3) throw new ProtocolError('bad-value', 'a share is [info-hash, name, size]');
  const hash = asBytes(fields[0], 'info-hash');
  if (hash.length !== 20) throw new ProtocolError('bad-value', 'info-hash must be 20 bytes');
  const infoHashHex = hexOf(hash);
  const totalBytes = asInt(fields[2], 'size');
  if (totalBytes < 0 || totalBytes > MAX_SIZE) throw new ProtocolError('bad-value', 'size out of range');
  const name = fitName(textOf(fields[1], 'name', MAX_NEARBY_NAME_BYTES), MAX_NEARBY_NAME_BYTES, infoHashHex);
  return { infoHashHex, name, totalBytes };
}

function textOf(v: BValue | undefined, what: string, maxBytes: number): string {
  const bytes = asBytes(v, what);
  if (bytes.length > maxBytes) throw new ProtocolError('too-large', `${what} longer than ${maxBytes} bytes`);
  return new TextDecoder('utf-8').decode(bytes);
}

/**
 * Splits a share list into announce pages that each encode within one datagram (names
 * are cut to MAX_NEARBY_NAME_BYTES first). Shares beyond MAX_NEARBY_PAGES pages are left
 * out; `omitted` says how many, so the sender can log it.
 */
export function pageNearbyShares(
  base: { instanceId: string; who: string; peerPort: number; revision: number },
  shares: readonly NearbyShare[],
): { pages: Extract<NearbyMessage, { type: 'announce' }>[]; omitted: number } {
  const pages: NearbyShare[][] = [[]];
  let placed = 0;
  for (const share of shares) {
    const current = pages[pages.length - 1]!;
    const trial = {
      type: 'announce' as const,
      ...base,
      page: 0,
      pageCount: MAX_NEARBY_PAGES,
      shares: [...current, share],
    };
    if (current.length < MAX_NEARBY_SHARES_PER_PAGE && fits(trial)) {
      current.push(share);
    } else {
      if (pages.length === MAX_NEARBY_PAGES) break;
      pages.push([share]);
    }
    placed++;
  }
  return {
    pages: pages.map((page, index) => ({
      type: 'announce' as const,
      ...base,
      page: index,
      pageCount: pages.length,
      shares: page,
    })),
    omitted: shares.length - placed,
  };
}

function fits(message: NearbyMessage): boolean {
  try {
    encodeNearbyMessage(message);
    return true;
  } catch (err) {
    if (err instanceof ProtocolError && err.code === 'too-large') return false;
    throw err;
  }
}
