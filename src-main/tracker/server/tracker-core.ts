/**
 * The tracker without its socket: one datagram in, at most one datagram out. Owns the
 * swarms, the catalog, connection ids and counters. Every datagram that does not decode
 * is dropped and counted, never answered and never allowed to touch state; a request with
 * a connection id this address was not given is refused with a BEP 15 error before any
 * state is read. `bench/` can drive it in-process; TrackerServer puts it on a socket.
 */
import {
  ANNOUNCE_INFO_HASH_OFFSET,
  decodeAnnounceRequestInPlace,
  encodeAnnounceResponseCompact,
  maxPeersPerResponse,
  newAnnounceRequestInPlace,
  type AnnounceRequestInPlace,
} from '../../protocol/udp-tracker/announce.ts';
import {
  catalogEntriesThatFit,
  decodeCatalogListRequest,
  encodeCatalogListResponse,
  type CatalogListRequest,
} from '../../protocol/udp-tracker/catalog-list.ts';
import {
  encodeCatalogPublishResponse,
  type CatalogPublishRequest,
} from '../../protocol/udp-tracker/catalog-publish.ts';
import { encodeConnectResponse } from '../../protocol/udp-tracker/connect.ts';
import { encodeErrorResponse } from '../../protocol/udp-tracker/error-response.ts';
import { ipFamily, isLoopbackIp, normalizeIp, type IpFamily } from '../../protocol/ip-address.ts';
import {
  encodeScrapeResponse,
  MAX_SCRAPE_HASHES,
  MAX_SCRAPE_REQUEST_BYTES,
  oversizedScrapeHeader,
  type ScrapeRequest,
} from '../../protocol/udp-tracker/scrape.ts';
import { decodeTrackerRequest, peekRequestAction } from '../../protocol/udp-tracker/udp-tracker-packet.ts';
import {
  decodeHttpAnnounceQuery,
  decodeHttpScrapeQuery,
  encodeHttpAnnounceResponse,
  encodeHttpFailure,
  encodeHttpScrapeResponse,
} from '../../protocol/http-tracker/http-tracker-request.ts';
import { Action } from '../../protocol/udp-tracker/udp-tracker-common.ts';
import { isProtocolError, ProtocolError } from '../../protocol/protocol-error.ts';
import { AddressRateLimiter } from './address-rate-limiter.ts';
import { Catalog, type CatalogSearch, type StoredCatalogEntry } from './catalog.ts';
import { ConnectionIds } from './connection-ids.ts';
import { networkPrefix } from './network-prefix.ts';
import { RateWindow } from './rate-window.ts';
import { SwarmRegistry, type SwarmSnapshot } from './swarm-registry.ts';

/**
 * Whose BEP 15 `IP address` field is believed. Believing anyone would let a client enrol a
 * third party's address in swarms (peers would then connect to the victim), so the default
 * believes only loopback senders: a local process (a test, a reverse proxy, a client behind
 * the same host) that knows the address peers should dial.
 */
export type TrustAnnounceIp = 'never' | 'loopback' | 'always';

