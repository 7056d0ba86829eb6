/**
 * Pure updates of the torrent list from `torrents` events. The map is replaced (so
 * React sees a change) but summaries that did not change keep their identity, so a row
 * subscribed to one id re-renders only when its torrent changed.
 */
import type { TorrentsEvent } from '../../src-shared/contract/events.ts';
import type { TorrentSummary } from '../../src-shared/types/torrent.ts';

export interface TorrentsState {
  byId: Map<string, TorrentSummary>;
  /** Ids in display order: newest first, then by name. */
  order: string[];
}

export const emptyTorrents: TorrentsState = { byId: new Map(), order: [] };

export function compareTorrents(a: TorrentSummary, b: TorrentSummary): number {
  return b.addedAt - a.addedAt || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

function sortedIds(byId: Map<string, TorrentSummary>): string[] {
  return [...byId.values()].sort(compareTorrents).map((t) => t.id);
}

export function replaceTorrents(list: TorrentSummary[]): TorrentsState {
  const byId = new Map(list.map((t) => [t.id, t]));
  return { byId, order: sortedIds(byId) };
}

export function applyTorrentsEvent(state: TorrentsState, event: TorrentsEvent): TorrentsState {
  if (event.changed.length === 0 && event.removed.length === 0) return state;
  const byId = new Map(state.byId);
  let reorder = false;
  for (const t of event.changed) {
    const prev = byId.get(t.id);
    if (!prev || prev.addedAt !== t.addedAt || prev.name !== t.name) reorder = true;
    byId.set(t.id, t);
  }
  for (const id of event.removed) if (byId.delete(id)) reorder = true;
  return { byId, order: reorder ? sortedIds(byId) : state.order };
}

/** Substring filter on name (case-insensitive), keeping order. */
export function filterOrder(state: TorrentsState, query: string): string[] {
  const q = query.trim().toLowerCase();
  if (!q) return state.order;
  return state.order.filter((id) => state.byId.get(id)?.name.toLowerCase().includes(q));
}

/** The id `delta` rows away from `current` in `order` (keyboard navigation). */
export function moveSelection(order: string[], current: string | null, delta: number): string | null {
  if (order.length === 0) return null;
  const i = current === null ? -1 : order.indexOf(current);
  if (i === -1) return delta >= 0 ? order[0]! : order[order.length - 1]!;
  return order[Math.max(0, Math.min(order.length - 1, i + delta))]!;
}
