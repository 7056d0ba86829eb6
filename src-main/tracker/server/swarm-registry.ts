/**
 * Swarm state per info-hash: who is in it (by address and listening port), who seeds,
 * how many completed. Pure: the clock and randomness are injected, no sockets, so the
 * tracker's rules are table-tested here and the server only moves bytes.
 */
import type { AnnounceEvent } from '../../protocol/udp-tracker/announce.ts';
import { encodeCompactPeers, type PeerAddress } from '../../protocol/udp-tracker/compact-peers.ts';
import type { IpFamily } from '../../protocol/udp-tracker/ip-address.ts';

export interface SwarmRegistryOptions {
  now: () => number;
  random: () => number;
  /** A peer not heard from for this long is dropped (BEP 15 has none; ~2 intervals). */
  peerTtlMs: number;
  maxSwarms: number;
  maxPeersPerSwarm: number;
}

export interface PeerAnnounce {
  infoHashHex: string;
  /** Normalised IP (see normalizeIp): the datagram's source unless policy trusts the IP field. */
  ip: string;
  family: IpFamily;
  /** Family of the socket the announce came over: BEP 15 answers with peers of that family. */
  replyFamily: IpFamily;
  /** The peer's listening port from the announce. */
  port: number;
  event: AnnounceEvent;
  left: number;
  /** How many peers to return, already clamped by the caller. */
  numWant: number;
}

export type AnnounceOutcome =
  | { ok: true; seeders: number; leechers: number; peers: PeerAddress[] }
  | { ok: false; reason: 'too-many-swarms' };

/** The same answer with each peer as its compact entry (BEP 23: 6 bytes IPv4, 18 IPv6). */
export type CompactAnnounceOutcome =
  | { ok: true; seeders: number; leechers: number; peers: Uint8Array[] }
  | { ok: false; reason: 'too-many-swarms' };

type RecordsOutcome =
  | { ok: true; seeders: number; leechers: number; peers: PeerRecord[] }
  | { ok: false; reason: 'too-many-swarms' };

interface PeerRecord {
  key: string;
  ip: string;
  port: number;
  /**
   * The peer's compact entry, encoded once when it joins: an announce hands out up to
   * numwant peers, so encoding them per answer (text IP → bytes) dominated the tracker's
   * CPU time (#7).
   */
  compact: Uint8Array;
  seeder: boolean;
  lastSeenMs: number;
}

class Swarm {
  /** Peers of each family in a dense array (O(1) random pick, swap-remove) + key → index. */
  readonly lists: Record<IpFamily, PeerRecord[]> = { 4: [], 6: [] };
  readonly index = new Map<string, { family: IpFamily; at: number }>();
  seeders = 0;
  completed = 0;

  get size(): number {
    return this.index.size;
  }

  get(key: string): PeerRecord | undefined {
    const at = this.index.get(key);
    return at === undefined ? undefined : this.lists[at.family][at.at];
  }

  add(peer: PeerRecord, family: IpFamily): void {
    const list = this.lists[family];
    this.index.set(peer.key, { family, at: list.length });
    list.push(peer);
    if (peer.seeder) this.seeders++;
  }

  remove(key: string): void {
    const at = this.index.get(key);
    if (!at) return;
    const list = this.lists[at.family];
    const peer = list[at.at];
    const last = list.pop();
    if (last && last !== peer) {
      list[at.at] = last;
      this.index.set(last.key, at);
    }
    this.index.delete(key);
    if (peer?.seeder) this.seeders--;
  }
}

export interface SwarmSnapshot {
  infoHashHex: string;
  seeders: number;
  leechers: number;
  completed: number;
  peers: { ip: string; port: number; seeder: boolean; lastSeenMs: number }[];
}

export const peerKey = (ip: string, port: number): string => `${ip}|${port}`;

export class SwarmRegistry {
  private readonly swarms = new Map<string, Swarm>();
  private peerCount = 0;
  /** Floyd's sampling marks: index i is chosen in this pick iff marks[i] === generation. */
  private marks = new Uint32Array(0);
  private generation = 0;

  constructor(private readonly options: SwarmRegistryOptions) {}

  /** Records the announce; answers with counts and up to numWant other peers. */
  announce(a: PeerAnnounce): AnnounceOutcome {
    const r = this.announceRecords(a);
    return r.ok ? { ...r, peers: r.peers.map(toAddress) } : r;
  }

  /** `announce`, with the peers as compact entries ready to copy into a response. */
  announceCompact(a: PeerAnnounce): CompactAnnounceOutcome {
    const r = this.announceRecords(a);
    if (!r.ok) return r;
    const peers = new Array<Uint8Array>(r.peers.length);
    for (let i = 0; i < peers.length; i++) peers[i] = (r.peers[i] as PeerRecord).compact;
    return { ok: true, seeders: r.seeders, leechers: r.leechers, peers };
  }

