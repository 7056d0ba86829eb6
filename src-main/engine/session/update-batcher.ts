/**
 * Collects which torrents changed and flushes them at most `maxPerSecond` times a
 * second (DESIGN: state reaches the UI as batched updates, ≤10/s), so a fast transfer
 * that changes state on every block costs the UI ten messages a second, not thousands.
 */
export class UpdateBatcher {
  private readonly dirty = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastFlushMs = -Infinity;
  private closed = false;
  private readonly minGapMs: number;

  constructor(
    private readonly flush: (ids: string[]) => void,
    maxPerSecond = 10,
    private readonly now: () => number = Date.now,
  ) {
    this.minGapMs = 1000 / maxPerSecond;
  }

  markDirty(id: string): void {
    if (this.closed) return;
    this.dirty.add(id);
    if (this.timer) return;
    const waitMs = Math.max(0, this.lastFlushMs + this.minGapMs - this.now());
    this.timer = setTimeout(() => this.flushNow(), waitMs);
    this.timer.unref?.();
  }

  forget(id: string): void {
    this.dirty.delete(id);
  }

  flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.dirty.size === 0) return;
    const ids = [...this.dirty];
    this.dirty.clear();
    this.lastFlushMs = this.now();
    this.flush(ids);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.dirty.clear();
  }
}
