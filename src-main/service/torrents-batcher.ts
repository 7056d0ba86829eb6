/**
 * Coalesces torrent changes for the UI: whatever happens in between, listeners get at
 * most `maxPerSecond` `torrents` events a second (DESIGN: ≤10/s), each with the latest
 * summary of every changed torrent and the ids removed since the last flush.
 */
import type { TorrentsEvent } from '../../src-shared/contract/events.ts';
import type { TorrentSummary } from '../../src-shared/types/torrent.ts';

export class TorrentsBatcher {
  private changed = new Map<string, TorrentSummary>();
  private removed = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastFlushMs = -Infinity;
  private closed = false;
  private readonly minGapMs: number;

  constructor(
    private readonly emit: (event: TorrentsEvent) => void,
    maxPerSecond = 10,
    private readonly now: () => number = Date.now,
  ) {
    this.minGapMs = 1000 / maxPerSecond;
  }

  change(summary: TorrentSummary): void {
    if (this.closed) return;
    this.removed.delete(summary.id);
    this.changed.set(summary.id, summary);
    this.schedule();
  }

  remove(id: string): void {
    if (this.closed) return;
    this.changed.delete(id);
    this.removed.add(id);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    const waitMs = Math.max(0, this.lastFlushMs + this.minGapMs - this.now());
    this.timer = setTimeout(() => this.flush(), waitMs);
    this.timer.unref?.();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.changed.size === 0 && this.removed.size === 0) return;
    const event: TorrentsEvent = { changed: [...this.changed.values()], removed: [...this.removed] };
    this.changed = new Map();
    this.removed = new Set();
    this.lastFlushMs = this.now();
    this.emit(event);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
