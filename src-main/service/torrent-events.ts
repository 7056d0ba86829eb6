/**
 * Each torrent's recent user-facing warnings (hash failures, bans, changed files,
 * metadata unavailable), carried to the UI in TorrentDetail.events. Bounded at
 * MAX_TORRENT_EVENTS per torrent and forgotten when the torrent is removed. When full,
 * the oldest event of the commonest code goes: a burst of hash failures must not push
 * out the one ban, or the one "files changed", that explains them.
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
    if (list.length > MAX_TORRENT_EVENTS) list.splice(oldestOfCommonestCode(list), 1);
  }

  /** Oldest first; a copy. */
  of(torrentId: string): TorrentEvent[] {
    return [...(this.byTorrent.get(torrentId) ?? [])];
  }

  forget(torrentId: string): void {
    this.byTorrent.delete(torrentId);
  }
}

/** Index of the oldest event whose code occurs most often in `list`. */
function oldestOfCommonestCode(list: readonly TorrentEvent[]): number {
  const counts = new Map<string, number>();
  for (const e of list) counts.set(e.code, (counts.get(e.code) ?? 0) + 1);
  let commonest = list[0]!.code;
  for (const [code, n] of counts) if (n > counts.get(commonest)!) commonest = code;
  return list.findIndex((e) => e.code === commonest);
}
