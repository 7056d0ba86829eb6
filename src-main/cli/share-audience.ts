/**
 * Who is downloading from `swarmdrop share`: one line when a peer starts receiving data,
 * when it has the whole share, and when it leaves (with what it was sent). A person who
 * handed out a magnet link wants to see that it worked; per-block detail would be noise.
 */
import type { PeerDetail } from '../../src-shared/types/torrent.ts';
import { formatBytes } from '../../src-shared/util/format.ts';
import type { PeerClosedEvent, Session } from '../service/headless-session.ts';

/** What the watcher remembers of one peer between two looks. */
export interface AudienceEntry {
  client: string;
  sentBytes: number;
  /** It has been reported as receiving data. */
  announced: boolean;
  /** It has been reported as having everything. */
  complete: boolean;
}

export type AudienceChange =
  | { kind: 'receiving'; address: string; client: string }
  | { kind: 'complete'; address: string; client: string }
  | { kind: 'left'; address: string; client: string; sentBytes: number };

/**
 * Compares the peers seen now with what was known, updating `known` in place. Only peers
 * that received data are reported: a connection that never asked for anything is not
 * someone downloading. Departures come from the engine's `peer-closed` event instead
 * (`departure`), so a download that starts and ends between two looks is still reported.
 */
export function audienceChanges(
  known: Map<string, AudienceEntry>,
  peers: readonly Pick<PeerDetail, 'address' | 'client' | 'uploadedBytes' | 'progress'>[],
): AudienceChange[] {
  const changes: AudienceChange[] = [];
  for (const p of peers) {
    let entry = known.get(p.address);
    if (!entry) {
      entry = { client: p.client, sentBytes: 0, announced: false, complete: false };
      known.set(p.address, entry);
    }
    entry.sentBytes = Math.max(entry.sentBytes, p.uploadedBytes);
    if (!entry.announced && p.uploadedBytes > 0) {
      entry.announced = true;
      changes.push({ kind: 'receiving', address: p.address, client: p.client });
    }
    if (entry.announced && !entry.complete && p.progress >= 1) {
      entry.complete = true;
      changes.push({ kind: 'complete', address: p.address, client: p.client });
    }
  }
  return changes;
}

/** A closed connection: reported when it received anything; forgotten either way. */
export function departure(
  known: Map<string, AudienceEntry>,
  closed: Pick<PeerClosedEvent, 'address' | 'client' | 'uploadedBytes'>,
): AudienceChange | null {
  const entry = known.get(closed.address);
  known.delete(closed.address);
  const sentBytes = Math.max(entry?.sentBytes ?? 0, closed.uploadedBytes);
  return sentBytes > 0 ? { kind: 'left', address: closed.address, client: closed.client, sentBytes } : null;
}

export function describeAudienceChange(shareName: string, c: AudienceChange): string {
  const who = c.client && c.client !== 'Unknown' ? `${c.address} (${c.client})` : c.address;
  switch (c.kind) {
    case 'receiving':
      return `${shareName}: ${who} is downloading`;
    case 'complete':
      return `${shareName}: ${who} has all of it now`;
    case 'left':
      return `${shareName}: ${who} left after receiving ${formatBytes(c.sentBytes)}`;
  }
}

/** How often the peer lists are looked at; a person reads these lines, so once a second is plenty. */
const LOOK_EVERY_MS = 1000;

/** Prints audience changes for each shared torrent until the returned function is called. */
export function watchAudience(
  session: Session,
  shares: readonly { id: string; name: string }[],
  print: (line: string) => void,
): () => void {
  const known = new Map(shares.map((s) => [s.id, new Map<string, AudienceEntry>()]));
  const nameOf = new Map(shares.map((s) => [s.id, s.name]));
  const timer = setInterval(() => {
    for (const s of shares) {
      let peers: PeerDetail[];
      try {
        peers = session.detail(s.id).peers;
      } catch {
        continue; // Removed or failed: seedUntil reports that.
      }
      for (const change of audienceChanges(known.get(s.id)!, peers))
        print(describeAudienceChange(s.name, change));
    }
  }, LOOK_EVERY_MS);
  timer.unref();
  const off = session.on('peer-closed', (event) => {
    const peers = known.get(event.torrentId);
    if (!peers) return;
    const change = departure(peers, event);
    if (change) print(describeAudienceChange(nameOf.get(event.torrentId)!, change));
  });
  return () => {
    clearInterval(timer);
    off();
  };
}
