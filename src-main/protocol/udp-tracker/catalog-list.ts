/**
 * Catalog extension, list/search (docs/PROTOCOL.md "Catalog extension"): entries whose
 * name contains the query (case-insensitive; empty = all), in a stable order, from a
 * given offset, as many as fit one datagram of ≤ 1400 bytes.
 *
 *   request:  0 int64 connection_id | 8 uint32 action = 0x53440002 | 12 uint32 transaction_id
 *             16 uint32 offset | 20 uint8 max_entries (0 = as many as fit)
 *             21 uint8 query_length (0..255) | 22 query (UTF-8)
 *   response: 0 uint32 action = 0x53440002 | 4 uint32 transaction_id | 8 uint32 total_matches
 *             12 uint32 offset | 16 uint8 entry_count | 17 entries…
 *   entry:    +0 info_hash[20] | +20 uint64 total_size | +28 uint32 file_count
 *             +32 uint32 seeders | +36 uint32 leechers | +40 uint32 completed
 *             +44 uint8 name_length (1..255) | +45 name (UTF-8)
 *
 * Paging is by offset rather than page number because entries vary in size (45..300 B):
 * the next request asks for `offset + entry_count` until it reaches `total_matches`.
 */
import { ProtocolError } from '../protocol-error.ts';
import { decodeCatalogName, encodeCatalogName, type CatalogEntry } from './catalog-publish.ts';
import {
  Action,
  INFO_HASH_BYTES,
  MAX_RESPONSE_BYTES,
  checkAction,
  checkConnectionId,
  checkHash,
  checkLength,
  checkUint32,
  copyBytes,
  decodeUtf8,
  encodeUtf8Truncated,
  readCounter,
  writeCounter,
} from './udp-tracker-common.ts';

const QUERY_OFFSET = 22;
export const MAX_CATALOG_QUERY_BYTES = 255;
const RESPONSE_HEADER_BYTES = 17;
const ENTRY_FIXED_BYTES = 45;

export interface CatalogListRequest {
  connectionId: bigint;
  transactionId: number;
  offset: number;
  /** 0 lets the tracker fill the datagram. */
  maxEntries: number;
  /** Substring to look for; '' lists everything. Cut to 255 UTF-8 bytes when encoded. */
  query: string;
}

export interface CatalogListing extends CatalogEntry {
  seeders: number;
  leechers: number;
  completed: number;
}

export interface CatalogListResponse {
  transactionId: number;
  totalMatches: number;
  offset: number;
  entries: CatalogListing[];
}

export function encodeCatalogListRequest(req: CatalogListRequest): Uint8Array {
  const query = encodeUtf8Truncated(req.query, MAX_CATALOG_QUERY_BYTES);
  const out = new Uint8Array(QUERY_OFFSET + query.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, checkConnectionId(req.connectionId));
  view.setUint32(8, Action.catalogList);
  view.setUint32(12, checkUint32(req.transactionId, 'transaction id'));
  view.setUint32(16, checkUint32(req.offset, 'offset'));
  if (!Number.isInteger(req.maxEntries) || req.maxEntries < 0 || req.maxEntries > 255) {
    throw new ProtocolError('bad-value', 'max entries must be 0..255');
  }
  view.setUint8(20, req.maxEntries);
  view.setUint8(21, query.length);
  out.set(query, QUERY_OFFSET);
  return out;
}

export function decodeCatalogListRequest(bytes: Uint8Array): CatalogListRequest {
  const view = checkLength(
    bytes,
    QUERY_OFFSET,
    QUERY_OFFSET + MAX_CATALOG_QUERY_BYTES,
    'catalog list request',
  );
  checkAction(view, 8, Action.catalogList, 'catalog list request');
  const queryLength = view.getUint8(21);
  if (bytes.length < QUERY_OFFSET + queryLength)
    throw new ProtocolError('truncated', 'catalog query runs past the datagram');
  if (bytes.length > QUERY_OFFSET + queryLength)
    throw new ProtocolError('bad-value', 'bytes after the catalog query');
  return {
    connectionId: view.getBigUint64(0),
    transactionId: view.getUint32(12),
    offset: view.getUint32(16),
    maxEntries: view.getUint8(20),
    query: decodeUtf8(bytes.subarray(QUERY_OFFSET), 'catalog query'),
  };
}

