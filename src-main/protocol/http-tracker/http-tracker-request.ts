/**
 * What an HTTP tracker reads from a request's query (BEP 3 announce, BEP 48 scrape) and
 * writes back (bencoded, BEP 23 compact peers, BEP 7 `peers6`). The query carries the
 * info-hash and peer id as percent-escaped raw bytes, so it is decoded here byte by byte:
 * URLSearchParams would read the escapes as UTF-8 and mangle them.
 *
 *   announce: info_hash (20 bytes) peer_id (20 bytes) port (1..65535) uploaded downloaded
 *             left (integers ≥ 0) [event=started|completed|stopped|empty] [numwant]
 *             [compact] [key] [ip]
 *   scrape:   info_hash × 1..MAX_SCRAPE_HASHES
 */
import { bencode } from '../bencode.ts';
import { ProtocolError } from '../protocol-error.ts';
import type { AnnounceEvent } from '../udp-tracker/announce.ts';
import { MAX_SCRAPE_HASHES } from '../udp-tracker/scrape.ts';
import { INFO_HASH_BYTES, PEER_ID_BYTES } from '../udp-tracker/udp-tracker-common.ts';

/** The longest query decoded (a request line past it is refused before parsing). */
export const MAX_QUERY_BYTES = 4096;
/** Fields one query may have: more is not a tracker request. */
const MAX_QUERY_FIELDS = 2 * MAX_SCRAPE_HASHES + 16;

export interface HttpAnnounceRequest {
  infoHash: Uint8Array;
  peerId: Uint8Array;
  port: number;
  uploaded: number;
  downloaded: number;
  left: number;
  event: AnnounceEvent;
  /** -1 when absent (the tracker's default). */
  numWant: number;
  /** The `ip` field as sent (the tracker decides whether to believe it), or null. */
  ip: string | null;
}

export interface HttpScrapeRequest {
  infoHashes: Uint8Array[];
}

export interface HttpAnnounceResponse {
  intervalSec: number;
  /** Seeders (BEP 3 `complete`) and leechers (`incomplete`). */
  complete: number;
  incomplete: number;
  /** Compact IPv4 peers (6 bytes each) and IPv6 peers (18 bytes each), back to back. */
  peers: Uint8Array;
  peers6: Uint8Array;
}

export interface HttpScrapeFile {
  infoHash: Uint8Array;
  complete: number;
  downloaded: number;
  incomplete: number;
}

/** The query's fields in order, values as raw bytes (`+` is a space, as in forms). */
export function parseQueryBytes(query: string): [string, Uint8Array][] {
  if (query.length > MAX_QUERY_BYTES)
    throw new ProtocolError('too-large', `query of ${query.length} characters exceeds ${MAX_QUERY_BYTES}`);
  const fields: [string, Uint8Array][] = [];
  if (query === '') return fields;
  for (const part of query.split('&')) {
    if (part === '') continue;
    if (fields.length >= MAX_QUERY_FIELDS) throw new ProtocolError('too-large', 'too many query fields');
    const eq = part.indexOf('=');
    const name = new TextDecoder().decode(unescapeBytes(eq < 0 ? part : part.slice(0, eq)));
    fields.push([name, unescapeBytes(eq < 0 ? '' : part.slice(eq + 1))]);
  }
  return fields;
}

/** Percent-decodes `text` to bytes; characters outside ASCII are refused (they must be escaped). */
function unescapeBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 /* % */) {
      const hi = hexValue(text.charCodeAt(i + 1));
      const lo = hexValue(text.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) throw new ProtocolError('bad-value', 'bad percent escape in query');
      out[n++] = (hi << 4) | lo;
      i += 2;
    } else if (c === 0x2b /* + */) out[n++] = 0x20;
    else if (c < 0x21 || c > 0x7e) throw new ProtocolError('bad-value', 'unescaped character in query');
    else out[n++] = c;
  }
  return out.slice(0, n);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

const ascii = (b: Uint8Array): string => String.fromCharCode(...b);

function only(fields: [string, Uint8Array][], name: string, required: boolean): Uint8Array | undefined {
  let found: Uint8Array | undefined;
  for (const [k, v] of fields) {
    if (k !== name) continue;
    if (found) throw new ProtocolError('bad-value', `${name} given twice`);
    found = v;
  }
  if (!found && required) throw new ProtocolError('truncated', `missing ${name}`);
  return found;
}

