/**
 * One swarm's peers, laid out for the announce hot path (#7): per address family, a dense
 * array of records plus their compact entries (BEP 23: 6 bytes IPv4, 18 bytes IPv6) packed
 * back to back in one buffer, in the same order. Picking numwant random peers then copies
 * bytes out of one small buffer instead of visiting (and encoding) numwant scattered
 * objects; the encoding happens once, when a peer joins. Removal swaps the last peer into
 * the hole, so both stay dense and a random index is O(1).
 */
import { compactPeerBytes, encodeCompactPeers } from '../../protocol/udp-tracker/compact-peers.ts';
import type { IpFamily } from '../../protocol/udp-tracker/ip-address.ts';

export interface PeerRecord {
  key: string;
  ip: string;
  port: number;
  seeder: boolean;
  lastSeenMs: number;
  family: IpFamily;
  /** Position in its family's list (and of its entry in the packed buffer). */
  at: number;
}

const INITIAL_CAPACITY = 8;

export class PeerList {
  readonly records: PeerRecord[] = [];
  readonly entryBytes: number;
  /** records[i]'s compact entry at [i·entryBytes, (i+1)·entryBytes). */
  packed: Uint8Array;

  constructor(family: IpFamily) {
    this.entryBytes = compactPeerBytes(family);
    this.packed = new Uint8Array(INITIAL_CAPACITY * this.entryBytes);
  }

  get length(): number {
    return this.records.length;
  }

  push(peer: PeerRecord, entry: Uint8Array): void {
    const n = this.records.length;
    if ((n + 1) * this.entryBytes > this.packed.length) this.resize(2 * (n + 1));
    this.packed.set(entry, n * this.entryBytes);
    peer.at = n;
    this.records.push(peer);
  }

  /** Removes the record at `at`, moving the last one into its place. */
  removeAt(at: number): void {
    const last = this.records.pop();
    if (last === undefined) return;
    const n = this.records.length;
    if (at < n) {
      this.records[at] = last;
      last.at = at;
      const size = this.entryBytes;
      this.packed.copyWithin(at * size, n * size, (n + 1) * size);
    }
    // Give memory back once a swarm has shrunk to a quarter of its peak.
    const capacity = this.packed.length / this.entryBytes;
    if (capacity > 4 * INITIAL_CAPACITY && 4 * n < capacity) this.resize(2 * n);
  }

  /** Copies entry `i` to `out` at `offset` (a byte loop: cheaper than `set` for 6–18 bytes). */
  copyEntry(i: number, out: Uint8Array, offset: number): void {
    const size = this.entryBytes;
    const from = i * size;
    const packed = this.packed;
    for (let k = 0; k < size; k++) out[offset + k] = packed[from + k] as number;
  }

  private resize(capacity: number): void {
    const next = new Uint8Array(Math.max(INITIAL_CAPACITY, capacity) * this.entryBytes);
    next.set(this.packed.subarray(0, this.records.length * this.entryBytes));
    this.packed = next;
  }
}

export class Swarm {
  readonly lists: Record<IpFamily, PeerList> = { 4: new PeerList(4), 6: new PeerList(6) };
  /** Peer key (address|port) → its record. */
  readonly index = new Map<string, PeerRecord>();
  seeders = 0;
  completed = 0;

  get size(): number {
    return this.index.size;
  }

  get(key: string): PeerRecord | undefined {
    return this.index.get(key);
  }

  add(peer: Omit<PeerRecord, 'at'>): void {
    const { key, ip, port, seeder, lastSeenMs, family } = peer;
    const record: PeerRecord = { key, ip, port, seeder, lastSeenMs, family, at: 0 };
    const entry = encodeCompactPeers([{ host: peer.ip, port: peer.port }], peer.family);
    this.lists[peer.family].push(record, entry);
    this.index.set(record.key, record);
    if (record.seeder) this.seeders++;
  }

  remove(key: string): void {
    const peer = this.index.get(key);
    if (!peer) return;
    this.lists[peer.family].removeAt(peer.at);
    this.index.delete(key);
    if (peer.seeder) this.seeders--;
  }
}