export const catalogListingBytes = (entry: CatalogEntry): number =>
  ENTRY_FIXED_BYTES + new TextEncoder().encode(entry.name).length;

/**
 * How many of `entries` (taken in order) fit one response of at most MAX_RESPONSE_BYTES,
 * and at most `maxEntries` of them (0 = no count limit, 255 at most).
 */
export function catalogEntriesThatFit(entries: readonly CatalogEntry[], maxEntries: number): number {
  const cap = maxEntries === 0 ? 255 : Math.min(maxEntries, 255);
  let size = RESPONSE_HEADER_BYTES;
  let n = 0;
  for (const e of entries) {
    if (n >= cap) break;
    size += catalogListingBytes(e);
    if (size > MAX_RESPONSE_BYTES) break;
    n++;
  }
  return n;
}

export function encodeCatalogListResponse(res: CatalogListResponse): Uint8Array {
  const names = res.entries.map((e) => encodeCatalogName(e.name));
  const size = names.reduce((sum, n) => sum + ENTRY_FIXED_BYTES + n.length, RESPONSE_HEADER_BYTES);
  if (res.entries.length > 255 || size > MAX_RESPONSE_BYTES) {
    throw new ProtocolError(
      'too-large',
      `catalog list response of ${size} bytes exceeds ${MAX_RESPONSE_BYTES}`,
    );
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, Action.catalogList);
  view.setUint32(4, checkUint32(res.transactionId, 'transaction id'));
  view.setUint32(8, checkUint32(res.totalMatches, 'total matches'));
  view.setUint32(12, checkUint32(res.offset, 'offset'));
  view.setUint8(16, res.entries.length);
  let off = RESPONSE_HEADER_BYTES;
  res.entries.forEach((e, i) => {
    const name = names[i] ?? new Uint8Array(0);
    out.set(checkHash(e.infoHash, 'info hash'), off);
    writeCounter(view, off + 20, e.totalSizeBytes, 'total size');
    view.setUint32(off + 28, checkUint32(e.fileCount, 'file count'));
    view.setUint32(off + 32, checkUint32(e.seeders, 'seeders'));
    view.setUint32(off + 36, checkUint32(e.leechers, 'leechers'));
    view.setUint32(off + 40, checkUint32(e.completed, 'completed'));
    view.setUint8(off + 44, name.length);
    out.set(name, off + ENTRY_FIXED_BYTES);
    off += ENTRY_FIXED_BYTES + name.length;
  });
  return out;
}

export function decodeCatalogListResponse(bytes: Uint8Array): CatalogListResponse {
  const view = checkLength(bytes, RESPONSE_HEADER_BYTES, MAX_RESPONSE_BYTES, 'catalog list response');
  checkAction(view, 0, Action.catalogList, 'catalog list response');
  const count = view.getUint8(16);
  const entries: CatalogListing[] = [];
  let off = RESPONSE_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (off + ENTRY_FIXED_BYTES > bytes.length)
      throw new ProtocolError('truncated', `catalog entry ${i} is cut short`);
    const nameLength = view.getUint8(off + 44);
    const end = off + ENTRY_FIXED_BYTES + nameLength;
    if (end > bytes.length) throw new ProtocolError('truncated', `catalog entry ${i} name is cut short`);
    if (view.getBigUint64(off + 20) > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ProtocolError('bad-value', 'total size over 2^53-1');
    }
    entries.push({
      infoHash: copyBytes(bytes, off, off + INFO_HASH_BYTES),
      totalSizeBytes: readCounter(view, off + 20),
      fileCount: view.getUint32(off + 28),
      seeders: view.getUint32(off + 32),
      leechers: view.getUint32(off + 36),
      completed: view.getUint32(off + 40),
      name: decodeCatalogName(bytes.subarray(off + ENTRY_FIXED_BYTES, end)),
    });
    off = end;
  }
  if (off !== bytes.length) throw new ProtocolError('bad-value', 'bytes after the last catalog entry');
  return {
    transactionId: view.getUint32(4),
    totalMatches: view.getUint32(8),
    offset: view.getUint32(12),
    entries,
  };
}
