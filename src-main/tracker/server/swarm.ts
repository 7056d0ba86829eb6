/**
 * One swarm's peers, laid out for the announce hot path (docs/PERFORMANCE.md): per address family, the
 * peers' compact entries (BEP 23: 6 bytes IPv4, 18 bytes IPv6) packed back to back in one
 * buffer, their seeder flags and last-seen times in typed arrays at the same index, and an
 * open-addressing hash table from entry bytes to index. A peer *is* its compact entry
 * (address and port), so finding one compares bytes already in the buffer: an announce
 * builds no key string, no record object and no Map entry, and a swarm of thousands of
 * peers is a handful of typed arrays the garbage collector never has to trace. Picking
 * numwant random peers copies bytes out of one small buffer. Removal swaps the last peer
 * into the hole, so the arrays stay dense and a random index is O(1).
 */
import {
  compactPeerBytes,
  decodeCompactPeers,
  type PeerAddress,
} from '../../protocol/udp-tracker/compact-peers.ts';
import type { IpFamily } from '../../protocol/ip-address.ts';
import { SlotIndex } from './slot-index.ts';

const INITIAL_CAPACITY = 8;

export class PeerList {
  readonly entryBytes: number;
  /** Peer i's compact entry at [i·entryBytes, (i+1)·entryBytes). */
  packed: Uint8Array;
  /** 1 where peer i seeds. */
  seeder: Uint8Array;
  lastSeenMs: Float64Array;
  private count = 0;
  /**
   * Entry bytes → index. The hash is seeded per swarm registry, so a client cannot pick
   * ports that pile its entries into one probe run.
   */
  private readonly index: SlotIndex;

  constructor(
    family: IpFamily,
    private readonly seed = 0,
  ) {
    this.entryBytes = compactPeerBytes(family);
    this.packed = new Uint8Array(INITIAL_CAPACITY * this.entryBytes);
    this.seeder = new Uint8Array(INITIAL_CAPACITY);
    this.lastSeenMs = new Float64Array(INITIAL_CAPACITY);
    this.index = new SlotIndex(INITIAL_CAPACITY, (i) => this.hash(this.packed, i * this.entryBytes));
  }

  get length(): number {
    return this.count;
  }

  /** The index of the peer whose entry is `entry[offset…]`, or -1. */
  find(entry: Uint8Array, offset = 0): number {
    const slots = this.index.slots;
    const mask = slots.length - 1;
    for (let s = this.hash(entry, offset) & mask; ; s = (s + 1) & mask) {
      const v = slots[s] as number;
      if (v === 0) return -1;
      if (this.entryEquals(v - 1, entry, offset)) return v - 1;
    }
  }

  /** Appends a peer known not to be in the list; returns its index. */
  push(entry: Uint8Array, seeder: boolean, lastSeenMs: number, offset = 0): number {
    const n = this.count;
    if (n + 1 > this.seeder.length) this.resize(2 * (n + 1));
    const size = this.entryBytes;
    for (let k = 0; k < size; k++) this.packed[n * size + k] = entry[offset + k] as number;
    this.seeder[n] = seeder ? 1 : 0;
    this.lastSeenMs[n] = lastSeenMs;
    this.count = n + 1;
    this.index.insert(n);
    return n;
  }

  /** Removes peer `at`, moving the last one into its place. */
  removeAt(at: number): void {
    const n = this.count;
    if (at < 0 || at >= n) return;
    this.index.remove(at);
    const last = n - 1;
    if (at < last) {
      // The last peer's slot now has to name its new index.
      const size = this.entryBytes;
      this.index.rename(last, at);
      this.packed.copyWithin(at * size, last * size, n * size);
      this.seeder[at] = this.seeder[last] as number;
      this.lastSeenMs[at] = this.lastSeenMs[last] as number;
    }
    this.count = last;
    // Give memory back once a swarm has shrunk to a quarter of its peak.
    const capacity = this.seeder.length;
    if (capacity > 4 * INITIAL_CAPACITY && 4 * last < capacity) this.resize(2 * last);
  }

