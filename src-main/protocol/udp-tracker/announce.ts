/**
 * BEP 15 announce.
 *
 *   request (98 B):  0 int64 connection_id | 8 int32 action = 1 | 12 int32 transaction_id
 *                   16 info_hash[20] | 36 peer_id[20] | 56 int64 downloaded | 64 int64 left
 *                   72 int64 uploaded | 80 int32 event | 84 uint32 IP (0 = sender's)
 *                   88 uint32 key | 92 int32 num_want (-1 = default) | 96 uint16 port
 *   response:        0 int32 action = 1 | 4 int32 transaction_id | 8 int32 interval
 *                   12 int32 leechers | 16 int32 seeders | 20 compact peers…
 *
 * The peers are 6 bytes each (BEP 23) when the request came over IPv4 and 18 bytes each
 * when it came over IPv6 (BEP 15, "IPv6"); the datagram alone cannot tell, so decoding a
 * response needs the socket's address family. Bytes after the 98 of a request are BEP 41
 * options (libtorrent sends the URL path there); they are accepted and ignored.
 */
import { ProtocolError } from '../protocol-error.ts';
import { compactPeerBytes, decodeCompactPeers, type PeerAddress } from './compact-peers.ts';
import { formatIpv4, parseIpv4, type IpFamily } from '../ip-address.ts';
import {
  Action,
  INFO_HASH_BYTES,
  MAX_DATAGRAM_BYTES,
  MAX_RESPONSE_BYTES,
  PEER_ID_BYTES,
  checkAction,
  checkConnectionId,
  checkHash,
  checkInt32,
  checkLength,
  checkUint32,
  copyBytes,
  readCounter,
  writeCounter,
} from './udp-tracker-common.ts';

export const ANNOUNCE_REQUEST_BYTES = 98;
/** Where an announce request's info-hash and peer id lie (20 bytes each). */
export const ANNOUNCE_INFO_HASH_OFFSET = 16;
export const ANNOUNCE_PEER_ID_OFFSET = 36;
export const ANNOUNCE_RESPONSE_HEADER_BYTES = 20;
/** A response may come from any BEP 15 tracker and may exceed our own size rule. */
export const MAX_ANNOUNCE_RESPONSE_BYTES = 65_507;

export type AnnounceEvent = 'none' | 'completed' | 'started' | 'stopped';
const EVENTS: readonly AnnounceEvent[] = ['none', 'completed', 'started', 'stopped'];

export interface AnnounceRequest {
  connectionId: bigint;
  transactionId: number;
  infoHash: Uint8Array;
  peerId: Uint8Array;
  downloaded: number;
  left: number;
  uploaded: number;
  event: AnnounceEvent;
  /** The BEP 15 IP field as dotted IPv4, or null for 0 ("use the sender's address"). */
  ip: string | null;
  key: number;
  /** -1 asks for the tracker's default. */
  numWant: number;
  port: number;
}

/**
 * An announce request read in place (a tracker's hot path): the numbers read out, the
 * info-hash and peer id left in `bytes` at ANNOUNCE_INFO_HASH_OFFSET and
 * ANNOUNCE_PEER_ID_OFFSET, so decoding copies nothing. It aliases `bytes`: read it before
 * the buffer is reused, and keep neither past that.
 */
export interface AnnounceRequestInPlace extends Omit<AnnounceRequest, 'infoHash' | 'peerId'> {
  bytes: Uint8Array;
}

export interface AnnounceResponse {
  transactionId: number;
  intervalSec: number;
  leechers: number;
  seeders: number;
  peers: PeerAddress[];
}

/** How many peers fit a response of at most MAX_RESPONSE_BYTES (230 IPv4, 76 IPv6). */
export const maxPeersPerResponse = (family: IpFamily): number =>
  Math.floor((MAX_RESPONSE_BYTES - ANNOUNCE_RESPONSE_HEADER_BYTES) / compactPeerBytes(family));

export function encodeAnnounceRequest(req: AnnounceRequest): Uint8Array {
  const out = new Uint8Array(ANNOUNCE_REQUEST_BYTES);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, checkConnectionId(req.connectionId));
  view.setUint32(8, Action.announce);
  view.setUint32(12, checkUint32(req.transactionId, 'transaction id'));
  out.set(checkHash(req.infoHash, 'info hash'), 16);
  if (req.peerId.length !== PEER_ID_BYTES)
    throw new ProtocolError('bad-value', `peer id must be ${PEER_ID_BYTES} bytes`);
  out.set(req.peerId, 36);
  writeCounter(view, 56, req.downloaded, 'downloaded');
  writeCounter(view, 64, req.left, 'left');
  writeCounter(view, 72, req.uploaded, 'uploaded');
  view.setUint32(80, EVENTS.indexOf(req.event) >= 0 ? EVENTS.indexOf(req.event) : badEvent(req.event));
  if (req.ip !== null) out.set(parseIpv4(req.ip), 84);
  view.setUint32(88, checkUint32(req.key, 'key'));
  view.setInt32(92, checkInt32(req.numWant, 'num_want'));
  if (!Number.isInteger(req.port) || req.port < 0 || req.port > 0xffff)
    throw new ProtocolError('bad-value', 'port out of range');
  view.setUint16(96, req.port);
  return out;
}

function badEvent(event: string): never {
  throw new ProtocolError('bad-value', `unknown announce event ${event}`);
}