  private announceRecords(a: PeerAnnounce): RecordsOutcome {
    const now = this.options.now();
    let swarm = this.swarms.get(a.infoHashHex);
    const key = peerKey(a.ip, a.port);
    if (a.event === 'stopped') {
      // BEP 3/15: a stopped peer leaves at once; it gets counts but no peers.
      if (swarm?.get(key)) {
        swarm.remove(key);
        this.peerCount--;
        this.dropIfEmpty(a.infoHashHex, swarm);
      }
      return {
        ok: true,
        seeders: swarm?.seeders ?? 0,
        leechers: swarm ? swarm.size - swarm.seeders : 0,
        peers: [],
      };
    }
    if (!swarm) {
      if (this.swarms.size >= this.options.maxSwarms) return { ok: false, reason: 'too-many-swarms' };
      swarm = new Swarm();
      this.swarms.set(a.infoHashHex, swarm);
    }
    const seeder = a.left === 0;
    const existing = swarm.get(key);
    if (existing) {
      if (a.event === 'completed' && !existing.seeder) swarm.completed++;
      if (existing.seeder !== seeder) swarm.seeders += seeder ? 1 : -1;
      existing.seeder = seeder;
      existing.lastSeenMs = now;
    } else if (swarm.size < this.options.maxPeersPerSwarm) {
      // A full swarm still answers the newcomer; it just is not handed out to others.
      const compact = encodeCompactPeers([{ host: a.ip, port: a.port }], a.family);
      swarm.add({ key, ip: a.ip, port: a.port, compact, seeder, lastSeenMs: now }, a.family);
      this.peerCount++;
      if (a.event === 'completed') swarm.completed++;
    }
    const peers = this.pick(swarm, a.replyFamily, key, a.numWant);
    if (swarm.size === 0) this.dropIfEmpty(a.infoHashHex, swarm);
    return { ok: true, seeders: swarm.seeders, leechers: swarm.size - swarm.seeders, peers };
  }

  /** Up to `count` random peers of `family`, never the asker itself. */
  private pick(swarm: Swarm, family: IpFamily, askerKey: string, count: number): PeerRecord[] {
    const list = swarm.lists[family];
    const self = swarm.index.get(askerKey);
    const selfAt = self && self.family === family ? self.at : -1;
    const available = list.length - (selfAt >= 0 ? 1 : 0);
    const want = Math.min(count, available);
    if (want <= 0) return [];
    const out: PeerRecord[] = [];
    if (want === available) {
      for (let i = 0; i < list.length; i++) if (i !== selfAt) out.push(list[i] as PeerRecord);
      return out;
    }
    // Floyd's sampling of `want` distinct indices out of the list minus the asker: O(want),
    // with a reused mark array instead of a Set per announce.
    const n = available;
    const marks = this.nextMarks(n);
    const gen = this.generation;
    for (let j = n - want; j < n; j++) {
      const t = Math.floor(this.options.random() * (j + 1));
      const i = marks[t] === gen ? j : t;
      marks[i] = gen;
      out.push(list[selfAt >= 0 && i >= selfAt ? i + 1 : i] as PeerRecord);
    }
    return out;
  }

  /** The mark array, at least `n` long, with a fresh generation (nothing marked). */
  private nextMarks(n: number): Uint32Array {
    if (this.marks.length < n) this.marks = new Uint32Array(Math.max(n, 2 * this.marks.length));
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      this.marks.fill(0);
      this.generation = 1;
    }
    return this.marks;
  }

  scrape(infoHashHex: string): { seeders: number; completed: number; leechers: number } {
    const swarm = this.swarms.get(infoHashHex);
    if (!swarm) return { seeders: 0, completed: 0, leechers: 0 };
    return { seeders: swarm.seeders, completed: swarm.completed, leechers: swarm.size - swarm.seeders };
  }

  /** Whether `ip` (any port) seeds the swarm; `anyone` accepts any seeder. */
  hasSeeder(infoHashHex: string, ip: string, anyone = false): boolean {
    const swarm = this.swarms.get(infoHashHex);
    if (!swarm) return false;
    if (anyone) return swarm.seeders > 0;
    for (const family of [4, 6] as const) {
      for (const p of swarm.lists[family]) if (p.seeder && p.ip === ip) return true;
    }
    return false;
  }

  /** Drops peers not heard from within the time-to-live; returns how many. */
  expire(): number {
    const cutoff = this.options.now() - this.options.peerTtlMs;
    let removed = 0;
    for (const [hash, swarm] of this.swarms) {
      for (const family of [4, 6] as const) {
        const stale = swarm.lists[family].filter((p) => p.lastSeenMs < cutoff);
        for (const p of stale) swarm.remove(p.key);
        removed += stale.length;
      }
      this.dropIfEmpty(hash, swarm);
    }
    this.peerCount -= removed;
    return removed;
  }

  private dropIfEmpty(hash: string, swarm: Swarm): void {
    if (swarm.size === 0) this.swarms.delete(hash);
  }

  counts(): { swarms: number; peers: number; seeders: number; leechers: number } {
    let seeders = 0;
    for (const s of this.swarms.values()) seeders += s.seeders;
    return { swarms: this.swarms.size, peers: this.peerCount, seeders, leechers: this.peerCount - seeders };
  }

  /** Every swarm and peer in a stable order (tests compare it; a UI may show it). */
  snapshot(): SwarmSnapshot[] {
    return [...this.swarms.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([infoHashHex, s]) => ({
        infoHashHex,
        seeders: s.seeders,
        leechers: s.size - s.seeders,
        completed: s.completed,
        peers: [...s.lists[4], ...s.lists[6]]
          .map((p) => ({ ip: p.ip, port: p.port, seeder: p.seeder, lastSeenMs: p.lastSeenMs }))
          .sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1)),
      }));
  }
}

function toAddress(p: PeerRecord): PeerAddress {
  return { host: p.ip, port: p.port };
}
