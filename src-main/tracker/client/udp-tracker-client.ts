/**
 * BEP 15 client for one `udp://host:port` tracker, with the catalog extension. Every
 * request is a connect (unless a connection id from the last minute is at hand) followed
 * by the request itself; each send waits base · 2ⁿ before it is retransmitted
 * (retransmit-schedule.ts), n counting every send of the exchange.
 */
import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { encodeAnnounceRequest } from '../../protocol/udp-tracker/announce.ts';
import {
  encodeCatalogListRequest,
  type CatalogListResponse,
} from '../../protocol/udp-tracker/catalog-list.ts';
import {
  encodeCatalogPublishRequest,
  type CatalogPublishStatus,
} from '../../protocol/udp-tracker/catalog-publish.ts';
import { encodeConnectRequest } from '../../protocol/udp-tracker/connect.ts';
import { ipFamily, normalizeIp, type IpFamily } from '../../protocol/ip-address.ts';
import { encodeScrapeRequest, MAX_SCRAPE_HASHES } from '../../protocol/udp-tracker/scrape.ts';
import {
  decodeTrackerResponse,
  peekResponseHeader,
  type TrackerResponse,
} from '../../protocol/udp-tracker/udp-tracker-packet.ts';
import {
  BEP15_RETRANSMIT,
  CONNECTION_ID_TTL_MS,
  connectionIdUsable,
  retransmitTimeoutMs,
  type RetransmitPolicy,
} from './retransmit-schedule.ts';
import {
  TrackerError,
  type AnnounceParams,
  type AnnounceResult,
  type CatalogPublishEntry,
  type RequestOptions,
  type ScrapeResult,
  type TrackerClient,
} from './tracker-client-api.ts';
import { parseUdpTrackerUrl } from './tracker-url.ts';

export interface UdpTrackerClientOptions {
  /** BEP 15: 15 000 ms. */
  baseTimeoutMs?: number;
  /** BEP 15: 8. */
  maxRetransmits?: number;
  /** BEP 15: 60 000 ms. */
  connectionIdTtlMs?: number;
  now?: () => number;
  random?: () => number;
}

type Expected = TrackerResponse['action'];

interface Pending {
  expected: Expected;
  resolve: (r: TrackerResponse) => void;
}

export class UdpTrackerClient implements TrackerClient {
  readonly url: string;
  private readonly policy: RetransmitPolicy;
  private readonly idTtlMs: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly target: { host: string; port: number };
  private socketReady: Promise<{ socket: Socket; ip: string; family: IpFamily }> | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly aborters = new Set<(err: TrackerError) => void>();
  private connection: { id: bigint; atMs: number } | undefined;
  private closed = false;

