/**
 * The catalog: what is shared on this tracker, by name. Entries come from peers that seed
 * the torrent (the server checks that), are found by case-insensitive substring, are listed
 * in one stable order (name, then info-hash) so offset paging never skips or repeats an
 * entry between requests, and vanish with their swarm, or once it has had no seeder for
 * `orphanTtlMs`. Pure: the clock is injected.
 *
 * Searching costs work the searcher chooses, so it is metered (docs/PROTOCOL.md "Limits"):
 *  - a search is a cursor that scans the entries `budget` at a time (`advance`), so the
 *    server can interleave a search with announces instead of scanning 10 000 names at once;
 *  - finished searches are kept, per query, until the catalog changes: paging through the
 *    results of one query (what `swarmdrop list` does) costs the page, not a new scan.
 * A scan reads one immutable snapshot of the ordered entries: every change makes a new
 * array (copy on write, ~10 µs for 10 000 entries; publishes are rate-limited), so a scan
 * in progress never sees entries move under it.
 */
import type { CatalogEntry } from '../../protocol/udp-tracker/catalog-publish.ts';

export interface CatalogOptions {
  now: () => number;
  maxEntries: number;
  /** Entries one owner (a network prefix: see TrackerCore) may hold. Default maxEntries. */
  maxEntriesPerOwner?: number;
  /** An entry whose swarm has had no seeder this long is removed. */
  orphanTtlMs: number;
  /** Finished searches kept for paging. Default 16. */
  cachedSearches?: number;
}

export interface StoredCatalogEntry extends CatalogEntry {
  infoHashHex: string;
  publishedAtMs: number;
  lastSeederAtMs: number;
}

interface Row extends StoredCatalogEntry {
  sortKey: string;
  lowerName: string;
  /** Who holds the entry against their quota: the first publisher's owner key. */
  owner: string;
}

export type PublishOutcome = 'added' | 'updated' | 'full' | 'quota';

/** A search in progress or done; opaque outside this module but for `done`. */
export interface CatalogSearch {
  readonly done: boolean;
}

class Search implements CatalogSearch {
  done = false;
  /** Next row of `rows` to examine. */
  at = 0;
  readonly matches: Row[] = [];

  constructor(
    readonly needle: string,
    readonly rows: readonly Row[],
    readonly version: number,
  ) {}
}

export class Catalog {
  private readonly rows = new Map<string, Row>();
  /** Rows in list order; replaced, never changed in place (see the module comment). */
  private sorted: readonly Row[] = [];
  /** Bumped by every change: finished searches of an older version are stale. */
  private version = 0;
  /** Finished searches by needle, least recently used first (Map order). */
  private readonly cache = new Map<string, Search>();
  private readonly ownerCounts = new Map<string, number>();
  private readonly maxPerOwner: number;
  private readonly maxCached: number;

  constructor(private readonly options: CatalogOptions) {
    this.maxPerOwner = options.maxEntriesPerOwner ?? options.maxEntries;
    this.maxCached = options.cachedSearches ?? 16;
  }

  get size(): number {
    return this.rows.size;
  }

  has(infoHashHex: string): boolean {
    return this.rows.has(infoHashHex);
  }

  /** Entries `owner` holds now. */
  entriesOf(owner: string): number {
    return this.ownerCounts.get(owner) ?? 0;
  }

  /**
   * Adds or replaces the entry. A new entry counts against `owner`'s quota; replacing one
   * keeps its first owner (so re-describing an entry cannot move it off a quota).
   */
  publish(entry: CatalogEntry, infoHashHex: string, owner = ''): PublishOutcome {
    const now = this.options.now();
    const existing = this.rows.get(infoHashHex);
    if (!existing) {
      if (this.rows.size >= this.options.maxEntries) return 'full';
      if (this.entriesOf(owner) >= this.maxPerOwner) return 'quota';
    }
    const lowerName = entry.name.toLowerCase();
    const row: Row = {
      infoHash: entry.infoHash.slice(),
      infoHashHex,
      name: entry.name,
      totalSizeBytes: entry.totalSizeBytes,
      fileCount: entry.fileCount,
      publishedAtMs: existing?.publishedAtMs ?? now,
      lastSeederAtMs: now,
      lowerName,
      sortKey: `${lowerName}\u0000${infoHashHex}`,
      owner: existing?.owner ?? owner,
    };
    this.rows.set(infoHashHex, row);
    const next = this.sorted.slice();
    if (existing) next.splice(this.indexOf(existing.sortKey), 1);
    else this.ownerCounts.set(row.owner, this.entriesOf(row.owner) + 1);
    next.splice(lowerBound(next, row.sortKey), 0, row);
    this.changed(next);
    return existing ? 'updated' : 'added';
  }