  /** Copies entry `i` to `out` at `offset` (a byte loop: cheaper than `set` for 6–18 bytes). */
  copyEntry(i: number, out: Uint8Array, offset: number): void {
    const size = this.entryBytes;
    const from = i * size;
    const packed = this.packed;
    for (let k = 0; k < size; k++) out[offset + k] = packed[from + k] as number;
  }

  /** Peer i's address (decoded from its entry: for snapshots and tests, not the hot path). */
  peerAt(i: number): PeerAddress {
    const size = this.entryBytes;
    const [peer] = decodeCompactPeers(this.packed.subarray(i * size, (i + 1) * size), size === 6 ? 4 : 6);
    if (!peer) throw new RangeError(`no peer at ${i}`);
    return peer;
  }

  /** Whether peer i's address (not port) is the first entryBytes − 2 bytes of `ip`. */
  addressEquals(i: number, ip: Uint8Array): boolean {
    const from = i * this.entryBytes;
    for (let k = 0; k < ip.length; k++) if (this.packed[from + k] !== ip[k]) return false;
    return true;
  }

  private entryEquals(i: number, entry: Uint8Array, offset: number): boolean {
    const size = this.entryBytes;
    const from = i * size;
    for (let k = 0; k < size; k++) if (this.packed[from + k] !== entry[offset + k]) return false;
    return true;
  }

  /** FNV-1a over the entry from a seeded basis, then a murmur3 finaliser to spread the bits. */
  private hash(bytes: Uint8Array, offset: number): number {
    let h = (0x811c9dc5 ^ this.seed) | 0;
    for (let k = 0; k < this.entryBytes; k++) h = Math.imul(h ^ (bytes[offset + k] as number), 0x01000193);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  }

  private resize(capacity: number): void {
    const c = Math.max(INITIAL_CAPACITY, capacity);
    const n = this.count;
    const packed = new Uint8Array(c * this.entryBytes);
    packed.set(this.packed.subarray(0, n * this.entryBytes));
    this.packed = packed;
    const seeder = new Uint8Array(c);
    seeder.set(this.seeder.subarray(0, n));
    this.seeder = seeder;
    const lastSeenMs = new Float64Array(c);
    lastSeenMs.set(this.lastSeenMs.subarray(0, n));
    this.lastSeenMs = lastSeenMs;
    this.index.rebuild(n, c);
  }
}

/**
 * The IPv6 list of every swarm that has no IPv6 peer yet: empty, never written (Swarm.add
 * gives a swarm its own list first). Most swarms never see IPv6, and a PeerList is five
 * typed arrays: sharing this one halves a swarm's memory (~3.3 → ~1.7 KB), which is what a
 * table filled with random info-hashes costs.
 */
const NO_IPV6_PEERS = new PeerList(6);

/** One info-hash's peers as the tracker keeps them, per address family (not the engine's torrent/swarm.ts). */
export class TrackerSwarm {
  readonly lists: Record<IpFamily, PeerList>;
  seeders = 0;
  completed = 0;

  constructor(private readonly seed = 0) {
    this.lists = { 4: new PeerList(4, seed), 6: NO_IPV6_PEERS };
  }

  get size(): number {
    return this.lists[4].length + this.lists[6].length;
  }

  /** Adds a peer known not to be in the swarm; returns its index in its family's list. */
  add(family: IpFamily, entry: Uint8Array, seeder: boolean, lastSeenMs: number): number {
    if (seeder) this.seeders++;
    if (family === 6 && this.lists[6] === NO_IPV6_PEERS) this.lists[6] = new PeerList(6, this.seed);
    return this.lists[family].push(entry, seeder, lastSeenMs);
  }

  /** Records whether peer `at` of `family` seeds now, keeping the seeder count. */
  setSeeder(family: IpFamily, at: number, seeder: boolean): void {
    const flags = this.lists[family].seeder;
    if ((flags[at] === 1) !== seeder) this.seeders += seeder ? 1 : -1;
    flags[at] = seeder ? 1 : 0;
  }

  removeAt(family: IpFamily, at: number): void {
    const list = this.lists[family];
    if (at < 0 || at >= list.length) return;
    if (list.seeder[at] === 1) this.seeders--;
    list.removeAt(at);
  }
}