export function decodeAnnounceRequest(bytes: Uint8Array): AnnounceRequest {
  const { bytes: _aliased, ...fields } = decodeAnnounceRequestInPlace(bytes, newAnnounceRequestInPlace());
  return {
    ...fields,
    infoHash: copyBytes(bytes, ANNOUNCE_INFO_HASH_OFFSET, ANNOUNCE_INFO_HASH_OFFSET + INFO_HASH_BYTES),
    peerId: copyBytes(bytes, ANNOUNCE_PEER_ID_OFFSET, ANNOUNCE_PEER_ID_OFFSET + PEER_ID_BYTES),
  };
}

/** A blank request for `decodeAnnounceRequestInPlace` to fill (a tracker keeps one). */
export function newAnnounceRequestInPlace(): AnnounceRequestInPlace {
  return {
    bytes: new Uint8Array(0),
    connectionId: 0n,
    transactionId: 0,
    downloaded: 0,
    left: 0,
    uploaded: 0,
    event: 'none',
    ip: null,
    key: 0,
    numWant: 0,
    port: 0,
  };
}

/**
 * Decodes into `out` and returns it: no allocation but the connection id's BigInt (and the
 * IP field's string when it is set). Checks everything `decodeAnnounceRequest` checks
 * before writing any field, so a malformed datagram throws and leaves `out` as it was.
 */
export function decodeAnnounceRequestInPlace(
  bytes: Uint8Array,
  out: AnnounceRequestInPlace,
): AnnounceRequestInPlace {
  const view = checkLength(bytes, ANNOUNCE_REQUEST_BYTES, MAX_DATAGRAM_BYTES, 'announce request');
  checkAction(view, 8, Action.announce, 'announce request');
  const eventCode = view.getUint32(80);
  const event = EVENTS[eventCode];
  if (event === undefined) throw new ProtocolError('bad-value', `announce event ${eventCode} is not 0..3`);
  out.bytes = bytes;
  out.connectionId = view.getBigUint64(0);
  out.transactionId = view.getUint32(12);
  out.downloaded = readCounter(view, 56);
  out.left = readCounter(view, 64);
  out.uploaded = readCounter(view, 72);
  out.event = event;
  out.ip = view.getUint32(84) === 0 ? null : formatIpv4(bytes, 84);
  out.key = view.getUint32(88);
  out.numWant = view.getInt32(92);
  out.port = view.getUint16(96);
  return out;
}

/**
 * An announce response from peers already compact (BEP 23 entries back to back, a multiple
 * of `compactPeerBytes(family)` long): a tracker keeps its peers that way, so an answer is
 * one allocation and one copy, with no text address parsed per peer per announce (docs/PERFORMANCE.md).
 */
export function encodeAnnounceResponseCompact(
  res: Omit<AnnounceResponse, 'peers'>,
  compactPeers: Uint8Array,
  family: IpFamily,
  /**
   * Where the response's bytes come from; every byte is written, so it may hand out
   * uninitialised memory (a tracker passes node's pooled `Buffer.allocUnsafe`).
   */
  allocate: (lengthBytes: number) => Uint8Array = (n) => new Uint8Array(n),
): Uint8Array {
  const size = compactPeerBytes(family);
  if (compactPeers.length % size !== 0)
    throw new ProtocolError('bad-value', `compact IPv${family} peers of ${compactPeers.length} bytes`);
  const out = allocate(ANNOUNCE_RESPONSE_HEADER_BYTES + compactPeers.length);
  writeAnnounceResponseHeader(out, res);
  out.set(compactPeers, ANNOUNCE_RESPONSE_HEADER_BYTES);
  return out;
}

/** Written byte by byte: a DataView per response was an allocation on a tracker's hot path. */
function writeAnnounceResponseHeader(out: Uint8Array, res: Omit<AnnounceResponse, 'peers'>): void {
  writeWord(out, 0, Action.announce);
  writeWord(out, 4, checkUint32(res.transactionId, 'transaction id'));
  writeWord(out, 8, checkInt32(res.intervalSec, 'interval'));
  writeWord(out, 12, checkInt32(res.leechers, 'leechers'));
  writeWord(out, 16, checkInt32(res.seeders, 'seeders'));
}

/** A 32-bit integer (signed or not: the same bytes), big-endian. */
function writeWord(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value >>> 24;
  out[offset + 1] = (value >>> 16) & 0xff;
  out[offset + 2] = (value >>> 8) & 0xff;
  out[offset + 3] = value & 0xff;
}

export function decodeAnnounceResponse(bytes: Uint8Array, family: IpFamily): AnnounceResponse {
  const view = checkLength(
    bytes,
    ANNOUNCE_RESPONSE_HEADER_BYTES,
    MAX_ANNOUNCE_RESPONSE_BYTES,
    'announce response',
  );
  checkAction(view, 0, Action.announce, 'announce response');
  const counts = [view.getInt32(8), view.getInt32(12), view.getInt32(16)];
  if (counts.some((n) => n < 0)) throw new ProtocolError('bad-value', 'negative interval or peer count');
  return {
    transactionId: view.getUint32(4),
    intervalSec: view.getInt32(8),
    leechers: view.getInt32(12),
    seeders: view.getInt32(16),
    peers: decodeCompactPeers(bytes.subarray(ANNOUNCE_RESPONSE_HEADER_BYTES), family),
  };
}
