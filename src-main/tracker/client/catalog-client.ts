/**
 * Catalog extension client (docs/PROTOCOL.md): publish what we seed, search what others
 * share. Each call opens a UdpTrackerClient for the URL and closes it when done.
 * The tracker only accepts a publish from an address that seeds the torrent, so announce
 * (left = 0) before publishing.
 */
import {
  MAX_CATALOG_NAME_BYTES,
  type CatalogPublishStatus,
} from '../../protocol/udp-tracker/catalog-publish.ts';
import { encodeUtf8Truncated } from '../../protocol/udp-tracker/udp-tracker-common.ts';
import type {
  CatalogItem,
  CatalogPage,
  CatalogPublishEntry,
  CatalogSearchOptions,
  RequestOptions,
} from './tracker-client-api.ts';
import { UdpTrackerClient } from './udp-tracker-client.ts';

export interface CatalogClientOptions extends RequestOptions {
  /** First wait before a retransmit. Default 15 000 ms (BEP 15's base). */
  baseTimeoutMs?: number;
  /** Retransmits before giving up. Default 2 (15 + 30 + 60 s). */
  maxRetransmits?: number;
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/**
 * A name the catalog accepts: control characters become spaces and the UTF-8 form is cut
 * to 255 bytes on a character boundary (file names are seldom longer).
 */
export function catalogName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim() || 'unnamed';
  return new TextDecoder().decode(encodeUtf8Truncated(clean, MAX_CATALOG_NAME_BYTES));
}

function client(url: string, options: CatalogClientOptions): UdpTrackerClient {
  return new UdpTrackerClient(url, {
    baseTimeoutMs: options.baseTimeoutMs ?? 15_000,
    maxRetransmits: options.maxRetransmits ?? 2,
  });
}

export async function publishToCatalog(
  url: string,
  entry: CatalogPublishEntry,
  options: CatalogClientOptions = {},
): Promise<CatalogPublishStatus> {
  const c = client(url, options);
  try {
    return await c.publish({ ...entry, name: catalogName(entry.name) }, { signal: options.signal });
  } finally {
    c.close();
  }
}

/** One page of matches; several datagrams when a page does not fit in one. */
export async function searchCatalog(
  url: string,
  search: CatalogSearchOptions = {},
  options: CatalogClientOptions = {},
): Promise<CatalogPage> {
  const page = Math.max(0, Math.floor(search.page ?? 0));
  const pageSize = Math.min(1000, Math.max(1, Math.floor(search.pageSize ?? 20)));
  const c = client(url, options);
  try {
    const items = await fetchRange(c, search.query ?? '', page * pageSize, pageSize, options);
    return { ...items, page, pageSize };
  } finally {
    c.close();
  }
}

/** Every match (up to `maxItems`, default 10 000), for `swarmdrop list`. */
export async function listCatalog(
  url: string,
  query = '',
  options: CatalogClientOptions & { maxItems?: number } = {},
): Promise<{ items: CatalogItem[]; totalMatches: number }> {
  const c = client(url, options);
  try {
    return await fetchRange(c, query, 0, options.maxItems ?? 10_000, options);
  } finally {
    c.close();
  }
}

async function fetchRange(
  c: UdpTrackerClient,
  query: string,
  offset: number,
  count: number,
  options: RequestOptions,
): Promise<{ items: CatalogItem[]; totalMatches: number }> {
  const items: CatalogItem[] = [];
  let totalMatches = 0;
  let at = offset;
  // Each datagram brings at least one entry or ends the loop, so it runs ≤ count times.
  while (items.length < count) {
    const res = await c.listCatalog(
      { query, offset: at, maxEntries: Math.min(255, count - items.length) },
      { signal: options.signal },
    );
    totalMatches = res.totalMatches;
    for (const e of res.entries) {
      items.push({
        infoHashHex: hex(e.infoHash),
        name: e.name,
        totalSizeBytes: e.totalSizeBytes,
        fileCount: e.fileCount,
        seeders: e.seeders,
        leechers: e.leechers,
        completed: e.completed,
      });
    }
    at += res.entries.length;
    if (res.entries.length === 0 || at >= totalMatches) break;
  }
  return { items: items.slice(0, count), totalMatches };
}
