/**
 * BEP 15 scrape.
 *
 *   request:  0 int64 connection_id | 8 int32 action = 2 | 12 int32 transaction_id
 *             16 info_hash[20] × n   (1 ≤ n ≤ MAX_SCRAPE_HASHES, see there)
 *   response: 0 int32 action = 2 | 4 int32 transaction_id
 *             8 (int32 seeders | int32 completed | int32 leechers) × n
 */
import { ProtocolError } from '../protocol-error.ts';
import {
  Action,
  INFO_HASH_BYTES,
  MAX_DATAGRAM_BYTES,
  checkAction,
  checkConnectionId,
  checkHash,
  checkInt32,
  checkLength,
  checkUint32,
  copyBytes,
} from './udp-tracker-common.ts';

const HEADER_BYTES = 16;
/**
 * Info-hashes per scrape: 69, so a request (16 + 20n bytes, 1396 at most) stays within the
 * 1400 bytes every datagram of ours keeps to (MAX_RESPONSE_BYTES: room for IPv6 and tunnel
 * headers under a 1500-byte MTU). BEP 15's "up to about 74" counts the 8 + 12n byte
 * response; 74 hashes make a 1496-byte request, past the 1472 bytes a datagram may have.
 */
export const MAX_SCRAPE_HASHES = 69;
/** The longest scrape request a tracker decodes; longer ones get a BEP 15 error. */
export const MAX_SCRAPE_REQUEST_BYTES = HEADER_BYTES + MAX_SCRAPE_HASHES * INFO_HASH_BYTES;
const RESPONSE_HEADER_BYTES = 8;
const STATS_BYTES = 12;

export interface ScrapeRequest {
  connectionId: bigint;
  transactionId: number;
  infoHashes: Uint8Array[];
}

export interface ScrapeStats {
  seeders: number;
  completed: number;
  leechers: number;
}

export interface ScrapeResponse {
  transactionId: number;
  /** In the order of the request's info-hashes. */
  torrents: ScrapeStats[];
}

export function encodeScrapeRequest(req: ScrapeRequest): Uint8Array {
  const n = req.infoHashes.length;
  if (n === 0) throw new ProtocolError('bad-value', 'scrape needs at least one info hash');
  if (n > MAX_SCRAPE_HASHES)
    throw new ProtocolError('too-large', `scrape of ${n} hashes exceeds ${MAX_SCRAPE_HASHES}`);
  const out = new Uint8Array(HEADER_BYTES + n * INFO_HASH_BYTES);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, checkConnectionId(req.connectionId));
  view.setUint32(8, Action.scrape);
  view.setUint32(12, checkUint32(req.transactionId, 'transaction id'));
  req.infoHashes.forEach((h, i) => out.set(checkHash(h, 'info hash'), HEADER_BYTES + i * INFO_HASH_BYTES));
  return out;
}

export function decodeScrapeRequest(bytes: Uint8Array): ScrapeRequest {
  const view = checkLength(bytes, HEADER_BYTES + INFO_HASH_BYTES, MAX_SCRAPE_REQUEST_BYTES, 'scrape request');
  checkAction(view, 8, Action.scrape, 'scrape request');
  const body = bytes.length - HEADER_BYTES;
  if (body % INFO_HASH_BYTES !== 0)
    throw new ProtocolError('bad-value', 'scrape request is not a whole number of info hashes');
  const infoHashes: Uint8Array[] = [];
  for (let off = HEADER_BYTES; off < bytes.length; off += INFO_HASH_BYTES) {
    infoHashes.push(copyBytes(bytes, off, off + INFO_HASH_BYTES));
  }
  return { connectionId: view.getBigUint64(0), transactionId: view.getUint32(12), infoHashes };
}

/**
 * The header of a scrape request too long to decode (more than MAX_SCRAPE_HASHES hashes),
 * or undefined when `bytes` is not one. Only the 16 header bytes are read, whatever the
 * length, so a tracker can answer such a request with an error instead of silence.
 */
export function oversizedScrapeHeader(
  bytes: Uint8Array,
): { connectionId: bigint; transactionId: number } | undefined {
  if (bytes.length <= MAX_SCRAPE_REQUEST_BYTES) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  if (view.getUint32(8) !== Action.scrape) return undefined;
  return { connectionId: view.getBigUint64(0), transactionId: view.getUint32(12) };
}

export function encodeScrapeResponse(res: ScrapeResponse): Uint8Array {
  if (res.torrents.length > MAX_SCRAPE_HASHES)
    throw new ProtocolError('too-large', 'too many scrape entries');
  const out = new Uint8Array(RESPONSE_HEADER_BYTES + res.torrents.length * STATS_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, Action.scrape);
  view.setUint32(4, checkUint32(res.transactionId, 'transaction id'));
  res.torrents.forEach((t, i) => {
    const off = RESPONSE_HEADER_BYTES + i * STATS_BYTES;
    view.setInt32(off, checkInt32(t.seeders, 'seeders'));
    view.setInt32(off + 4, checkInt32(t.completed, 'completed'));
    view.setInt32(off + 8, checkInt32(t.leechers, 'leechers'));
  });
  return out;
}

export function decodeScrapeResponse(bytes: Uint8Array): ScrapeResponse {
  const view = checkLength(bytes, RESPONSE_HEADER_BYTES, MAX_DATAGRAM_BYTES, 'scrape response');
  checkAction(view, 0, Action.scrape, 'scrape response');
  const body = bytes.length - RESPONSE_HEADER_BYTES;
  if (body % STATS_BYTES !== 0)
    throw new ProtocolError('bad-value', 'scrape response is not a whole number of entries');
  const torrents: ScrapeStats[] = [];
  for (let off = RESPONSE_HEADER_BYTES; off < bytes.length; off += STATS_BYTES) {
    const t = {
      seeders: view.getInt32(off),
      completed: view.getInt32(off + 4),
      leechers: view.getInt32(off + 8),
    };
    if (t.seeders < 0 || t.completed < 0 || t.leechers < 0)
      throw new ProtocolError('bad-value', 'negative scrape count');
    torrents.push(t);
  }
  return { transactionId: view.getUint32(4), torrents };
}
