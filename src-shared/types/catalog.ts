/** One entry of a tracker's catalog (the catalog extension of BEP 15, docs/PROTOCOL.md). */
export interface CatalogEntry {
  infoHashHex: string;
  name: string;
  totalBytes: number;
  seeders: number;
  leechers: number;
  /** The tracker that listed it (announce URL). */
  tracker: string;
}

export interface CatalogSearchResult {
  entries: CatalogEntry[];
  /** Trackers that could not be searched, with the user-facing reason. */
  failures: { tracker: string; code: string; message: string }[];
}
