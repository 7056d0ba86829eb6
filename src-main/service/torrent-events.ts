/**
 * Each torrent's recent user-facing warnings (hash failures, bans, changed files,
 * metadata unavailable), carried to the UI in TorrentDetail.events. Bounded: the newest
 * MAX_TORRENT_EVENTS per torrent, forgotten when the torrent is removed.
 */
import { torrentEventSchema, MAX_TORRENT_EVENT_MESSAGE } from '../../src-shared/contract/schemas.ts';
import { MAX_TORRENT_EVENTS, type TorrentEvent } from '../../src-shared/types/torrent.ts';

export class TorrentEvents {
  private readonly byTorrent = new Map<string, TorrentEvent[]>();

  constructor(private readonly now: () => number = Date.now) {}

  add(torrentId: string, code: string, message: string): void {
    const text =
      message.length > MAX_TORRENT_EVENT_MESSAGE
        ? `${message.slice(0, MAX_TORRENT_EVENT_MESSAGE - 1)}…`
        : message;
    const event = torrentEventSchema.parse({ atMs: Math.floor(this.now()), code, message: text });
    let list = this.byTorrent.get(torrentId);
    if (!list) this.byTorrent.set(torrentId, (list = []));
    list.push(event);
    if (list.length > MAX_TORRENT_EVENTS) list.splice(0, list.length - MAX_TORRENT_EVENTS);
  }

  /** Oldest first; a copy. */
  of(torrentId: string): TorrentEvent[] {
    return [...(this.byTorrent.get(torrentId) ?? [])];
  }

  forget(torrentId: string): void {
    this.byTorrent.delete(torrentId);
  }
}
