/**
 * Swarm state per info-hash: who is in it (by address and listening port), who seeds,
 * how many completed. Pure: the clock and randomness are injected, no sockets, so the
 * tracker's rules are table-tested here and the server only moves bytes.
 */
import type { AnnounceEvent } from '../../protocol/udp-tracker/announce.ts';
import { compactPeerBytes, type PeerAddress } from '../../protocol/udp-tracker/compact-peers.ts';
import { parseIpv4, parseIpv6, type IpFamily } from '../../protocol/ip-address.ts';
import { AddressRateLimiter } from './address-rate-limiter.ts';
import { InfoHashTable } from './info-hash-table.ts';
import { TrackerSwarm, type PeerList } from './swarm.ts';

export interface SwarmRegistryOptions {
  now: () => number;
  random: () => number;
  /** A peer not heard from for this long is dropped (BEP 15 has none; ~2 intervals). */
  peerTtlMs: number;
  maxSwarms: number;
  maxPeersPerSwarm: number;
  /**
   * New swarms one address may create: burst and per-minute refill (a token bucket). An
   * announce that would create a swarm past it is refused (`too-many-new-swarms`).
   * Default: no limit.
   */
  createBurst?: number;
  createPerMinute?: number;
  /**
   * A swarm whose only peer has been silent this long may be evicted to make room for a
   * new swarm once the table is full. Default: peerTtlMs (never evicted before it expires).
   */
  staleSwarmMs?: number;
}

/** Why an announce was refused. */
export type AnnounceRefusal = 'too-many-swarms' | 'too-many-new-swarms';

/** Swarms examined for a stale one per eviction attempt (see evictStale). */
const EVICTION_PROBES = 64;

export interface PeerAnnounce {
  /** The info-hash: 20 bytes from `infoHashOffset` (the datagram itself may be passed). */
  infoHash: Uint8Array;
  infoHashOffset?: number;
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
  | { ok: false; reason: AnnounceRefusal };

/** The same answer with the peers already compact (BEP 23), back to back (see announceCompact). */
export type CompactAnnounceOutcome =
  { ok: true; seeders: number; leechers: number; peers: Uint8Array } | { ok: false; reason: AnnounceRefusal };

/** The peers chosen for one answer: `count` indices into `list`. */
interface Picked {
  list: PeerList;
  count: number;
}

type PickedOutcome =
  { ok: true; seeders: number; leechers: number; picked: Picked } | { ok: false; reason: AnnounceRefusal };

export interface SwarmSnapshot {
  infoHashHex: string;
  seeders: number;
  leechers: number;
  completed: number;
  peers: { ip: string; port: number; seeder: boolean; lastSeenMs: number }[];
}

export class SwarmRegistry {
  /** Swarms by info-hash bytes: an announce finds its swarm without a hex key. */
  private readonly swarms: InfoHashTable<TrackerSwarm>;
  private peerCount = 0;
  /** The indices of the last pick. */
  private chosen = new Uint32Array(0);
  /** The compact peers of the last `announceCompact`. */
  private scratch = new Uint8Array(0);
  /** The asker's compact entry, per family (a peer is found by its entry's bytes). */
  private readonly asker: Record<IpFamily, Uint8Array> = {
    4: new Uint8Array(compactPeerBytes(4)),
    6: new Uint8Array(compactPeerBytes(6)),
  };
  /** The last IP written into `asker`: a client's announces come in runs from one address. */
  private askerIp = '';
  private askerFamily: IpFamily = 4;
  /** Seeds every swarm's peer hash table (see PeerList). */
  private readonly seed: number;
  /** Swarm creations per address (undefined: unlimited). */
  private readonly creations: AddressRateLimiter | undefined;
  private readonly staleSwarmMs: number;
  /** Where the search for a stale swarm to evict goes on from (a clock hand). */
  private hand = 0;
  private evictedSwarms = 0;

