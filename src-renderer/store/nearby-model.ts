/**
 * The Nearby list's rows: the LAN catalog gives one line per (machine, share); a share
 * that several machines list is one row naming all of them, downloaded from all of them.
 */
import type { NearbyShare } from '../../src-shared/types/nearby.ts';

export interface NearbyEntry {
  infoHashHex: string;
  name: string;
  totalBytes: number;
  /** The machines' names, in the order first heard, no duplicates. */
  who: string[];
  peers: { host: string; port: number }[];
}

/** One row per info-hash, sorted by name; `query` keeps names containing it (any case). */
export function nearbyEntries(shares: readonly NearbyShare[], query = ''): NearbyEntry[] {
  const byHash = new Map<string, NearbyEntry>();
  for (const s of shares) {
    let e = byHash.get(s.infoHashHex);
    if (!e) {
      e = { infoHashHex: s.infoHashHex, name: s.name, totalBytes: s.totalBytes, who: [], peers: [] };
      byHash.set(s.infoHashHex, e);
    }
    if (!e.who.includes(s.who)) e.who.push(s.who);
    if (!e.peers.some((p) => p.host === s.host && p.port === s.peerPort))
      e.peers.push({ host: s.host, port: s.peerPort });
  }
  const q = query.trim().toLowerCase();
  return [...byHash.values()]
    .filter((e) => q === '' || e.name.toLowerCase().includes(q))
    .sort((a, b) => a.name.localeCompare(b.name) || a.infoHashHex.localeCompare(b.infoHashHex));
}
