/**
 * A map from 20-byte info-hashes to values, for the tracker's announce path (docs/PERFORMANCE.md): a key is
 * looked up where it lies (in the received datagram), so an announce builds no hex string
 * and no Map key to find its swarm. Keys are packed back to back in one buffer with their
 * values at the same dense index, and an open-addressing table (linear probing, at most
 * half full, deletion by backward shift) names them. Removal swaps the last entry into the
 * hole, so the entries stay dense and can be walked by index.
 *
 * Info-hashes are chosen by clients, so the hash must not let anyone pile keys into one
 * probe run. It is simple tabulation hashing: one random 32-bit word per byte position and
 * byte value, XORed over the key, from tables drawn from a per-tracker seed. Two different
 * keys then collide with probability 2^-32 whatever they are, and linear probing keeps
 * O(1) expected probes (Pătraşcu and Thorup, "The power of simple tabulation hashing",
 * 2011); a seeded FNV or Murmur hash has collisions that hold for every seed.
 */
import { INFO_HASH_BYTES } from '../../protocol/udp-tracker/udp-tracker-common.ts';
import { SlotIndex } from './slot-index.ts';

const INITIAL_CAPACITY = 8;

export class InfoHashTable<V> {
  /** Entry i's key at [i·20, (i+1)·20). */
  private keys = new Uint8Array(INITIAL_CAPACITY * INFO_HASH_BYTES);
  /** Entry i's full hash: growing and deleting never rehash a key. */
  private hashes = new Int32Array(INITIAL_CAPACITY);
  private readonly values: V[] = [];
  private readonly index = new SlotIndex(INITIAL_CAPACITY, (i) => this.hashes[i] as number);
  /** The tabulation hash's words: 256 for each of the 20 byte positions. */
  private readonly table: Int32Array;

  constructor(seed: number) {
    this.table = tabulationWords(seed);
  }

  get size(): number {
    return this.values.length;
  }

  /** The index of the entry whose key is `key[offset … offset + 20)`, or -1. */
  find(key: Uint8Array, offset = 0): number {
    const h = this.hash(key, offset);
    const slots = this.index.slots;
    const mask = slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const v = slots[s] as number;
      if (v === 0) return -1;
      if (this.hashes[v - 1] === h && this.keyEquals(v - 1, key, offset)) return v - 1;
    }
  }

  /** Adds an entry whose key (at `offset`) is known not to be present; returns its index. */
  add(key: Uint8Array, offset: number, value: V): number {
    const n = this.values.length;
    if (n + 1 > this.hashes.length) this.resize(2 * (n + 1));
    const keys = this.keys;
    for (let k = 0, to = n * INFO_HASH_BYTES; k < INFO_HASH_BYTES; k++)
      keys[to + k] = key[offset + k] as number;
    this.hashes[n] = this.hash(key, offset);
    this.values.push(value);
    this.index.insert(n);
    return n;
  }

  valueAt(i: number): V {
    if (i < 0 || i >= this.values.length) throw new RangeError(`no entry at ${i}`);
    return this.values[i] as V;
  }

  /** Entry i's key, copied. */
  keyAt(i: number): Uint8Array {
    if (i < 0 || i >= this.values.length) throw new RangeError(`no entry at ${i}`);
    return this.keys.slice(i * INFO_HASH_BYTES, (i + 1) * INFO_HASH_BYTES);
  }

  /** Removes entry `at`, moving the last one into its place. */
  removeAt(at: number): void {
    const n = this.values.length;
    if (at < 0 || at >= n) return;
    this.index.remove(at);
    const last = n - 1;
    if (at < last) {
      // The last entry's slot now has to name its new index.
      this.index.rename(last, at);
      this.keys.copyWithin(at * INFO_HASH_BYTES, last * INFO_HASH_BYTES, n * INFO_HASH_BYTES);
      this.hashes[at] = this.hashes[last] as number;
      this.values[at] = this.values[last] as V;
    }
    this.values.pop();
    // Give memory back once the table has shrunk to a quarter of its peak.
    const capacity = this.hashes.length;
    if (capacity > 4 * INITIAL_CAPACITY && 4 * last < capacity) this.resize(2 * last);
  }

  private hash(key: Uint8Array, offset: number): number {
    const table = this.table;
    let h = 0;
    for (let k = 0; k < INFO_HASH_BYTES; k++) h ^= table[(k << 8) | (key[offset + k] as number)] as number;
    return h;
  }

  private keyEquals(i: number, key: Uint8Array, offset: number): boolean {
    const keys = this.keys;
    const from = i * INFO_HASH_BYTES;
    for (let k = 0; k < INFO_HASH_BYTES; k++) if (keys[from + k] !== key[offset + k]) return false;
    return true;
  }

  private resize(capacity: number): void {
    const c = Math.max(INITIAL_CAPACITY, capacity);
    const n = this.values.length;
    const keys = new Uint8Array(c * INFO_HASH_BYTES);
    keys.set(this.keys.subarray(0, n * INFO_HASH_BYTES));
    this.keys = keys;
    const hashes = new Int32Array(c);
    hashes.set(this.hashes.subarray(0, n));
    this.hashes = hashes;
    this.index.rebuild(n, c);
  }
}

/** 20 × 256 pseudo-random words from `seed` (splitmix32: a Weyl sequence, then a finaliser). */
function tabulationWords(seed: number): Int32Array {
  const words = new Int32Array(INFO_HASH_BYTES * 256);
  let state = seed | 0;
  for (let i = 0; i < words.length; i++) {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    words[i] = z ^ (z >>> 16);
  }
  return words;
}