export interface TrackerOptions {
  /** Re-announce interval sent to clients. Default 1800 s (30 min); LAN/tests e.g. 15. */
  intervalSec?: number;
  /** Peers silent this long are dropped. Default 2 × interval. */
  peerTtlSec?: number;
  /** Peers returned when the client sends num_want = -1. Default 50. */
  defaultNumWant?: number;
  /** Most peers returned (also capped to fit 1400 bytes: 230 IPv4 / 76 IPv6). Default 200. */
  maxNumWant?: number;
  /** Swarms held at once. Default 100 000. */
  maxSwarms?: number;
  maxPeersPerSwarm?: number;
  /**
   * New swarms one address may create: burst and per-minute refill. Default 2 000 and 200:
   * a client starting a large library announces far fewer new torrents than that, while
   * random info-hashes from one address stop at 2 000 plus 200 a minute.
   */
  swarmCreateBurst?: number;
  swarmCreatePerMinute?: number;
  /**
   * Once the swarm table is full, a swarm whose only peer has been silent this long makes
   * room for a new one. Default 1.5 intervals: its peer has missed a re-announce.
   */
  staleSwarmSec?: number;
  maxCatalogEntries?: number;
  /** A catalog entry whose swarm had no seeder this long is removed. Default 2 × interval. */
  catalogOrphanTtlSec?: number;
  /** Catalog entries one network (/24 IPv4, /64 IPv6) may hold. Default 1 000. */
  maxCatalogEntriesPerNetwork?: number;
  /**
   * Catalog publishes per address: burst and per-minute refill. Default 30 and 30. Per
   * address, not per network: on a LAN everyone shares one /24, and the per-network entry
   * quota already bounds what many addresses of one network can fill.
   */
  publishBurst?: number;
  publishPerMinute?: number;
  /**
   * Catalog searches per address: burst and per-minute refill. Default 1 000 and 1 200
   * (a full 10 000-entry catalog lists in ~350–2 500 requests, served from the search cache).
   */
  searchBurst?: number;
  searchPerMinute?: number;
  /** Searches waiting their turn; more are dropped unanswered (clients retransmit). Default 64. */
  maxQueuedSearches?: number;
  /**
   * Catalog entries examined per `runSearches` call, i.e. per turn of the event loop
   * between batches of datagrams. Default 1 000 (~60 µs of substring matching, against
   * ~0.3 ms to read a batch of 32 datagrams): when datagrams wait, searches get a small
   * share; when none do, turns follow each other at once and a full scan of 10 000
   * names still takes ~0.6 ms.
   */
  searchBudgetPerTurn?: number;
  trustAnnounceIp?: TrustAnnounceIp;
  /** Connection id bucket (ids live 1–2 buckets). Default 60 000 ms (BEP 15). */
  connectionIdBucketMs?: number;
  now?: () => number;
  random?: () => number;
}

export interface DatagramSource {
  address: string;
  port: number;
}

export interface TrackerStats {
  swarms: number;
  peers: number;
  seeders: number;
  leechers: number;
  catalogEntries: number;
  /** Announces answered per second over the last 10 s. */
  announcesPerSec: number;
  datagrams: number;
  /** Datagrams that did not decode (dropped, unanswered). */
  malformedDropped: number;
  /** Requests whose connection id was not issued to their address, or expired. */
  rejectedConnectionIds: number;
  connects: number;
  announces: number;
  scrapes: number;
  publishes: number;
  catalogLists: number;
  /** BEP 15 error responses sent. */
  errorsSent: number;
  expiredPeers: number;
  /** Datagrams dropped because handling them hit a bug; should stay 0. */
  internalErrors: number;
  /** Swarms evicted (their only peer silent) to make room for new ones. */
  evictedSwarms: number;
  /** HTTP announce and scrape requests (counted in announces/scrapes too when served). */
  httpRequests: number;
  /** Catalog searches dropped (unanswered) by the per-address rate. */
  searchesRateLimited: number;
  /** Catalog searches dropped because the search queue was full. */
  searchesDropped: number;
}

/** A catalog search waiting for its turn (see runSearches). */
interface QueuedSearch {
  request: CatalogListRequest;
  address: string;
  port: number;
  search: CatalogSearch | undefined;
}

/** Sends `reply` to `address`:`port` (the server's socket). */
export type ReplySender = (reply: Uint8Array, address: string, port: number) => void;

export interface TrackerSnapshot {
  swarms: SwarmSnapshot[];
  catalog: StoredCatalogEntry[];
}

/**
 * Announce replies (~320 bytes) from node's 8 KiB Buffer pool: a fresh Uint8Array each
 * was its own off-heap allocation, and freeing those in every scavenge lengthened the GC
 * pauses that set the tracker's p99 latency. The codec writes every byte.
 */
const allocateReply = (lengthBytes: number): Uint8Array => Buffer.allocUnsafe(lengthBytes);

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

export class TrackerCore {
  readonly intervalSec: number;
  private readonly now: () => number;
  private readonly defaultNumWant: number;
  private readonly maxNumWant: number;
  private readonly trust: TrustAnnounceIp;
  private readonly ids: ConnectionIds;
  private readonly swarms: SwarmRegistry;
  private readonly catalog: Catalog;
  private readonly publishLimiter: AddressRateLimiter;
  private readonly searchLimiter: AddressRateLimiter;
  /** Searches in arrival order; the head may be part-way through its scan. */
  private readonly searchQueue: QueuedSearch[] = [];
  private readonly maxQueuedSearches: number;
  private readonly searchBudgetPerTurn: number;
  private readonly announceRate: RateWindow;
  /** The last source address and its normalised form (see `source`). */
  private lastSource = { address: '', ip: '', family: 4 as IpFamily };
  /** Every announce is decoded into this one, in place (see dispatch). */
  private readonly announce: AnnounceRequestInPlace = newAnnounceRequestInPlace();
  private readonly counters = {
    datagrams: 0,
    malformedDropped: 0,
    rejectedConnectionIds: 0,
    connects: 0,
    announces: 0,
    scrapes: 0,
    publishes: 0,
    catalogLists: 0,
    errorsSent: 0,
    expiredPeers: 0,
    internalErrors: 0,
    searchesRateLimited: 0,
    searchesDropped: 0,
    httpRequests: 0,
  };

