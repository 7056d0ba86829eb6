/**
 * Catalog extension, publish (docs/PROTOCOL.md "Catalog extension"): a peer that shares a
 * torrent tells the tracker its name, size and file count, so others can find it by name.
 *
 *   request:  0 int64 connection_id | 8 uint32 action = 0x53440001 | 12 uint32 transaction_id
 *             16 info_hash[20] | 36 uint64 total_size | 44 uint32 file_count
 *             48 uint8 name_length (1..255) | 49 name (UTF-8, no control characters)
 *   response: 0 uint32 action = 0x53440001 | 4 uint32 transaction_id | 8 uint8 status
 *             (0 = added, 1 = updated)
 *
 * The datagram is exactly 49 + name_length bytes (≤ 304): one shape, no options.
 */
import { ProtocolError } from '../protocol-error.ts';
import {
  Action,
  INFO_HASH_BYTES,
  checkAction,
  checkConnectionId,
  checkHash,
  checkLength,
  checkUint32,
  copyBytes,
  decodeUtf8,
  readCounter,
  writeCounter,
} from './udp-tracker-common.ts';

const NAME_OFFSET = 49;
export const MAX_CATALOG_NAME_BYTES = 255;
export const MAX_CATALOG_PUBLISH_BYTES = NAME_OFFSET + MAX_CATALOG_NAME_BYTES;
const RESPONSE_BYTES = 9;

export interface CatalogEntry {
  infoHash: Uint8Array;
  name: string;
  totalSizeBytes: number;
  fileCount: number;
}

export interface CatalogPublishRequest {
  connectionId: bigint;
  transactionId: number;
  entry: CatalogEntry;
}

export type CatalogPublishStatus = 'added' | 'updated';

export interface CatalogPublishResponse {
  transactionId: number;
  status: CatalogPublishStatus;
}

// C0 controls, DEL and C1 controls: a name is printed in terminals and lists.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Checks a catalog name: 1..255 UTF-8 bytes, no control characters. Returns its bytes. */
export function encodeCatalogName(name: string): Uint8Array {
  const bytes = new TextEncoder().encode(name);
  if (bytes.length === 0) throw new ProtocolError('bad-value', 'catalog name is empty');
  if (bytes.length > MAX_CATALOG_NAME_BYTES) {
    throw new ProtocolError(
      'too-large',
      `catalog name of ${bytes.length} bytes exceeds ${MAX_CATALOG_NAME_BYTES}`,
    );
  }
  if (CONTROL.test(name)) throw new ProtocolError('bad-value', 'catalog name contains control characters');
  return bytes;
}

export function decodeCatalogName(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new ProtocolError('bad-value', 'catalog name is empty');
  const name = decodeUtf8(bytes, 'catalog name');
  if (CONTROL.test(name)) throw new ProtocolError('bad-value', 'catalog name contains control characters');
  return name;
}

export function encodeCatalogPublishRequest(req: CatalogPublishRequest): Uint8Array {
  const name = encodeCatalogName(req.entry.name);
  const out = new Uint8Array(NAME_OFFSET + name.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, checkConnectionId(req.connectionId));
  view.setUint32(8, Action.catalogPublish);
  view.setUint32(12, checkUint32(req.transactionId, 'transaction id'));
  out.set(checkHash(req.entry.infoHash, 'info hash'), 16);
  writeCounter(view, 36, req.entry.totalSizeBytes, 'total size');
  view.setUint32(44, checkUint32(req.entry.fileCount, 'file count'));
  view.setUint8(48, name.length);
  out.set(name, NAME_OFFSET);
  return out;
}

export function decodeCatalogPublishRequest(bytes: Uint8Array): CatalogPublishRequest {
  const view = checkLength(bytes, NAME_OFFSET + 1, MAX_CATALOG_PUBLISH_BYTES, 'catalog publish request');
  checkAction(view, 8, Action.catalogPublish, 'catalog publish request');
  const nameLength = view.getUint8(48);
  if (bytes.length < NAME_OFFSET + nameLength)
    throw new ProtocolError('truncated', 'catalog name runs past the datagram');
  if (bytes.length > NAME_OFFSET + nameLength)
    throw new ProtocolError('bad-value', 'bytes after the catalog name');
  const totalSize = view.getBigUint64(36);
  if (totalSize > BigInt(Number.MAX_SAFE_INTEGER))
    throw new ProtocolError('bad-value', 'total size over 2^53-1');
  return {
    connectionId: view.getBigUint64(0),
    transactionId: view.getUint32(12),
    entry: {
      infoHash: copyBytes(bytes, 16, 16 + INFO_HASH_BYTES),
      totalSizeBytes: readCounter(view, 36),
      fileCount: view.getUint32(44),
      name: decodeCatalogName(bytes.subarray(NAME_OFFSET, NAME_OFFSET + nameLength)),
    },
  };
}

export function encodeCatalogPublishResponse(res: CatalogPublishResponse): Uint8Array {
  const out = new Uint8Array(RESPONSE_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, Action.catalogPublish);
  view.setUint32(4, checkUint32(res.transactionId, 'transaction id'));
  view.setUint8(8, res.status === 'added' ? 0 : 1);
  return out;
}

export function decodeCatalogPublishResponse(bytes: Uint8Array): CatalogPublishResponse {
  const view = checkLength(bytes, RESPONSE_BYTES, RESPONSE_BYTES, 'catalog publish response');
  checkAction(view, 0, Action.catalogPublish, 'catalog publish response');
  const status = view.getUint8(8);
  if (status > 1) throw new ProtocolError('bad-value', `catalog publish status ${status} is not 0 or 1`);
  return { transactionId: view.getUint32(4), status: status === 0 ? 'added' : 'updated' };
}
