/**
 * Runs tasks one at a time per key, in submission order; different keys run in parallel.
 *
 * FileStorage writes through it per file: a buffered write holds the file's inode lock for
 * its whole length, so parallel writes to one file gain nothing, and the threads waiting
 * for the lock spin on it (rwsem_spin_on_owner), which cost ~15% of the write threads'
 * CPU at full speed (docs/PERFORMANCE.md). A failed task does not affect the next.
 */
export class SerialByKey {
  private readonly tails = new Map<string, Promise<void>>();

  /** Tasks queued or running for `key` (for tests). */
  has(key: string): boolean {
    return this.tails.has(key);
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    const result = previous ? previous.then(task) : task();
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
