/**
 * HTTP(S) tracker client: BEP 3 announce (GET with the info-hash and peer id as
 * percent-escaped bytes), compact responses (BEP 23 `peers`, BEP 7 `peers6`), the
 * dictionary peer list as a fallback, `failure reason` as a TrackerError, and scrape by
 * the announce→scrape URL convention (BEP 48).
 */
import {
  asDict,
  asInt,
  asList,
  asString,
  bdecode,
  isDict,
  latin1Key,
  type BDict,
} from '../../protocol/bencode.ts';
import { decodeCompactPeers, type PeerAddress } from '../../protocol/udp-tracker/compact-peers.ts';
import { isProtocolError } from '../../protocol/protocol-error.ts';
import {
  TrackerError,
  type AnnounceParams,
  type AnnounceResult,
  type RequestOptions,
  type ScrapeResult,
  type TrackerClient,
} from './tracker-client-api.ts';

export interface HttpTrackerClientOptions {
  /** Whole-request time-out. Default 15 000 ms. */
  timeoutMs?: number;
  /** Largest response body read. Default 1 MiB. */
  maxResponseBytes?: number;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Percent-encodes raw bytes (RFC 3986): unreserved ASCII stays, everything else is %XX. */
export function escapeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && UNRESERVED.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The BEP 3 announce URL for `params` (query appended to any the tracker URL already has). */
export function buildAnnounceUrl(url: string, params: AnnounceParams): string {
  const parts = [
    `info_hash=${escapeBytes(params.infoHash)}`,
    `peer_id=${escapeBytes(params.peerId)}`,
    `port=${params.port}`,
    `uploaded=${params.uploaded}`,
    `downloaded=${params.downloaded}`,
    `left=${params.left}`,
    'compact=1',
  ];
  if (params.event !== 'none') parts.push(`event=${params.event}`);
  if (params.numWant !== undefined && params.numWant >= 0) parts.push(`numwant=${params.numWant}`);
  if (params.key !== undefined) parts.push(`key=${(params.key >>> 0).toString(16).padStart(8, '0')}`);
  if (params.ip !== undefined) parts.push(`ip=${encodeURIComponent(params.ip)}`);
  return `${url}${url.includes('?') ? '&' : '?'}${parts.join('&')}`;
}

/** BEP 48: the scrape URL replaces a last path segment `announce…` with `scrape…`. */
export function scrapeUrlFor(announceUrl: string): string | undefined {
  const q = announceUrl.indexOf('?');
  const path = q >= 0 ? announceUrl.slice(0, q) : announceUrl;
  const slash = path.lastIndexOf('/');
  if (!path.slice(slash + 1).startsWith('announce')) return undefined;
  return `${path.slice(0, slash + 1)}scrape${path.slice(slash + 1 + 'announce'.length)}${q >= 0 ? announceUrl.slice(q) : ''}`;
}

/** Decodes an announce response body (bencoded dictionary). */
export function parseAnnounceResponse(body: Uint8Array, maxBytes = 1 << 20): AnnounceResult {
  const d = decodeDict(body, maxBytes);
  const interval = asInt(d.interval, 'interval');
  if (interval < 0) throw new TrackerError('bad-response', 'negative interval');
  const peers: PeerAddress[] = [];
  if (d.peers instanceof Uint8Array) peers.push(...decodeCompactPeers(d.peers, 4));
  else if (Array.isArray(d.peers)) {
    // Non-compact form (BEP 3): a list of {ip, port[, peer id]} dictionaries.
    for (const p of asList(d.peers, 'peers')) {
      const pd = asDict(p, 'peer');
      const port = asInt(pd.port, 'peer port');
      if (port > 0 && port <= 0xffff) peers.push({ host: asString(pd.ip, 'peer ip'), port });
    }
  }
  if (d.peers6 instanceof Uint8Array) peers.push(...decodeCompactPeers(d.peers6, 6));
  const result: AnnounceResult = {
    intervalSec: interval,
    seeders: d.complete === undefined ? 0 : asInt(d.complete, 'complete'),
    leechers: d.incomplete === undefined ? 0 : asInt(d.incomplete, 'incomplete'),
    peers,
  };
  if (d['min interval'] !== undefined) result.minIntervalSec = asInt(d['min interval'], 'min interval');
  if (d['warning message'] !== undefined) result.warning = asString(d['warning message'], 'warning message');
  return result;
}

function decodeDict(body: Uint8Array, maxBytes: number): BDict {
  const d = asDict(bdecode(body, { maxLengthBytes: maxBytes }), 'tracker response');
  if (d['failure reason'] !== undefined) {
    throw new TrackerError('tracker-error', asString(d['failure reason'], 'failure reason'));
  }
  return d;
}

/**
 * Decodes a scrape response body: `files` maps each raw 20-byte info-hash (a binary
 * dictionary key) to its counts; an info-hash the tracker left out counts as zeros.
 */
export function parseScrapeResponse(
  body: Uint8Array,
  infoHashes: readonly Uint8Array[],
  maxBytes = 1 << 20,
): ScrapeResult[] {
  const files = asDict(decodeDict(body, maxBytes).files, 'files');
  return infoHashes.map((h) => {
    const f = files[latin1Key(h)];
    if (!isDict(f)) return { seeders: 0, completed: 0, leechers: 0 };
    return {
      seeders: asInt(f.complete ?? 0, 'complete'),
      completed: asInt(f.downloaded ?? 0, 'downloaded'),
      leechers: asInt(f.incomplete ?? 0, 'incomplete'),
    };
  });
}

export class HttpTrackerClient implements TrackerClient {
  readonly url: string;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly closer = new AbortController();

