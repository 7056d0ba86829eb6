/**
 * The open-addressing index under the tracker's packed tables (PeerList, InfoHashTable):
 * a power-of-two Int32Array of slots, linear probing, at most half full, deletion by
 * backward shift (no tombstones, so lookups never scan dead slots). A slot holds 0 when
 * empty, i + 1 when it names entry i. The owner keeps the entries densely by index and
 * knows each one's hash; this class only maps hashes to indices. Lookups stay in the
 * owner (`slots` is public), since only it can compare a query with an entry.
 */
export class SlotIndex {
  slots: Int32Array;

  /** Room for `capacity` entries. */
  constructor(
    capacity: number,
    /** The hash of entry i (for probing while deleting and rebuilding). */
    private readonly hashOf: (i: number) => number,
  ) {
    this.slots = new Int32Array(tableSizeFor(capacity));
  }

  insert(i: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let s = this.hashOf(i) & mask;
    while (slots[s] !== 0) s = (s + 1) & mask;
    slots[s] = i + 1;
  }

  /** Entry `from`'s slot now names entry `to` (the owner moved it there). */
  rename(from: number, to: number): void {
    this.slots[this.slotOf(from)] = to + 1;
  }

  /** Empties entry i's slot and shifts later members of its probe run back into the hole. */
  remove(i: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let hole = this.slotOf(i);
    for (let j = (hole + 1) & mask; slots[j] !== 0; j = (j + 1) & mask) {
      const home = this.hashOf((slots[j] as number) - 1) & mask;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        slots[hole] = slots[j] as number;
        hole = j;
      }
    }
    slots[hole] = 0;
  }

  /** A fresh table with room for `capacity` entries, holding entries 0 … count − 1. */
  rebuild(count: number, capacity: number): void {
    this.slots = new Int32Array(tableSizeFor(capacity));
    for (let i = 0; i < count; i++) this.insert(i);
  }

  /** The slot naming entry i (it must be in the index). */
  private slotOf(i: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    let s = this.hashOf(i) & mask;
    while (slots[s] !== i + 1) s = (s + 1) & mask;
    return s;
  }
}

/** The smallest power of two ≥ 16 and ≥ 2 × capacity (at most half full). */
function tableSizeFor(capacity: number): number {
  let size = 16;
  while (size < 2 * capacity) size *= 2;
  return size;
}
