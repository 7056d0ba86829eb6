/**
 * Serves each queued item once, in a microtask after the current synchronous work: every
 * block or request of a socket chunk is handled first, then each peer is topped up (or
 * pumped) once, in one write, instead of once per message. Two sets are swapped per run,
 * so a run allocates nothing; items queued during a run wait for the next one.
 */
export class MicrotaskBatch<T> {
  private queued = new Set<T>();
  private spare = new Set<T>();
  private pending = false;

  constructor(private readonly serve: (item: T) => void) {}

  add(item: T): void {
    this.queued.add(item);
    if (this.pending) return;
    this.pending = true;
    queueMicrotask(this.run);
  }

  delete(item: T): void {
    this.queued.delete(item);
  }

  clear(): void {
    this.queued.clear();
    this.spare.clear();
  }

  private readonly run = (): void => {
    this.pending = false;
    const items = this.queued;
    this.queued = this.spare;
    this.spare = items;
    for (const item of items) this.serve(item);
    items.clear();
  };
}