  constructor(url: string, options: HttpTrackerClientOptions = {}) {
    if (!/^https?:\/\//i.test(url)) throw new TrackerError('unsupported', `not an http(s) tracker: ${url}`);
    this.url = url;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxBytes = options.maxResponseBytes ?? 1 << 20;
  }

  async announce(params: AnnounceParams, options: RequestOptions = {}): Promise<AnnounceResult> {
    const body = await this.get(buildAnnounceUrl(this.url, params), options.signal);
    return wrapDecode(() => parseAnnounceResponse(body, this.maxBytes));
  }

  async scrape(infoHashes: Uint8Array[], options: RequestOptions = {}): Promise<ScrapeResult[]> {
    const base = scrapeUrlFor(this.url);
    if (!base) throw new TrackerError('unsupported', `no scrape URL for ${this.url} (BEP 48)`);
    const query = infoHashes.map((h) => `info_hash=${escapeBytes(h)}`).join('&');
    const body = await this.get(`${base}${base.includes('?') ? '&' : '?'}${query}`, options.signal);
    return wrapDecode(() => parseScrapeResponse(body, infoHashes, this.maxBytes));
  }

  close(): void {
    this.closer.abort(new TrackerError('aborted', 'tracker client closed'));
  }

  private async get(url: string, signal?: AbortSignal): Promise<Uint8Array> {
    const signals = [this.closer.signal, AbortSignal.timeout(this.timeoutMs)];
    if (signal) signals.push(signal);
    const all = AbortSignal.any(signals);
    try {
      const res = await fetch(url, {
        signal: all,
        redirect: 'follow',
        headers: { 'accept-encoding': 'identity' },
      });
      const body = await readBounded(res, this.maxBytes);
      // Trackers often send `failure reason` with a 4xx/5xx status: prefer their words.
      if (!res.ok) {
        try {
          decodeDict(body, this.maxBytes);
        } catch (err) {
          if (err instanceof TrackerError) throw err;
        }
        throw new TrackerError('network', `HTTP ${res.status} from ${this.url}`);
      }
      return body;
    } catch (err) {
      if (err instanceof TrackerError) throw err;
      if (this.closer.signal.aborted || signal?.aborted) throw new TrackerError('aborted', 'request aborted');
      if (all.aborted)
        throw new TrackerError('timeout', `no answer from ${this.url} in ${this.timeoutMs} ms`);
      throw new TrackerError('network', `${this.url}: ${(err as Error).message}`);
    }
  }
}

async function readBounded(res: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes)
    throw new TrackerError('bad-response', `response of ${declared} bytes exceeds ${maxBytes}`);
  if (!res.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > maxBytes) throw new TrackerError('bad-response', `response exceeds ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function wrapDecode<T>(decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (isProtocolError(err)) throw new TrackerError('bad-response', err.message);
    throw err;
  }
}