  constructor(options: TrackerOptions = {}) {
    this.now = options.now ?? Date.now;
    const random = options.random ?? Math.random;
    this.intervalSec = positive(options.intervalSec ?? 1800, 'intervalSec');
    const ttlMs = (options.peerTtlSec ?? 2 * this.intervalSec) * 1000;
    this.defaultNumWant = options.defaultNumWant ?? 50;
    this.maxNumWant = options.maxNumWant ?? 200;
    this.trust = options.trustAnnounceIp ?? 'loopback';
    this.ids = new ConnectionIds({ now: this.now, bucketMs: options.connectionIdBucketMs ?? 60_000 });
    this.swarms = new SwarmRegistry({
      now: this.now,
      random,
      peerTtlMs: ttlMs,
      maxSwarms: options.maxSwarms ?? 100_000,
      maxPeersPerSwarm: options.maxPeersPerSwarm ?? 5_000,
      createBurst: options.swarmCreateBurst ?? 2_000,
      createPerMinute: options.swarmCreatePerMinute ?? 200,
      staleSwarmMs: (options.staleSwarmSec ?? 1.5 * this.intervalSec) * 1000,
    });
    this.catalog = new Catalog({
      now: this.now,
      maxEntries: options.maxCatalogEntries ?? 10_000,
      maxEntriesPerOwner: options.maxCatalogEntriesPerNetwork ?? 1_000,
      orphanTtlMs: (options.catalogOrphanTtlSec ?? 2 * this.intervalSec) * 1000,
    });
    this.publishLimiter = new AddressRateLimiter({
      now: this.now,
      burst: options.publishBurst ?? 30,
      perMinute: options.publishPerMinute ?? 30,
      maxAddresses: 10_000,
    });
    this.searchLimiter = new AddressRateLimiter({
      now: this.now,
      burst: options.searchBurst ?? 1_000,
      perMinute: options.searchPerMinute ?? 1_200,
      maxAddresses: 10_000,
    });
    this.maxQueuedSearches = options.maxQueuedSearches ?? 64;
    this.searchBudgetPerTurn = positive(options.searchBudgetPerTurn ?? 1_000, 'searchBudgetPerTurn');
    this.announceRate = new RateWindow(this.now, 10);
  }

  /**
   * Handles one datagram; returns the reply, or null to stay silent. Never throws: an
   * unexpected error (a bug) drops the datagram and is counted in `internalErrors`.
   */
  handle(bytes: Uint8Array, from: DatagramSource): Uint8Array | null {
    this.counters.datagrams++;
    try {
      return this.dispatch(bytes, from);
    } catch (err) {
      if (isProtocolError(err)) this.counters.malformedDropped++;
      else this.counters.internalErrors++;
      return null;
    }
  }