  constructor(private readonly options: SwarmRegistryOptions) {
    this.seed = Math.floor(options.random() * 0x1_0000_0000) | 0;
    this.swarms = new InfoHashTable(this.seed);
    this.staleSwarmMs = options.staleSwarmMs ?? options.peerTtlMs;
    if (options.createBurst !== undefined || options.createPerMinute !== undefined) {
      this.creations = new AddressRateLimiter({
        now: options.now,
        burst: options.createBurst ?? Number.MAX_SAFE_INTEGER,
        perMinute: options.createPerMinute ?? Number.MAX_SAFE_INTEGER,
        maxAddresses: 10_000,
      });
    }
  }

  /** Records the announce; answers with counts and up to numWant other peers. */
  announce(a: PeerAnnounce): AnnounceOutcome {
    const r = this.announcePicked(a);
    if (!r.ok) return r;
    const { list, count } = r.picked;
    const peers: PeerAddress[] = [];
    for (let i = 0; i < count; i++) peers.push(list.peerAt(this.chosen[i] as number));
    return { ok: true, seeders: r.seeders, leechers: r.leechers, peers };
  }

  /**
   * `announce`, with the peers as compact entries back to back (the tracker's hot path).
   * The bytes live in a buffer this registry reuses: valid until its next announce, so
   * the caller copies them into its response at once.
   */
  announceCompact(a: PeerAnnounce): CompactAnnounceOutcome {
    const r = this.announcePicked(a);
    if (!r.ok) return r;
    const { list, count } = r.picked;
    const size = list.entryBytes;
    if (this.scratch.length < count * size) this.scratch = new Uint8Array(2 * count * size);
    const peers = this.scratch;
    const packed = list.packed;
    const chosen = this.chosen;
    // The copy loop inlined by hand (PeerList.copyEntry does the same): it runs numwant
    // times per announce and V8 did not inline the call.
    for (let i = 0, to = 0; i < count; i++) {
      const from = (chosen[i] as number) * size;
      for (let k = 0; k < size; k++) peers[to++] = packed[from + k] as number;
    }
    return { ok: true, seeders: r.seeders, leechers: r.leechers, peers: peers.subarray(0, count * size) };
  }

  private announcePicked(a: PeerAnnounce): PickedOutcome {
    const now = this.options.now();
    const hashAt = a.infoHashOffset ?? 0;
    let swarmAt = this.swarms.find(a.infoHash, hashAt);
    let swarm = swarmAt >= 0 ? this.swarms.valueAt(swarmAt) : undefined;
    const entry = this.entryOf(a.ip, a.family, a.port);
    const at = swarm ? swarm.lists[a.family].find(entry) : -1;
    if (a.event === 'stopped') {
      // BEP 3/15: a stopped peer leaves at once; it gets counts but no peers.
      if (swarm && at >= 0) {
        swarm.removeAt(a.family, at);
        this.peerCount--;
        this.dropIfEmpty(swarmAt, swarm);
      }
      return {
        ok: true,
        seeders: swarm?.seeders ?? 0,
        leechers: swarm ? swarm.size - swarm.seeders : 0,
        picked: { list: (swarm ?? EMPTY).lists[a.replyFamily], count: 0 },
      };
    }
    if (!swarm) {
      // Only here, off the path of announces to known swarms: creating a swarm is metered.
      if (this.creations && !this.creations.tryTake(a.ip))
        return { ok: false, reason: 'too-many-new-swarms' };
      if (this.swarms.size >= this.options.maxSwarms && !this.evictStale(now))
        return { ok: false, reason: 'too-many-swarms' };
      swarm = new TrackerSwarm(this.seed);
      swarmAt = this.swarms.add(a.infoHash, hashAt, swarm);
    }
    const seeder = a.left === 0;
    let self = at;
    if (at >= 0) {
      const list = swarm.lists[a.family];
      if (a.event === 'completed' && list.seeder[at] !== 1) swarm.completed++;
      swarm.setSeeder(a.family, at, seeder);
      list.lastSeenMs[at] = now;
    } else if (swarm.size < this.options.maxPeersPerSwarm) {
      // A full swarm still answers the newcomer; it just is not handed out to others.
      self = swarm.add(a.family, entry, seeder, now);
      this.peerCount++;
      if (a.event === 'completed') swarm.completed++;
    }
    const picked = this.pick(swarm, a.replyFamily, a.family === a.replyFamily ? self : -1, a.numWant);
    this.dropIfEmpty(swarmAt, swarm);
    return { ok: true, seeders: swarm.seeders, leechers: swarm.size - swarm.seeders, picked };
  }