function integer(bytes: Uint8Array | undefined, name: string, min: number, max: number): number | undefined {
  if (bytes === undefined) return undefined;
  const text = ascii(bytes);
  if (!/^-?\d{1,16}$/.test(text)) throw new ProtocolError('bad-value', `${name} is not an integer`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new ProtocolError('bad-value', `${name} out of range`);
  return n;
}

function hash(bytes: Uint8Array | undefined, name: string, length: number): Uint8Array {
  if (!bytes || bytes.length !== length)
    throw new ProtocolError('bad-value', `${name} must be ${length} bytes`);
  return bytes;
}

const EVENTS: Record<string, AnnounceEvent> = {
  '': 'none',
  empty: 'none',
  started: 'started',
  completed: 'completed',
  stopped: 'stopped',
};

/** A BEP 3 announce from its query (the part after `?`, still escaped). */
export function decodeHttpAnnounceQuery(query: string): HttpAnnounceRequest {
  const fields = parseQueryBytes(query);
  const eventText = ascii(only(fields, 'event', false) ?? new Uint8Array(0));
  const event = Object.hasOwn(EVENTS, eventText) ? EVENTS[eventText] : undefined;
  if (event === undefined) throw new ProtocolError('bad-value', 'unknown event');
  const ip = only(fields, 'ip', false);
  return {
    infoHash: hash(only(fields, 'info_hash', true), 'info_hash', INFO_HASH_BYTES),
    peerId: hash(only(fields, 'peer_id', true), 'peer_id', PEER_ID_BYTES),
    port: integer(only(fields, 'port', true), 'port', 1, 0xffff) as number,
    uploaded: integer(only(fields, 'uploaded', false), 'uploaded', 0, Number.MAX_SAFE_INTEGER) ?? 0,
    downloaded: integer(only(fields, 'downloaded', false), 'downloaded', 0, Number.MAX_SAFE_INTEGER) ?? 0,
    left: integer(only(fields, 'left', true), 'left', 0, Number.MAX_SAFE_INTEGER) as number,
    event,
    numWant: integer(only(fields, 'numwant', false), 'numwant', -1, 0xffff) ?? -1,
    ip: ip === undefined || ip.length === 0 || ip.length > 45 ? null : ascii(ip),
  };
}

/** A BEP 48 scrape from its query: 1..MAX_SCRAPE_HASHES info-hashes (no full scrape). */
export function decodeHttpScrapeQuery(query: string): HttpScrapeRequest {
  const infoHashes = parseQueryBytes(query)
    .filter(([k]) => k === 'info_hash')
    .map(([, v]) => hash(v, 'info_hash', INFO_HASH_BYTES));
  if (infoHashes.length === 0) throw new ProtocolError('truncated', 'scrape needs an info_hash');
  if (infoHashes.length > MAX_SCRAPE_HASHES)
    throw new ProtocolError('too-large', `scrape at most ${MAX_SCRAPE_HASHES} info-hashes`);
  return { infoHashes };
}

export function encodeHttpAnnounceResponse(res: HttpAnnounceResponse): Uint8Array {
  return bencode({
    interval: res.intervalSec,
    complete: res.complete,
    incomplete: res.incomplete,
    peers: res.peers,
    ...(res.peers6.length > 0 ? { peers6: res.peers6 } : {}),
  });
}

/** BEP 48: `files` keyed by the raw info-hash bytes. */
export function encodeHttpScrapeResponse(files: HttpScrapeFile[]): Uint8Array {
  // Keys are raw bytes: written by hand, since the bencode library keys dictionaries by
  // JavaScript strings. BEP 3 wants keys sorted as raw strings.
  const sorted = [...files].sort((a, b) => Buffer.compare(a.infoHash, b.infoHash));
  const parts: Uint8Array[] = [new TextEncoder().encode('d5:filesd')];
  let last: Uint8Array | undefined;
  for (const f of sorted) {
    if (last && Buffer.compare(last, f.infoHash) === 0) continue;
    last = f.infoHash;
    parts.push(new TextEncoder().encode('20:'), f.infoHash);
    parts.push(bencode({ complete: f.complete, downloaded: f.downloaded, incomplete: f.incomplete }));
  }
  parts.push(new TextEncoder().encode('ee'));
  return Buffer.concat(parts);
}

export function encodeHttpFailure(reason: string): Uint8Array {
  return bencode({ 'failure reason': reason });
}