  private dispatch(bytes: Uint8Array, from: DatagramSource): Uint8Array | null {
    const { ip, family } = this.source(from.address);
    // A ProtocolError from here on (decoding) drops the datagram as malformed (see handle).
    if (bytes.length > MAX_SCRAPE_REQUEST_BYTES) {
      // Clients that read BEP 15's "about 74" scrape more hashes than we decode: tell
      // them (an error is shorter than such a request, so it never amplifies).
      const over = oversizedScrapeHeader(bytes);
      if (over) {
        return (
          this.refusal(over.connectionId, over.transactionId, ip, from.port, bytes.length) ??
          this.error(over.transactionId, `scrape at most ${MAX_SCRAPE_HASHES} info-hashes`)
        );
      }
    }
    const action = peekRequestAction(bytes);
    // Searches are metered before they are decoded: a flood of them must cost little each.
    if (action === Action.catalogList) return this.onListDatagram(bytes, ip, from);
    if (action === Action.announce) {
      // Announces, nearly all of a tracker's traffic, are read in place into one reused
      // request: no request objects, and the info-hash is looked up where it lies.
      // Nothing reads the request after this call returns (it keeps the last datagram
      // referenced until the next announce replaces it: one small buffer).
      const req = decodeAnnounceRequestInPlace(bytes, this.announce);
      return (
        this.refusal(req.connectionId, req.transactionId, ip, from.port, bytes.length) ??
        this.onAnnounce(req, ip, family)
      );
    }
    const request = decodeTrackerRequest(bytes);
    if (request.action === 'connect') {
      this.counters.connects++;
      return encodeConnectResponse({
        transactionId: request.request.transactionId,
        connectionId: this.ids.issue(ip, from.port),
      });
    }
    const { connectionId, transactionId } = request.request;
    const refusal = this.refusal(connectionId, transactionId, ip, from.port, bytes.length);
    if (refusal !== undefined) return refusal;
    switch (request.action) {
      case 'announce':
        // Announces were decoded in place above: reaching here is a bug (internalErrors).
        throw new Error('announce on the generic request path');
      case 'scrape':
        return this.onScrape(request.request);
      case 'catalog-publish':
        return this.onPublish(request.request, ip, family);
      case 'catalog-list':
        // Searches were handled above: reaching here is a bug (internalErrors).
        throw new Error('catalog list on the generic request path');
    }
  }

  /**
   * undefined when `connectionId` was issued to this sender (go on), else what to answer:
   * a BEP 15 error, or null (silence) where the error would be larger than the request.
   */
  private refusal(
    connectionId: bigint,
    transactionId: number,
    ip: string,
    port: number,
    requestBytes: number,
  ): Uint8Array | null | undefined {
    if (this.ids.verify(connectionId, ip, port)) return undefined;
    this.counters.rejectedConnectionIds++;
    // The sender may be spoofed: answer only if the answer is no bigger than the request,
    // so a refusal can never amplify traffic (a short catalog list request gets silence).
    const error = encodeErrorResponse({ transactionId, message: 'connection id expired' });
    if (error.length > requestBytes) return null;
    this.counters.errorsSent++;
    return error;
  }

  /**
   * The sender's normalised IP and family. A client's datagrams come in runs (connect,
   * announce, scrape), so the last answer is kept: it saves three regex passes per datagram
   * and lets the peers of one address share one string instead of one each.
   */
  private source(address: string): { ip: string; family: IpFamily } {
    if (address === this.lastSource.address) return this.lastSource;
    const ip = normalizeIp(address);
    const family = ipFamily(ip);
    if (family === undefined) throw new Error(`socket reported a non-IP source ${address}`);
    this.lastSource = { address, ip, family };
    return this.lastSource;
  }

  private onAnnounce(
    req: AnnounceRequestInPlace,
    senderIp: string,
    replyFamily: IpFamily,
  ): Uint8Array | null {
    if (req.port === 0) {
      // No one can dial port 0; treat it like any other malformed announce.
      this.counters.malformedDropped++;
      return null;
    }
    const ip = req.ip !== null && this.trusts(senderIp) ? req.ip : senderIp;
    const wanted = req.numWant < 0 ? this.defaultNumWant : req.numWant;
    const outcome = this.swarms.announceCompact({
      infoHash: req.bytes,
      infoHashOffset: ANNOUNCE_INFO_HASH_OFFSET,
      ip,
      family: ip === senderIp ? replyFamily : 4,
      replyFamily,
      port: req.port,
      event: req.event,
      left: req.left,
      numWant: Math.min(wanted, this.maxNumWant, maxPeersPerResponse(replyFamily)),
    });
    if (!outcome.ok) {
      return this.error(
        req.transactionId,
        outcome.reason === 'too-many-swarms' ? 'tracker is full' : 'too many new torrents from this address',
      );
    }
    this.counters.announces++;
    this.announceRate.record();
    return encodeAnnounceResponseCompact(
      {
        transactionId: req.transactionId,
        intervalSec: this.intervalSec,
        leechers: outcome.leechers,
        seeders: outcome.seeders,
      },
      outcome.peers,
      replyFamily,
      allocateReply,
    );
  }