  constructor(url: string, options: UdpTrackerClientOptions = {}) {
    this.url = url;
    this.target = parseUdpTrackerUrl(url);
    this.policy = {
      baseTimeoutMs: options.baseTimeoutMs ?? BEP15_RETRANSMIT.baseTimeoutMs,
      maxRetransmits: options.maxRetransmits ?? BEP15_RETRANSMIT.maxRetransmits,
    };
    this.idTtlMs = options.connectionIdTtlMs ?? CONNECTION_ID_TTL_MS;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  async announce(params: AnnounceParams, options: RequestOptions = {}): Promise<AnnounceResult> {
    const r = await this.exchange(
      (connectionId, transactionId) =>
        encodeAnnounceRequest({
          connectionId,
          transactionId,
          infoHash: params.infoHash,
          peerId: params.peerId,
          downloaded: params.downloaded,
          left: params.left,
          uploaded: params.uploaded,
          event: params.event,
          // BEP 15's `IP address` field holds IPv4 only: an IPv6 (or host name) announce
          // address cannot be carried, and the tracker takes the datagram's source instead.
          ip: params.ip !== undefined && ipFamily(params.ip) === 4 ? params.ip : null,
          key: params.key ?? 0,
          numWant: params.numWant ?? -1,
          port: params.port,
        }),
      'announce',
      options.signal,
    );
    if (r.action !== 'announce') throw unexpected(r);
    const { intervalSec, seeders, leechers, peers } = r.response;
    return { intervalSec, seeders, leechers, peers };
  }

  /** Scrapes in requests of at most MAX_SCRAPE_HASHES hashes, one after another. */
  async scrape(infoHashes: Uint8Array[], options: RequestOptions = {}): Promise<ScrapeResult[]> {
    if (infoHashes.length <= MAX_SCRAPE_HASHES) return this.scrapeOnce(infoHashes, options);
    const results: ScrapeResult[] = [];
    for (let i = 0; i < infoHashes.length; i += MAX_SCRAPE_HASHES) {
      results.push(...(await this.scrapeOnce(infoHashes.slice(i, i + MAX_SCRAPE_HASHES), options)));
    }
    return results;
  }

  private async scrapeOnce(infoHashes: Uint8Array[], options: RequestOptions): Promise<ScrapeResult[]> {
    const r = await this.exchange(
      (connectionId, transactionId) => encodeScrapeRequest({ connectionId, transactionId, infoHashes }),
      'scrape',
      options.signal,
    );
    if (r.action !== 'scrape') throw unexpected(r);
    if (r.response.torrents.length !== infoHashes.length) {
      throw new TrackerError(
        'bad-response',
        `scrape answered ${r.response.torrents.length} of ${infoHashes.length} hashes`,
      );
    }
    return r.response.torrents;
  }

  /** Catalog extension: describe a torrent we seed (announce it as a seeder first). */
  async publish(entry: CatalogPublishEntry, options: RequestOptions = {}): Promise<CatalogPublishStatus> {
    const r = await this.exchange(
      (connectionId, transactionId) => encodeCatalogPublishRequest({ connectionId, transactionId, entry }),
      'catalog-publish',
      options.signal,
    );
    if (r.action !== 'catalog-publish') throw unexpected(r);
    return r.response.status;
  }

  /** Catalog extension: one datagram of matches from `offset`. */
  async listCatalog(
    query: { query: string; offset: number; maxEntries?: number },
    options: RequestOptions = {},
  ): Promise<CatalogListResponse> {
    const r = await this.exchange(
      (connectionId, transactionId) =>
        encodeCatalogListRequest({
          connectionId,
          transactionId,
          offset: query.offset,
          maxEntries: query.maxEntries ?? 0,
          query: query.query,
        }),
      'catalog-list',
      options.signal,
    );
    if (r.action !== 'catalog-list') throw unexpected(r);
    return r.response;
  }

  /** Aborts requests in flight and closes the socket. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const abort of [...this.aborters]) abort(new TrackerError('aborted', 'tracker client closed'));
    this.pending.clear();
    const ready = this.socketReady;
    this.socketReady = undefined;
    ready?.then(
      ({ socket }) => socket.close(),
      () => undefined,
    );
  }

  /**
   * Connect-if-needed, then the request, retransmitting each send on the BEP 15 schedule.
   * An error answer to a request made with a cached connection id gets one fresh connect
   * and retry: the tracker may have restarted or rotated its secret.
   */
  private async exchange(
    build: (connectionId: bigint, transactionId: number) => Uint8Array,
    expected: Expected,
    signal?: AbortSignal,
  ): Promise<TrackerResponse> {
    let attempt = 0;
    let retriedWithFreshId = false;
    for (;;) {
      const timeoutMs = retransmitTimeoutMs(attempt, this.policy);
      if (timeoutMs === undefined) {
        throw new TrackerError(
          'timeout',
          `no answer from ${this.url} after ${this.policy.maxRetransmits + 1} sends`,
        );
      }
      if (!this.connection || !connectionIdUsable(this.connection.atMs, this.now(), this.idTtlMs)) {
        const transactionId = this.newTransactionId();
        const r = await this.roundTrip(
          encodeConnectRequest({ transactionId }),
          transactionId,
          'connect',
          timeoutMs,
          signal,
        );
        if (r === 'timeout') {
          attempt++;
          continue;
        }
        if (r.action === 'error') throw new TrackerError('tracker-error', r.response.message);
        if (r.action !== 'connect') throw unexpected(r);
        this.connection = { id: r.response.connectionId, atMs: this.now() };
        retriedWithFreshId = true; // this id is fresh: an error now is the tracker's answer
      }
      const transactionId = this.newTransactionId();
      const r = await this.roundTrip(
        build(this.connection.id, transactionId),
        transactionId,
        expected,
        timeoutMs,
        signal,
      );
      if (r === 'timeout') {
        attempt++;
        continue;
      }
      if (r.action === 'error') {
        if (!retriedWithFreshId) {
          retriedWithFreshId = true;
          this.connection = undefined;
          continue;
        }
        throw new TrackerError('tracker-error', r.response.message);
      }
      return r;
    }
  }

  /** One send and its wait: the matching response, or 'timeout'. */
  private async roundTrip(
    bytes: Uint8Array,
    transactionId: number,
    expected: Expected,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<TrackerResponse | 'timeout'> {
    if (this.closed) throw new TrackerError('aborted', 'tracker client closed');
    if (signal?.aborted) throw new TrackerError('aborted', 'announce aborted');
    const { socket, ip } = await this.ready();
    return new Promise<TrackerResponse | 'timeout'>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.pending.delete(transactionId);
        this.aborters.delete(abort);
        signal?.removeEventListener('abort', onAbort);
      };
      const abort = (err: TrackerError) => {
        done();
        reject(err);
      };
      const onAbort = () => abort(new TrackerError('aborted', 'request aborted'));
      const timer = setTimeout(() => {
        done();
        resolve('timeout');
      }, timeoutMs);
      this.aborters.add(abort);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(transactionId, {
        expected,
        resolve: (r) => {
          done();
          resolve(r);
        },
      });
      // A failed send (e.g. no route) is like a lost datagram: the timer retransmits.
      socket.send(bytes, this.target.port, ip, () => undefined);
    });
  }

  private onMessage(
    msg: Uint8Array,
    from: { address: string; port: number },
    trackerIp: string,
    family: IpFamily,
  ): void {
    // Only the tracker's own address may answer (anything else is spoofing or noise).
    if (from.port !== this.target.port || normalizeIp(from.address) !== trackerIp) return;
    try {
      const pending = this.pending.get(peekResponseHeader(msg).transactionId);
      if (!pending) return;
      const response = decodeTrackerResponse(msg, family);
      if (response.action !== pending.expected && response.action !== 'error') return;
      pending.resolve(response);
    } catch {
      // A malformed answer (ProtocolError) is dropped; the retransmit timer carries on.
      // Nothing a datagram contains may throw out of a socket handler.
    }
  }

  private ready(): Promise<{ socket: Socket; ip: string; family: IpFamily }> {
    this.socketReady ??= (async () => {
      let ip = this.target.host;
      if (!isIP(ip)) {
        try {
          ip = (await lookup(ip)).address;
        } catch (err) {
          throw new TrackerError('network', `cannot resolve ${this.target.host}: ${(err as Error).message}`);
        }
      }
      const family: IpFamily = isIP(ip) === 6 ? 6 : 4;
      const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4' });
      const trackerIp = normalizeIp(ip);
      socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo, trackerIp, family));
      socket.on('error', () => undefined); // per-datagram errors; the retransmit timer copes
      await new Promise<void>((resolve) => socket.bind(0, resolve));
      if (this.closed) {
        socket.close();
        throw new TrackerError('aborted', 'tracker client closed');
      }
      return { socket, ip, family };
    })();
    // A failed lookup is retried by the next request rather than remembered.
    this.socketReady.catch(() => {
      if (!this.closed) this.socketReady = undefined;
    });
    return this.socketReady;
  }

  private newTransactionId(): number {
    let id: number;
    do id = Math.floor(this.random() * 0x1_0000_0000) >>> 0;
    while (this.pending.has(id));
    return id;
  }
}

function unexpected(r: TrackerResponse): TrackerError {
  return new TrackerError('bad-response', `unexpected ${r.action} response`);
}