  /** The compact entry (BEP 23) of `ip`:`port`, in a buffer reused per family. */
  private entryOf(ip: string, family: IpFamily, port: number): Uint8Array {
    const entry = this.asker[family];
    if (ip !== this.askerIp || family !== this.askerFamily) {
      entry.set(family === 4 ? parseIpv4(ip) : parseIpv6(ip));
      // Only after the parse succeeded: a bad address must not be remembered as written.
      this.askerIp = ip;
      this.askerFamily = family;
    }
    const size = entry.length;
    entry[size - 2] = port >>> 8;
    entry[size - 1] = port & 0xff;
    return entry;
  }

  /**
   * Up to `count` random peers of `family`, never the asker itself (`selfAt` in that
   * list, or -1), as indices left in `this.chosen` (reused: no allocation per announce).
   */
  private pick(swarm: TrackerSwarm, family: IpFamily, selfAt: number, count: number): Picked {
    const list = swarm.lists[family];
    const available = list.length - (selfAt >= 0 ? 1 : 0);
    const want = Math.max(0, Math.min(count, available));
    if (this.chosen.length < want) this.chosen = new Uint32Array(Math.max(want, 2 * this.chosen.length));
    const chosen = this.chosen;
    if (want === available) {
      let n = 0;
      for (let i = 0; i < list.length; i++) if (i !== selfAt) chosen[n++] = i;
      return { list, count: want };
    }
    // A stratified sample, as opentracker takes one: the list minus the asker, rotated by a
    // random offset, is cut into `want` strides of (nearly) equal length and one peer is
    // drawn from each. Every peer is equally likely to be chosen, the picks are distinct
    // without a mark array, and they come in list order, so copying their entries sweeps
    // the packed buffer forwards instead of jumping around it.
    const n = available;
    const random = this.options.random;
    const start = Math.floor(random() * n);
    // The offset within each stride comes from a xorshift32 seeded by one more injected
    // draw: calling the injected `random` once per stride returned every draw as a boxed
    // heap number, half the garbage of an announce (~0.7 KB at numwant 50).
    let x = Math.floor(random() * 0x1_0000_0000) | 0 || 1;
    for (let k = 0; k < want; k++) {
      const lo = Math.floor((k * n) / want);
      const hi = Math.floor(((k + 1) * n) / want);
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      let i = lo + Math.floor(((x >>> 0) / 0x1_0000_0000) * (hi - lo)) + start;
      if (i >= n) i -= n;
      chosen[k] = selfAt >= 0 && i >= selfAt ? i + 1 : i;
    }
    return { list, count: want };
  }

  /**
   * Evicts one swarm whose only peer has been silent for staleSwarmMs, looking at up to
   * EVICTION_PROBES swarms from where the last look stopped (so a full table of live
   * swarms costs a bounded look per refused announce, and every swarm is looked at in
   * turn). Single-peer swarms are what random info-hashes leave behind; a swarm of two or
   * more peers, or one whose peer still announces, is never evicted.
   */
  private evictStale(now: number): boolean {
    const cutoff = now - this.staleSwarmMs;
    const probes = Math.min(this.swarms.size, EVICTION_PROBES);
    for (let k = 0; k < probes; k++) {
      if (this.hand >= this.swarms.size) this.hand = 0;
      const swarm = this.swarms.valueAt(this.hand);
      if (swarm.size === 1) {
        const list = swarm.lists[4].length === 1 ? swarm.lists[4] : swarm.lists[6];
        if ((list.lastSeenMs[0] as number) < cutoff) {
          this.swarms.removeAt(this.hand);
          this.peerCount--;
          this.evictedSwarms++;
          return true;
        }
      }
      this.hand++;
    }
    return false;
  }

  /** Swarms evicted to make room so far. */
  get evicted(): number {
    return this.evictedSwarms;
  }

  /** Forgets creation buckets that are full again. */
  pruneRateBuckets(): void {
    this.creations?.prune();
  }