  private onScrape(req: ScrapeRequest): Uint8Array {
    this.counters.scrapes++;
    return encodeScrapeResponse({
      transactionId: req.transactionId,
      torrents: req.infoHashes.map((h) => this.swarms.scrape(h)),
    });
  }

  private onPublish(req: CatalogPublishRequest, ip: string, family: IpFamily): Uint8Array {
    const infoHashHex = hex(req.entry.infoHash);
    // The entry quota is per network, not per address: one host holds many addresses (a
    // /64 of IPv6, or aliases), and per address 398 of them filled the catalog.
    const network = networkPrefix(ip, family);
    if (!this.publishLimiter.tryTake(ip))
      return this.error(req.transactionId, 'catalog publish rate exceeded');
    // Only a seeder of the torrent may describe it (from its own address; a trusted local
    // sender may have announced for another address through the IP field).
    if (!this.swarms.hasSeeder(req.entry.infoHash, ip, this.trusts(ip))) {
      return this.error(req.transactionId, 'announce as a seeder before publishing');
    }
    const outcome = this.catalog.publish(req.entry, infoHashHex, network);
    if (outcome === 'full') return this.error(req.transactionId, 'catalog is full');
    if (outcome === 'quota') return this.error(req.transactionId, 'catalog quota of this network reached');
    this.counters.publishes++;
    return encodeCatalogPublishResponse({ transactionId: req.transactionId, status: outcome });
  }

  /**
   * Queues a search (answered by runSearches), or drops it: a search costs work the
   * searcher picks, so it is rate-limited per address and waits its turn behind the
   * datagrams the socket has ready, announces first. Over the rate or with the queue full
   * the search is dropped unanswered and undecoded, like a datagram lost on the way: a
   * flood then costs a header read and a table lookup per datagram, and a client that
   * retransmits (BEP 15: after 15 s) finds its bucket refilled instead of an error that
   * would end its listing.
   */
  private onListDatagram(bytes: Uint8Array, ip: string, from: DatagramSource): Uint8Array | null {
    if (bytes.length < 16) throw new ProtocolError('truncated', 'catalog list request');
    const header = new DataView(bytes.buffer, bytes.byteOffset, 16);
    const refusal = this.refusal(header.getBigUint64(0), header.getUint32(12), ip, from.port, bytes.length);
    if (refusal !== undefined) return refusal;
    if (!this.searchLimiter.tryTake(ip)) {
      this.counters.searchesRateLimited++;
      return null;
    }
    if (this.searchQueue.length >= this.maxQueuedSearches) {
      this.counters.searchesDropped++;
      return null;
    }
    const request = decodeCatalogListRequest(bytes);
    this.searchQueue.push({ request, address: from.address, port: from.port, search: undefined });
    return null;
  }

  /** Whether searches wait for runSearches. */
  get searchesQueued(): boolean {
    return this.searchQueue.length > 0;
  }

  /**
   * Answers queued searches in arrival order, examining at most the per-turn budget of
   * catalog entries (a search cut short resumes at the next call); returns whether any
   * still wait. The server calls it once per turn of the event loop, after the datagrams
   * that were ready, so a flood of searches delays an announce by one budget at most.
   */
  runSearches(send: ReplySender): boolean {
    let budget = this.searchBudgetPerTurn;
    while (budget > 0 && this.searchQueue.length > 0) {
      const job = this.searchQueue[0] as QueuedSearch;
      job.search ??= this.catalog.beginSearch(job.request.query);
      budget -= this.catalog.advance(job.search, budget);
      if (!job.search.done) break;
      this.searchQueue.shift();
      try {
        const reply = this.listReply(job.request, job.search);
        budget -= 1 + reply.entries;
        send(reply.bytes, job.address, job.port);
      } catch (err) {
        if (isProtocolError(err)) this.counters.malformedDropped++;
        else this.counters.internalErrors++;
      }
    }
    return this.searchQueue.length > 0;
  }

  private listReply(req: CatalogListRequest, search: CatalogSearch): { bytes: Uint8Array; entries: number } {
    this.counters.catalogLists++;
    const cap = req.maxEntries === 0 ? 255 : req.maxEntries;
    const { totalMatches, entries } = this.catalog.page(search, req.offset, cap);
    const n = catalogEntriesThatFit(entries, req.maxEntries);
    const bytes = encodeCatalogListResponse({
      transactionId: req.transactionId,
      totalMatches,
      offset: req.offset,
      entries: entries.slice(0, n).map((e) => ({ ...e, ...this.swarms.scrape(e.infoHash) })),
    });
    return { bytes, entries: n };
  }

