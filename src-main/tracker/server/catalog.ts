/**
 * The catalog: what is shared on this tracker, by name. Entries come from peers that seed
 * the torrent (the server checks that), are found by case-insensitive substring, are listed
 * in one stable order (name, then info-hash) so offset paging never skips or repeats an
 * entry between requests, and vanish once their swarm has had no seeder for `orphanTtlMs`.
 * Pure: the clock is injected.
 */
import type { CatalogEntry } from '../../protocol/udp-tracker/catalog-publish.ts';

export interface CatalogOptions {
  now: () => number;
  maxEntries: number;
  /** An entry whose swarm has had no seeder this long is removed. */
  orphanTtlMs: number;
}

export interface StoredCatalogEntry extends CatalogEntry {
  infoHashHex: string;
  publishedAtMs: number;
  lastSeederAtMs: number;
}

interface Row extends StoredCatalogEntry {
  sortKey: string;
  lowerName: string;
}

export type PublishOutcome = 'added' | 'updated' | 'full';

export class Catalog {
  private readonly rows = new Map<string, Row>();
  /** Rows in list order; rebuilt lazily after a change. */
  private sorted: Row[] | null = null;

  constructor(private readonly options: CatalogOptions) {}

  get size(): number {
    return this.rows.size;
  }

  has(infoHashHex: string): boolean {
    return this.rows.has(infoHashHex);
  }

  publish(entry: CatalogEntry, infoHashHex: string): PublishOutcome {
    const now = this.options.now();
    const existing = this.rows.get(infoHashHex);
    if (!existing && this.rows.size >= this.options.maxEntries) return 'full';
    const lowerName = entry.name.toLowerCase();
    this.rows.set(infoHashHex, {
      infoHash: entry.infoHash.slice(),
      infoHashHex,
      name: entry.name,
      totalSizeBytes: entry.totalSizeBytes,
      fileCount: entry.fileCount,
      publishedAtMs: existing?.publishedAtMs ?? now,
      lastSeederAtMs: now,
      lowerName,
      sortKey: `${lowerName}\u0000${infoHashHex}`,
    });
    this.sorted = null;
    return existing ? 'updated' : 'added';
  }

  /** Entries whose name contains `query` (case-insensitive), from `offset`, at most `limit`. */
  search(
    query: string,
    offset: number,
    limit: number,
  ): { totalMatches: number; entries: StoredCatalogEntry[] } {
    const needle = query.toLowerCase();
    const all = this.ordered();
    const matches = needle === '' ? all : all.filter((r) => r.lowerName.includes(needle));
    return { totalMatches: matches.length, entries: matches.slice(offset, offset + limit) };
  }

  /** Refreshes seeder times from `seedersOf` and removes orphans; returns how many went. */
  prune(seedersOf: (infoHashHex: string, infoHash: Uint8Array) => number): number {
    const now = this.options.now();
    let removed = 0;
    for (const [hash, row] of this.rows) {
      if (seedersOf(hash, row.infoHash) > 0) row.lastSeederAtMs = now;
      else if (now - row.lastSeederAtMs > this.options.orphanTtlMs) {
        this.rows.delete(hash);
        removed++;
      }
    }
    if (removed > 0) this.sorted = null;
    return removed;
  }

  snapshot(): StoredCatalogEntry[] {
    return this.ordered().map(({ sortKey: _s, lowerName: _l, ...entry }) => ({
      ...entry,
      infoHash: entry.infoHash.slice(),
    }));
  }

  private ordered(): Row[] {
    this.sorted ??= [...this.rows.values()].sort((a, b) =>
      a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0,
    );
    return this.sorted;
  }
}