  /** Counts for the 20-byte info-hash at `infoHash[offset…]`. */
  scrape(infoHash: Uint8Array, offset = 0): { seeders: number; completed: number; leechers: number } {
    const swarm = this.swarmOf(infoHash, offset);
    if (!swarm) return { seeders: 0, completed: 0, leechers: 0 };
    return { seeders: swarm.seeders, completed: swarm.completed, leechers: swarm.size - swarm.seeders };
  }

  /** Seeders of the swarm of `infoHash`, or null when there is no such swarm. */
  seedersIfPresent(infoHash: Uint8Array): number | null {
    const swarm = this.swarmOf(infoHash, 0);
    return swarm ? swarm.seeders : null;
  }

  /** Whether `ip` (any port) seeds the swarm; `anyone` accepts any seeder. */
  hasSeeder(infoHash: Uint8Array, ip: string, anyone = false): boolean {
    const swarm = this.swarmOf(infoHash, 0);
    if (!swarm) return false;
    if (anyone) return swarm.seeders > 0;
    const family = ip.includes(':') ? 6 : 4;
    const address = family === 4 ? parseIpv4(ip) : parseIpv6(ip);
    const list = swarm.lists[family];
    for (let i = 0; i < list.length; i++)
      if (list.seeder[i] === 1 && list.addressEquals(i, address)) return true;
    return false;
  }

  /** Drops peers not heard from within the time-to-live; returns how many. */
  expire(): number {
    const cutoff = this.options.now() - this.options.peerTtlMs;
    let removed = 0;
    // Backwards: dropping an emptied swarm moves the last one, already visited, into its place.
    for (let s = this.swarms.size - 1; s >= 0; s--) {
      const swarm = this.swarms.valueAt(s);
      for (const family of [4, 6] as const) {
        const list = swarm.lists[family];
        // Backwards: a removal moves the last peer, already visited, into the hole.
        for (let i = list.length - 1; i >= 0; i--) {
          if ((list.lastSeenMs[i] as number) < cutoff) {
            swarm.removeAt(family, i);
            removed++;
          }
        }
      }
      this.dropIfEmpty(s, swarm);
    }
    this.peerCount -= removed;
    return removed;
  }

  private swarmOf(infoHash: Uint8Array, offset: number): TrackerSwarm | undefined {
    const at = this.swarms.find(infoHash, offset);
    return at >= 0 ? this.swarms.valueAt(at) : undefined;
  }

  /** Drops `swarm`, entry `at` of the table, once its last peer has gone. */
  private dropIfEmpty(at: number, swarm: TrackerSwarm): void {
    if (swarm.size === 0) this.swarms.removeAt(at);
  }

  counts(): { swarms: number; peers: number; seeders: number; leechers: number } {
    let seeders = 0;
    for (let s = 0; s < this.swarms.size; s++) seeders += this.swarms.valueAt(s).seeders;
    return { swarms: this.swarms.size, peers: this.peerCount, seeders, leechers: this.peerCount - seeders };
  }

  /** Every swarm and peer in a stable order (tests compare it; a UI may show it). */
  snapshot(): SwarmSnapshot[] {
    const table = this.swarms;
    return Array.from({ length: table.size }, (_, i) => ({
      infoHashHex: Buffer.from(table.keyAt(i)).toString('hex'),
      swarm: table.valueAt(i),
    }))
      .sort((a, b) => (a.infoHashHex < b.infoHashHex ? -1 : a.infoHashHex > b.infoHashHex ? 1 : 0))
      .map(({ infoHashHex, swarm: s }) => ({
        infoHashHex,
        seeders: s.seeders,
        leechers: s.size - s.seeders,
        completed: s.completed,
        peers: ([4, 6] as const)
          .flatMap((family) => {
            const list = s.lists[family];
            return Array.from({ length: list.length }, (_, i) => {
              const { host, port } = list.peerAt(i);
              return {
                ip: host,
                port,
                seeder: list.seeder[i] === 1,
                lastSeenMs: list.lastSeenMs[i] as number,
              };
            });
          })
          .sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1)),
      }));
  }
}

/** Answers a stopped peer of an unknown swarm: no peers. */
const EMPTY = new TrackerSwarm();