  /**
   * A BEP 3 announce over HTTP (the query after `?`, still escaped) from `senderAddress`;
   * returns the bencoded body, a `failure reason` when refused or malformed. The same
   * swarms and the same limits as over UDP; no connection id, since TCP's handshake
   * already proves the sender's address.
   */
  httpAnnounce(query: string, senderAddress: string): Uint8Array {
    this.counters.httpRequests++;
    try {
      const req = decodeHttpAnnounceQuery(query);
      const { ip: senderIp, family: senderFamily } = this.source(senderAddress);
      const claimed = req.ip !== null && this.trusts(senderIp) ? normalizeIp(req.ip) : null;
      const claimedFamily = claimed === null ? undefined : ipFamily(claimed);
      const ip = claimed !== null && claimedFamily !== undefined ? claimed : senderIp;
      const family = claimed !== null && claimedFamily !== undefined ? claimedFamily : senderFamily;
      const wanted = req.numWant < 0 ? this.defaultNumWant : req.numWant;
      const outcome = this.swarms.announceCompact({
        infoHash: req.infoHash,
        ip,
        family,
        replyFamily: family,
        port: req.port,
        event: req.event,
        left: req.left,
        numWant: Math.min(wanted, this.maxNumWant),
      });
      if (!outcome.ok) {
        this.counters.errorsSent++;
        return encodeHttpFailure(
          outcome.reason === 'too-many-swarms'
            ? 'tracker is full'
            : 'too many new torrents from this address',
        );
      }
      this.counters.announces++;
      this.announceRate.record();
      const none = new Uint8Array(0);
      return encodeHttpAnnounceResponse({
        intervalSec: this.intervalSec,
        complete: outcome.seeders,
        incomplete: outcome.leechers,
        peers: family === 4 ? outcome.peers : none,
        peers6: family === 6 ? outcome.peers : none,
      });
    } catch (err) {
      return this.httpRefusal(err);
    }
  }

  /** A BEP 48 scrape over HTTP (the query after `?`); returns the bencoded body. */
  httpScrape(query: string): Uint8Array {
    this.counters.httpRequests++;
    try {
      const { infoHashes } = decodeHttpScrapeQuery(query);
      this.counters.scrapes++;
      return encodeHttpScrapeResponse(
        infoHashes.map((infoHash) => {
          const s = this.swarms.scrape(infoHash);
          return { infoHash, complete: s.seeders, downloaded: s.completed, incomplete: s.leechers };
        }),
      );
    } catch (err) {
      return this.httpRefusal(err);
    }
  }

  private httpRefusal(err: unknown): Uint8Array {
    if (!isProtocolError(err)) {
      this.counters.internalErrors++;
      return encodeHttpFailure('internal error');
    }
    this.counters.malformedDropped++;
    this.counters.errorsSent++;
    return encodeHttpFailure(`malformed request: ${err.message}`);
  }

  private trusts(ip: string): boolean {
    return this.trust === 'always' || (this.trust === 'loopback' && isLoopbackIp(ip));
  }

  private error(transactionId: number, message: string): Uint8Array {
    this.counters.errorsSent++;
    return encodeErrorResponse({ transactionId, message });
  }

  /** Expires silent peers, then catalog entries without seeders, then idle rate buckets. */
  sweep(): void {
    this.counters.expiredPeers += this.swarms.expire();
    // An entry leaves with its swarm (and frees its network's quota).
    this.catalog.prune((_hex, infoHash) => this.swarms.seedersIfPresent(infoHash));
    this.publishLimiter.prune();
    this.searchLimiter.prune();
    this.swarms.pruneRateBuckets();
  }

  stats(): TrackerStats {
    return {
      ...this.swarms.counts(),
      catalogEntries: this.catalog.size,
      evictedSwarms: this.swarms.evicted,
      announcesPerSec: this.announceRate.perSecond(),
      ...this.counters,
    };
  }

  snapshot(): TrackerSnapshot {
    return { swarms: this.swarms.snapshot(), catalog: this.catalog.snapshot() };
  }
}

function positive(n: number, what: string): number {
  if (!(n > 0) || !Number.isFinite(n)) throw new RangeError(`${what} must be a positive number`);
  return n;
}