  /** Entries whose name contains `query` (case-insensitive), from `offset`, at most `limit`. */
  search(
    query: string,
    offset: number,
    limit: number,
  ): { totalMatches: number; entries: StoredCatalogEntry[] } {
    const s = this.beginSearch(query);
    while (!s.done) this.advance(s, Number.MAX_SAFE_INTEGER);
    return this.page(s, offset, limit);
  }

  /** A search for `query`: already done when it is the empty query or a cached one. */
  beginSearch(query: string): CatalogSearch {
    const needle = query.toLowerCase();
    const cached = this.cache.get(needle);
    if (cached && cached.version === this.version) {
      // Most recently used goes last.
      this.cache.delete(needle);
      this.cache.set(needle, cached);
      return cached;
    }
    const s = new Search(needle, this.sorted, this.version);
    // The empty query matches the snapshot itself: nothing to scan.
    if (needle === '') s.done = true;
    return s;
  }

  /** Examines up to `budget` (≥ 1) more entries of `search`; returns how many it examined. */
  advance(search: CatalogSearch, budget: number): number {
    const s = search as Search;
    if (s.done) return 0;
    const { rows, needle, matches } = s;
    const end = Math.min(rows.length, s.at + Math.max(1, budget));
    for (let i = s.at; i < end; i++) {
      const row = rows[i] as Row;
      if (row.lowerName.includes(needle)) matches.push(row);
    }
    const examined = end - s.at;
    s.at = end;
    if (end === rows.length) {
      s.done = true;
      if (s.version === this.version) this.remember(s);
    }
    return examined;
  }

  /** One page of a finished search. */
  page(
    search: CatalogSearch,
    offset: number,
    limit: number,
  ): { totalMatches: number; entries: StoredCatalogEntry[] } {
    const s = search as Search;
    if (!s.done) throw new Error('catalog search read before it finished');
    const matches = s.needle === '' ? s.rows : s.matches;
    return { totalMatches: matches.length, entries: matches.slice(offset, offset + limit) };
  }

  /**
   * Refreshes seeder times and removes entries: at once when `seedersOf` says their swarm is
   * gone (null), else once it has had no seeder for the time-to-live. Returns how many went.
   */
  prune(seedersOf: (infoHashHex: string, infoHash: Uint8Array) => number | null): number {
    const now = this.options.now();
    const gone: Row[] = [];
    for (const row of this.rows.values()) {
      const seeders = seedersOf(row.infoHashHex, row.infoHash);
      if (seeders !== null && seeders > 0) row.lastSeederAtMs = now;
      else if (seeders === null || now - row.lastSeederAtMs > this.options.orphanTtlMs) gone.push(row);
    }
    if (gone.length === 0) return 0;
    for (const row of gone) {
      this.rows.delete(row.infoHashHex);
      const left = this.entriesOf(row.owner) - 1;
      if (left > 0) this.ownerCounts.set(row.owner, left);
      else this.ownerCounts.delete(row.owner);
    }
    this.changed(this.sorted.filter((r) => this.rows.get(r.infoHashHex) === r));
    return gone.length;
  }

  snapshot(): StoredCatalogEntry[] {
    return this.sorted.map(({ sortKey: _s, lowerName: _l, owner: _o, ...entry }) => ({
      ...entry,
      infoHash: entry.infoHash.slice(),
    }));
  }

  private changed(next: readonly Row[]): void {
    this.sorted = next;
    this.version++;
    this.cache.clear();
  }

  private remember(s: Search): void {
    this.cache.delete(s.needle);
    if (this.cache.size >= this.maxCached) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(s.needle, s);
  }

  /** The index of the row with `sortKey` in the current order (it must be there). */
  private indexOf(sortKey: string): number {
    return lowerBound(this.sorted, sortKey);
  }
}

/** The first index whose row sorts at or after `key`. */
function lowerBound(rows: readonly Row[], key: string): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((rows[mid] as Row).sortKey < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
