// Every decoder that reads bytes or text from outside the process, as a fuzz target: how
// to decode, which typed error it may throw, how to encode back (when the codec has an
// encoder), and valid encodings to start mutating from.
import { bdecode, bencode } from '../../src-main/protocol/bencode.ts';
import { isProtocolError, ProtocolError } from '../../src-main/protocol/protocol-error.ts';
import { formatMagnet, parseMagnet, type MagnetLink } from '../../src-main/protocol/magnet.ts';
import { encodeTorrent } from '../../src-main/protocol/metainfo/encode-torrent.ts';
import { parseInfoDict, parseTorrent } from '../../src-main/protocol/metainfo/parse-torrent.ts';
import type { Metainfo } from '../../src-main/protocol/metainfo/metainfo-types.ts';
import {
  decodeExtensionHandshake,
  encodeExtensionHandshake,
  type ExtensionHandshake,
} from '../../src-main/protocol/wire/extension-handshake.ts';
import {
  decodeUtMetadata,
  encodeUtMetadata,
  type UtMetadataMessage,
} from '../../src-main/protocol/wire/ut-metadata.ts';
import { decodeUtPex, encodeUtPex, type PexMessage } from '../../src-main/protocol/wire/ut-pex.ts';
import {
  decodeLsdAnnounce,
  encodeLsdAnnounce,
  type LsdAnnounce,
} from '../../src-main/protocol/lan/lsd-message.ts';
import {
  decodeNearbyMessage,
  encodeNearbyMessage,
  type NearbyMessage,
} from '../../src-main/protocol/lan/nearby-message.ts';
import { encodeMessage, type WireMessage } from '../../src-main/protocol/wire/messages.ts';
import { decodeMessage } from '../../src-main/protocol/wire/wire-test-helpers.ts';
import {
  decodeHandshake,
  encodeHandshake,
  makeReserved,
  type Handshake,
} from '../../src-main/protocol/wire/handshake.ts';
import { WireDecoder } from '../../src-main/protocol/wire/wire-decoder.ts';
import {
  decodeTrackerRequest,
  decodeTrackerResponse,
  type TrackerRequest,
  type TrackerResponse,
} from '../../src-main/protocol/udp-tracker/udp-tracker-packet.ts';
import { encodeConnectRequest, encodeConnectResponse } from '../../src-main/protocol/udp-tracker/connect.ts';
import { encodeAnnounceRequest } from '../../src-main/protocol/udp-tracker/announce.ts';
import { encodeAnnounceResponse } from '../../src-main/protocol/udp-tracker/announce-test-support.ts';
import { encodeScrapeRequest, encodeScrapeResponse } from '../../src-main/protocol/udp-tracker/scrape.ts';
import { encodeErrorResponse } from '../../src-main/protocol/udp-tracker/error-response.ts';
import {
  decodeCatalogListRequest,
  decodeCatalogListResponse,
  encodeCatalogListRequest,
  encodeCatalogListResponse,
  type CatalogListRequest,
  type CatalogListResponse,
} from '../../src-main/protocol/udp-tracker/catalog-list.ts';
import {
  decodeCatalogPublishRequest,
  decodeCatalogPublishResponse,
  encodeCatalogPublishRequest,
  encodeCatalogPublishResponse,
  type CatalogPublishRequest,
  type CatalogPublishResponse,
} from '../../src-main/protocol/udp-tracker/catalog-publish.ts';
import type { IpFamily } from '../../src-main/protocol/ip-address.ts';
import {
  parseAnnounceResponse,
  parseScrapeResponse,
} from '../../src-main/tracker/client/http-tracker-client.ts';
import { TrackerError } from '../../src-main/tracker/client/tracker-client-api.ts';
import { parseVersionedJson, VersionedDataError } from '../../src-main/engine/resume/versioned-json-store.ts';
import { migrateResume, type ResumeRecord } from '../../src-main/engine/resume/resume-record.ts';
import { defaultSettings, migrateSettings, SETTINGS_VERSION } from '../../src-main/service/settings-store.ts';
import type { Settings } from '../../src-shared/types/settings.ts';
import {
  dhtStateDocument,
  migrateDhtState,
  type DhtState,
} from '../../src-main/engine/dht/dht-state-store.ts';
import {
  decodeHttpAnnounceQuery,
  decodeHttpScrapeQuery,
} from '../../src-main/protocol/http-tracker/http-tracker-request.ts';
import {
  CRYPTO_PLAINTEXT,
  CRYPTO_RC4,
  isMseError,
  MseInitiator,
  MseResponder,
} from '../../src-main/protocol/mse/mse-handshake.ts';
import { generateKeyPair, MSE_PRIVATE_KEY_BYTES, req2Hash } from '../../src-main/protocol/mse/mse-crypto.ts';
import {
  decodeUtpPacket,
  encodeUtpPacket,
  type UtpPacket,
  type UtpPacketType,
} from '../../src-main/protocol/utp/utp-header.ts';
import { randomBValue } from './bencode-gen.ts';

/** An error a decoder documents; `code` is what the fuzz report counts. */
export interface CodecError {
  name: string;
  code: string;
}

export interface FuzzTarget {
  name: string;
  /** One line for docs/FUZZING.md: what is decoded and by what. */
  what: string;
  /** The typed error(s) the decoder may throw; any other exception is a crash. */
  errors: string;
  decode(bytes: Uint8Array): unknown;
  codecError(err: unknown): CodecError | undefined;
  /** The codec's own encoder, when it has one: encode(decode(b)) must decode to the same value. */
  encode?(value: never): Uint8Array;
  /** What the round trip compares (default: the whole decoded value). */
  comparable?(value: never): unknown;
  /** Random valid values of the codec: decode(encode(x)) must equal x. */
  generate?(rnd: () => number): unknown;
  /** Valid encodings built here; `npm run fuzz -- --write-corpus` stores them in test/fuzz-corpus/. */
  seeds(): Uint8Array[];
}

const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
const text = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
const bytesOf = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);
const withSelector = (selector: number, body: Uint8Array): Uint8Array => Uint8Array.of(selector, ...body);

const protocolError = (err: unknown): CodecError | undefined =>
  isProtocolError(err) ? { name: 'ProtocolError', code: err.code } : undefined;
const protocolOrTrackerError = (err: unknown): CodecError | undefined =>
  protocolError(err) ?? (err instanceof TrackerError ? { name: 'TrackerError', code: err.code } : undefined);
const versionedDataError = (err: unknown): CodecError | undefined =>
  err instanceof VersionedDataError ? { name: 'VersionedDataError', code: err.code } : undefined;

// ---- metainfo -------------------------------------------------------------------------

const KiB16 = 16 * 1024;
const torrentSeeds = (): Uint8Array[] => [
  encodeTorrent({
    name: 'dir',
    pieceLengthBytes: KiB16,
    pieceHashes: bytesOf(60, 7),
    multiFile: true,
    files: [
      { path: ['a', 'b.txt'], lengthBytes: KiB16 },
      { path: ['c'], lengthBytes: KiB16 + 3 },
      { path: ['d', 'e', 'f'], lengthBytes: 0 },
    ],
    announceList: [['udp://127.0.0.1:6969'], ['http://127.0.0.1:1/a', 'udp://127.0.0.2:6969']],
    comment: 'fuzz',
    creationDate: 1,
    private: true,
    webSeeds: ['http://127.0.0.1:8080/dir/', 'https://[::1]/m/'],
  }),
  encodeTorrent({
    name: 'one.bin',
    pieceLengthBytes: KiB16,
    pieceHashes: bytesOf(20, 0),
    multiFile: false,
    files: [{ path: ['one.bin'], lengthBytes: 5 }],
  }),
  // Hand-written: keys out of order, a `name.utf-8` twin, a `__proto__` key, padding attr.
  utf8(
    'd8:announce14:udp://h:1/anno4:infod5:filesld6:lengthi5e4:pathl1:aeed4:attr1:p6:lengthi16379e4:pathl4:.padeed6:lengthi9e4:pathl1:beee' +
      '4:name1:x10:name.utf-81:y12:piece lengthi16384e6:pieces40:' +
      'p'.repeat(40) +
      '9:__proto__d4:name4:evilee7:comment2:hie',
  ),
];

/** What a torrent means once parsed (the info-hash differs for a non-canonical input). */
function metainfoMeaning(m: Metainfo): unknown {
  return {
    name: m.name,
    pieceLengthBytes: m.pieceLengthBytes,
    pieceHashes: m.pieceHashes,
    multiFile: m.multiFile,
    files: m.files.map((f) => ({ path: f.path, lengthBytes: f.lengthBytes })),
    private: m.private,
    webSeeds: m.webSeeds ?? [],
  };
}

const encodeMetainfo = (m: Metainfo): Uint8Array =>
  encodeTorrent({
    name: m.name,
    pieceLengthBytes: m.pieceLengthBytes,
    pieceHashes: m.pieceHashes,
    multiFile: m.multiFile,
    files: m.files,
    private: m.private,
    announceList: m.announceList,
    ...(m.webSeeds ? { webSeeds: m.webSeeds } : {}),
    createdBy: null,
  });

// ---- UDP tracker ----------------------------------------------------------------------

const HASH_A = bytesOf(20, 0xaa);
const HASH_B = bytesOf(20, 0xbb);
const PEER_ID = utf8('-SD0100-abcdefghijkl');

const udpRequests: TrackerRequest[] = [
  { action: 'connect', request: { transactionId: 7 } },
  {
    action: 'announce',
    request: {
      connectionId: 0x1234_5678_9abc_def0n,
      transactionId: 9,
      infoHash: HASH_A,
      peerId: PEER_ID,
      downloaded: 10,
      left: 20,
      uploaded: 30,
      event: 'started',
      ip: '10.1.2.3',
      key: 0xdeadbeef,
      numWant: -1,
      port: 6881,
    },
  },
  { action: 'scrape', request: { connectionId: 5n, transactionId: 1, infoHashes: [HASH_A, HASH_B] } },
  {
    action: 'catalog-publish',
    request: {
      connectionId: 5n,
      transactionId: 2,
      entry: { infoHash: HASH_A, name: 'holiday photos é', totalSizeBytes: 123456789, fileCount: 3 },
    },
  },
  {
    action: 'catalog-list',
    request: { connectionId: 5n, transactionId: 3, offset: 0, maxEntries: 50, query: 'photos' },
  },
];

function encodeTrackerRequest(r: TrackerRequest): Uint8Array {
  switch (r.action) {
    case 'connect':
      return encodeConnectRequest(r.request);
    case 'announce':
      return encodeAnnounceRequest(r.request);
    case 'scrape':
      return encodeScrapeRequest(r.request);
    case 'catalog-publish':
      return encodeCatalogPublishRequest(r.request);
    case 'catalog-list':
      return encodeCatalogListRequest(r.request);
  }
}

const listing = {
  infoHash: HASH_B,
  name: 'album',
  totalSizeBytes: 4096,
  fileCount: 2,
  seeders: 3,
  leechers: 1,
  completed: 9,
};
const udpResponses: TrackerResponse[] = [
  { action: 'connect', response: { transactionId: 7, connectionId: 0xfedcba98_76543210n } },
  {
    action: 'announce',
    response: {
      transactionId: 9,
      intervalSec: 1800,
      leechers: 2,
      seeders: 5,
      peers: [
        { host: '127.0.0.1', port: 6881 },
        { host: '10.0.0.2', port: 1 },
      ],
    },
  },
  { action: 'scrape', response: { transactionId: 1, torrents: [{ seeders: 1, completed: 2, leechers: 3 }] } },
  { action: 'error', response: { transactionId: 4, message: 'unknown torrent' } },
  { action: 'catalog-publish', response: { transactionId: 2, status: 'added' } },
  {
    action: 'catalog-list',
    response: { transactionId: 3, totalMatches: 2, offset: 0, entries: [listing, { ...listing, name: 'b' }] },
  },
];
const udpResponses6: TrackerResponse[] = [
  {
    action: 'announce',
    response: {
      transactionId: 9,
      intervalSec: 60,
      leechers: 0,
      seeders: 1,
      peers: [
        { host: '::1', port: 6881 },
        { host: 'fe80::1:2', port: 80 },
      ],
    },
  },
];

function encodeTrackerResponse(r: TrackerResponse, family: IpFamily): Uint8Array {
  switch (r.action) {
    case 'connect':
      return encodeConnectResponse(r.response);
    case 'announce':
      return encodeAnnounceResponse(r.response, family);
    case 'scrape':
      return encodeScrapeResponse(r.response);
    case 'error':
      return encodeErrorResponse(r.response);
    case 'catalog-publish':
      return encodeCatalogPublishResponse(r.response);
    case 'catalog-list':
      return encodeCatalogListResponse(r.response);
  }
}

// Byte 0 of a udp-tracker-response input picks the socket's address family (bit 0: IPv6).
const familyOf = (selector: number): IpFamily => ((selector & 1) === 1 ? 6 : 4);

// Byte 0 of a catalog input picks the packet kind (low two bits).
type CatalogPacket =
  | { kind: 'list-request'; packet: CatalogListRequest }
  | { kind: 'list-response'; packet: CatalogListResponse }
  | { kind: 'publish-request'; packet: CatalogPublishRequest }
  | { kind: 'publish-response'; packet: CatalogPublishResponse };
const CATALOG_KINDS = ['list-request', 'list-response', 'publish-request', 'publish-response'] as const;

function decodeCatalogPacket(bytes: Uint8Array): CatalogPacket {
  if (bytes.length === 0) throw new ProtocolError('truncated', 'no selector byte');
  const body = bytes.subarray(1);
  switch (CATALOG_KINDS[bytes[0]! & 3]!) {
    case 'list-request':
      return { kind: 'list-request', packet: decodeCatalogListRequest(body) };
    case 'list-response':
      return { kind: 'list-response', packet: decodeCatalogListResponse(body) };
    case 'publish-request':
      return { kind: 'publish-request', packet: decodeCatalogPublishRequest(body) };
    case 'publish-response':
      return { kind: 'publish-response', packet: decodeCatalogPublishResponse(body) };
  }
}

function encodeCatalogPacket(p: CatalogPacket): Uint8Array {
  const selector = CATALOG_KINDS.indexOf(p.kind);
  switch (p.kind) {
    case 'list-request':
      return withSelector(selector, encodeCatalogListRequest(p.packet));
    case 'list-response':
      return withSelector(selector, encodeCatalogListResponse(p.packet));
    case 'publish-request':
      return withSelector(selector, encodeCatalogPublishRequest(p.packet));
    case 'publish-response':
      return withSelector(selector, encodeCatalogPublishResponse(p.packet));
  }
}

// ---- peer wire ------------------------------------------------------------------------

const wireMessages: WireMessage[] = [
  { type: 'keep-alive' },
  { type: 'choke' },
  { type: 'interested' },
  { type: 'have', index: 7 },
  { type: 'bitfield', bytes: Uint8Array.of(0xff, 0x80) },
  { type: 'request', index: 1, begin: KiB16, length: KiB16 },
  { type: 'piece', index: 1, begin: 0, block: bytesOf(64, 9) },
  { type: 'cancel', index: 1, begin: 0, length: KiB16 },
  { type: 'port', port: 6881 },
  { type: 'have-all' },
  { type: 'reject', index: 2, begin: 0, length: KiB16 },
  { type: 'allowed-fast', index: 3 },
  { type: 'extended', extId: 0, payload: encodeExtensionHandshake({ m: { ut_metadata: 1 }, v: 'x' }) },
];

const handshake: Handshake = {
  reserved: makeReserved({ extensionProtocol: true, fastExtension: true }),
  infoHash: HASH_A,
  peerId: PEER_ID,
};
const concatBytes = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

/** Feeds a peer connection's bytes to a WireDecoder in chunks of varying size, as a socket would. */
function decodeWireStream(bytes: Uint8Array): { handshake?: Handshake; messages: WireMessage[] } {
  const out: { handshake?: Handshake; messages: WireMessage[] } = { messages: [] };
  const decoder = new WireDecoder({
    onHandshake: (h) => (out.handshake = h),
    // Payloads are views into the chunk (valid during the call only): keep copies.
    onMessage: (m) => out.messages.push(copyMessage(m)),
  });
  // Chunk sizes come from the bytes themselves, so a stored input replays identically.
  let at = 0;
  let step = 1;
  while (at < bytes.length) {
    step = ((step * 31 + (bytes[at] ?? 0)) % 97) + 1;
    decoder.push(bytes.subarray(at, at + step));
    at += step;
  }
  return out;
}

function copyMessage(m: WireMessage): WireMessage {
  if (m.type === 'piece') return { ...m, block: m.block.slice() };
  if (m.type === 'bitfield') return { ...m, bytes: m.bytes.slice() };
  if (m.type === 'extended') return { ...m, payload: m.payload.slice() };
  return m;
}

// ---- stored JSON ----------------------------------------------------------------------

const HASH_HEX = 'ab'.repeat(20);
const resumeV2 = {
  version: 2,
  infoHashHex: HASH_HEX,
  name: 'album',
  savePath: '/home/u/Downloads',
  addedAtMs: 1_700_000_000_000,
  state: 'paused',
  verifiedPieces: 'kEA=',
  pieceCount: 10,
  files: [
    { sizeBytes: 100, mtimeMs: 1_700_000_000_123.456 },
    { sizeBytes: 0, mtimeMs: 0 },
  ],
  uploadedBytes: 5,
  downloadedBytes: 7,
  completedAtMs: 1_700_000_100_000,
  trackers: [['udp://127.0.0.1:6969', 'http://127.0.0.1:1/announce'], ['udp://10.0.0.2:6969']],
};
const { trackers: _dropped, ...resumeV1Fields } = resumeV2;
const resumeV0 = {
  infoHash: 'AB'.repeat(20),
  name: 'album',
  savePath: '/home/u/Downloads',
  addedAt: 1_700_000_000,
  paused: true,
  have: 'kEA=',
  pieceCount: 10,
  files: [
    [100, 1_700_000_000_123.456],
    [0, 0],
  ],
  uploaded: 5,
  downloaded: 7,
};

const SETTINGS_DEFAULTS = defaultSettings('/home/u/Downloads');
const decodeSettings = (bytes: Uint8Array): Settings =>
  parseVersionedJson(text(bytes), (raw) => migrateSettings(raw, SETTINGS_DEFAULTS), 'settings.json');

// ---- MSE (the responder side: what a stranger's first bytes can make us do) ----------

// Fixed keys and no padding, so the seeds are the same every run and replay from disk.
const MSE_INFO_HASH = bytesOf(20, 0x5a);
const MSE_REQ2 = req2Hash(MSE_INFO_HASH);
const mseKeys = {
  a: generateKeyPair(bytesOf(MSE_PRIVATE_KEY_BYTES, 0x22)),
  b: generateKeyPair(bytesOf(MSE_PRIVATE_KEY_BYTES, 0x11)),
};
const noPadding = (n: number): Uint8Array => new Uint8Array(n);

function mseResponder(): MseResponder {
  return new MseResponder({
    keyPair: mseKeys.b,
    random: noPadding,
    findInfoHash: (req2) =>
      Buffer.compare(Buffer.from(req2), Buffer.from(MSE_REQ2)) === 0 ? MSE_INFO_HASH : undefined,
    allow: CRYPTO_RC4 | CRYPTO_PLAINTEXT,
  });
}

/** Everything an initiator sends (steps 1 and 3) against our fixed responder. */
function mseInitiatorBytes(provide: number, initialPayload?: Uint8Array): Uint8Array {
  const a = new MseInitiator({
    keyPair: mseKeys.a,
    random: noPadding,
    infoHash: MSE_INFO_HASH,
    provide,
    ...(initialPayload ? { initialPayload } : {}),
  });
  const step1 = a.start();
  const reply = mseResponder().receive(step1).send!;
  return concatBytes(step1, a.receive(reply).send!);
}

/** What the responder makes of the bytes: what it would send, and the outcome. */
function decodeMseResponder(bytes: Uint8Array): unknown {
  const step = mseResponder().receive(bytes);
  // Bytes that stop before the handshake ends count as refused: a responder left waiting
  // is what the connection's time-out handles, not an answer.
  if (!step.done) throw new ProtocolError('truncated', 'MSE handshake incomplete');
  return {
    sentBytes: step.send?.length ?? 0,
    method: step.done?.method ?? null,
    payloadBytes: step.done?.payload.length ?? 0,
  };
}

// ---- uTP ------------------------------------------------------------------------------

function utpPacket(type: UtpPacketType, sack: Uint8Array | null, payload: Uint8Array): UtpPacket {
  return {
    type,
    connectionId: 0x1234,
    timestampUs: 0xfffffff0,
    timestampDiffUs: 100_000,
    windowBytes: 1 << 20,
    seqNr: 0xfffe,
    ackNr: 1,
    sack,
    payload,
  };
}

function randomUtpPacket(rnd: () => number): UtpPacket {
  const int = (n: number) => Math.floor(rnd() * n);
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
  return {
    type: int(5) as UtpPacketType,
    connectionId: int(0x10000),
    timestampUs: int(2 ** 32),
    timestampDiffUs: int(2 ** 32),
    windowBytes: int(2 ** 32),
    seqNr: int(0x10000),
    ackNr: int(0x10000),
    sack: rnd() < 0.5 ? null : bytes(4 * (1 + int(8))),
    payload: bytes(int(40)),
  };
}

// ---- the targets ----------------------------------------------------------------------

export const TARGETS: readonly FuzzTarget[] = [
  {
    name: 'bencode',
    what: 'bdecode / bencode (src-main/protocol/bencode.ts)',
    errors: 'ProtocolError',
    decode: (b) => bdecode(b),
    codecError: protocolError,
    encode: (v: unknown) => bencode(v),
    generate: (rnd) => randomBValue(rnd),
    seeds: () => [
      utf8('d4:name5:a.txt6:lengthi5e4:listli1e1:xee'),
      utf8('d9:__proto__d4:name4:evile4:name3:abce'),
      utf8('li9223372036854775807ei-9223372036854775808ei0ei-1ee'),
      utf8('d1:ad1:bd1:cl1:dleeeee'),
      ...torrentSeeds().slice(0, 1),
    ],
  },
  {
    name: 'metainfo',
    what: '.torrent files: parseTorrent (src-main/protocol/metainfo/parse-torrent.ts)',
    errors: 'ProtocolError',
    decode: (b) => parseTorrent(b),
    codecError: protocolError,
    encode: encodeMetainfo,
    comparable: metainfoMeaning,
    seeds: torrentSeeds,
  },
  {
    name: 'info-dict',
    what: 'BEP 9 metadata: parseInfoDict (src-main/protocol/metainfo/parse-info-dict.ts)',
    errors: 'ProtocolError',
    decode: (b) => parseInfoDict(b),
    codecError: protocolError,
    comparable: metainfoMeaning,
    seeds: () => torrentSeeds().map((t) => new Uint8Array(parseTorrent(t).infoBytes)),
  },
  {
    name: 'magnet',
    what: 'magnet URIs: parseMagnet (src-main/protocol/magnet.ts), input read as UTF-8',
    errors: 'ProtocolError',
    decode: (b) => parseMagnet(text(b)),
    codecError: protocolError,
    encode: (m: MagnetLink) =>
      utf8(
        formatMagnet({
          infoHashHex: m.infoHashHex,
          ...(m.name !== undefined ? { name: m.name } : {}),
          trackers: m.trackers,
          peers: m.peers,
        }),
      ),
    // formatMagnet writes no web seeds (`ws`).
    comparable: (m: MagnetLink) => ({ ...m, webSeeds: undefined }),
    seeds: () => [
      utf8(
        `magnet:?xt=urn:btih:${HASH_HEX}&dn=holiday%20photos&tr=udp%3A%2F%2F127.0.0.1%3A6969&tr=http://127.0.0.1:1/a&x.pe=127.0.0.1:6881`,
      ),
      utf8(
        'magnet:?xt=urn:btih:VKVKVKVKVKVKVKVKVKVKVKVKVKVKVKVK&dn=a+b&ws=http://127.0.0.1/x&xt.1=urn:btmh:1220abcd',
      ),
      utf8(`MAGNET:?dn=%C3%A9&xt=urn:btih:${HASH_HEX.toUpperCase()}&tr.1=udp://[::1]:6969`),
    ],
  },
  {
    name: 'extension-handshake',
    what: 'BEP 10 extension handshake: decodeExtensionHandshake (src-main/protocol/wire/extension-handshake.ts)',
    errors: 'ProtocolError',
    decode: (b) => decodeExtensionHandshake(b),
    codecError: protocolError,
    encode: (h: ExtensionHandshake) => encodeExtensionHandshake(h),
    seeds: () => [
      encodeExtensionHandshake({
        m: { ut_metadata: 1, ut_pex: 2 },
        metadataSizeBytes: 31235,
        v: 'Swarmdrop 0.1.0',
        p: 6881,
        reqq: 250,
        yourIp: Uint8Array.of(127, 0, 0, 1),
        uploadOnly: false,
      }),
      encodeExtensionHandshake({
        m: { lt_donthave: 7, ut_holepunch: 4, __proto__x: 0 },
        yourIp: bytesOf(16, 1),
        ipv4: Uint8Array.of(192, 0, 2, 7),
        ipv6: bytesOf(16, 9),
      }),
      utf8('d1:md11:ut_metadatai3e6:ut_pexi0ee1:v13:qBittorrent/5e'),
    ],
  },
  {
    name: 'ut-metadata',
    what: 'BEP 9 ut_metadata messages: decodeUtMetadata (src-main/protocol/wire/ut-metadata.ts)',
    errors: 'ProtocolError',
    decode: (b) => decodeUtMetadata(b),
    codecError: protocolError,
    encode: (m: UtMetadataMessage) => encodeUtMetadata(m),
    seeds: () => [
      encodeUtMetadata({ type: 'request', piece: 0 }),
      encodeUtMetadata({ type: 'reject', piece: 3 }),
      encodeUtMetadata({ type: 'data', piece: 0, totalSizeBytes: 100, data: bytesOf(100, 0x64) }),
      encodeUtMetadata({ type: 'data', piece: 1, totalSizeBytes: KiB16 + 40, data: bytesOf(40, 0x65) }),
    ],
  },
  {
    name: 'ut-pex',
    what: 'BEP 11 ut_pex messages: decodeUtPex (src-main/protocol/wire/ut-pex.ts)',
    errors: 'ProtocolError',
    decode: (b) => decodeUtPex(b),
    codecError: protocolError,
    encode: (m: PexMessage) => encodeUtPex(m),
    seeds: () => [
      encodeUtPex({
        added: [
          { host: '127.0.0.1', port: 6881, flags: 0x12 },
          { host: '10.0.0.9', port: 1, flags: 0 },
        ],
        dropped: [{ host: '127.0.0.3', port: 80 }],
      }),
      encodeUtPex({
        added: [{ host: '::1', port: 6881, flags: 1 }],
        dropped: [{ host: 'fe80::9', port: 2 }],
      }),
      encodeUtPex({ added: [], dropped: [] }),
    ],
  },
  {
    name: 'lsd',
    what: 'BEP 14 BT-SEARCH datagrams: decodeLsdAnnounce (src-main/protocol/lan/lsd-message.ts)',
    errors: 'ProtocolError',
    decode: (b) => decodeLsdAnnounce(b),
    codecError: protocolError,
    encode: (m: LsdAnnounce) => encodeLsdAnnounce(m),
    seeds: () => [
      encodeLsdAnnounce({
        host: '239.192.152.143:6771',
        port: 6881,
        infoHashes: ['aa'.repeat(20)],
        cookie: 'c0ffee',
      }),
      encodeLsdAnnounce({
        host: '[ff15::efc0:988f]:6771',
        port: 51413,
        infoHashes: ['0123456789abcdef0123456789abcdef01234567', 'bb'.repeat(20)],
      }),
    ],
  },
  {
    name: 'nearby',
    what: 'LAN catalog datagrams: decodeNearbyMessage (src-main/protocol/lan/nearby-message.ts)',
    errors: 'ProtocolError',
    decode: (b) => decodeNearbyMessage(b),
    codecError: protocolError,
    encode: (m: NearbyMessage) => encodeNearbyMessage(m),
    seeds: () => [
      encodeNearbyMessage({
        type: 'announce',
        instanceId: '0102030405060708',
        who: 'alice-laptop',
        peerPort: 6881,
        revision: 2,
        page: 0,
        pageCount: 2,
        shares: [
          { infoHashHex: 'aa'.repeat(20), name: 'holiday photos é', totalBytes: 123456789 },
          { infoHashHex: 'bb'.repeat(20), name: 'x', totalBytes: 0 },
        ],
      }),
      encodeNearbyMessage({ type: 'query', instanceId: 'ffeeddccbbaa9988' }),
      encodeNearbyMessage({ type: 'bye', instanceId: 'ffeeddccbbaa9988' }),
    ],
  },
  {
    name: 'wire-message',
    what: 'one peer wire message: decodeMessage (src-main/protocol/wire/messages.ts)',
    errors: 'ProtocolError',
    decode: (b) => decodeMessage(b),
    codecError: protocolError,
    encode: (m: WireMessage) => encodeMessage(m),
    seeds: () => wireMessages.map(encodeMessage),
  },
  {
    name: 'wire-stream',
    what: 'a peer connection: handshake then messages through WireDecoder in uneven chunks (src-main/protocol/wire/wire-decoder.ts)',
    errors: 'ProtocolError',
    decode: decodeWireStream,
    codecError: protocolError,
    seeds: () => [
      concatBytes(encodeHandshake(handshake), ...wireMessages.map(encodeMessage)),
      concatBytes(
        encodeHandshake(handshake),
        encodeMessage({ type: 'piece', index: 0, begin: 0, block: bytesOf(300, 1) }),
      ),
    ],
  },
  {
    name: 'mse-responder',
    what: 'Message Stream Encryption as the answering side: Ya, PadA, req1..3, crypto_provide, PadC, IA (src-main/protocol/mse/mse-handshake.ts)',
    errors: 'MseError (or ProtocolError truncated: the handshake did not finish)',
    decode: decodeMseResponder,
    codecError: (err) => (isMseError(err) ? { name: 'MseError', code: err.code } : protocolError(err)),
    seeds: () => [
      mseInitiatorBytes(CRYPTO_RC4 | CRYPTO_PLAINTEXT),
      mseInitiatorBytes(CRYPTO_RC4, utf8('\x13BitTorrent protocol')),
      mseInitiatorBytes(CRYPTO_PLAINTEXT),
    ],
  },
  {
    name: 'handshake',
    what: 'BEP 3 handshake: decodeHandshake (src-main/protocol/wire/handshake.ts)',
    errors: 'ProtocolError',
    decode: (b) => decodeHandshake(b),
    codecError: protocolError,
    encode: (h: Handshake) => encodeHandshake(h),
    seeds: () => [encodeHandshake(handshake), encodeHandshake({ ...handshake, reserved: bytesOf(8, 0) })],
  },
  {
    name: 'utp-packet',
    what: 'BEP 29 uTP packets: decodeUtpPacket (src-main/protocol/utp/utp-header.ts)',
    errors: 'ProtocolError',
    decode: (b) => decodeUtpPacket(b),
    codecError: protocolError,
    encode: (p: UtpPacket) => encodeUtpPacket(p),
    generate: randomUtpPacket,
    seeds: () => [
      encodeUtpPacket(utpPacket(4, null, new Uint8Array(0))),
      encodeUtpPacket(utpPacket(2, Uint8Array.of(0b1011, 0, 0, 0x80), new Uint8Array(0))),
      encodeUtpPacket(utpPacket(0, null, bytesOf(60, 0x13))),
      encodeUtpPacket(utpPacket(1, bytesOf(32, 0xff), new Uint8Array(0))),
      // an unknown extension (2, 8 bytes) in front of a selective ack, then payload
      Uint8Array.from([
        0x01,
        2,
        0x12,
        0x34,
        ...bytesOf(16, 7),
        1,
        8,
        ...bytesOf(8, 0),
        0,
        4,
        1,
        2,
        3,
        4,
        0x13,
        0x13,
      ]),
    ],
  },
  {
    name: 'udp-tracker-request',
    what: 'BEP 15 requests incl. catalog: decodeTrackerRequest (src-main/protocol/udp-tracker/udp-tracker-packet.ts)',
    errors: 'ProtocolError',
    decode: (b) => decodeTrackerRequest(b),
    codecError: protocolError,
    encode: encodeTrackerRequest,
    seeds: () => udpRequests.map(encodeTrackerRequest),
  },
  {
    name: 'udp-tracker-response',
    what: 'BEP 15 responses incl. catalog: decodeTrackerResponse; byte 0 picks IPv4/IPv6 (src-main/protocol/udp-tracker/udp-tracker-packet.ts)',
    errors: 'ProtocolError',
    decode: (b) => {
      if (b.length === 0) throw new ProtocolError('truncated', 'no selector byte');
      return { family: familyOf(b[0]!), response: decodeTrackerResponse(b.subarray(1), familyOf(b[0]!)) };
    },
    codecError: protocolError,
    encode: (r: { family: IpFamily; response: TrackerResponse }) =>
      withSelector(r.family === 6 ? 1 : 0, encodeTrackerResponse(r.response, r.family)),
    seeds: () => [
      ...udpResponses.map((r) => withSelector(0, encodeTrackerResponse(r, 4))),
      ...udpResponses6.map((r) => withSelector(1, encodeTrackerResponse(r, 6))),
    ],
  },
  {
    name: 'catalog',
    what: 'catalog list/publish requests and responses, each decoder on its own; byte 0 picks which (src-main/protocol/udp-tracker/catalog-*.ts)',
    errors: 'ProtocolError',
    decode: decodeCatalogPacket,
    codecError: protocolError,
    encode: encodeCatalogPacket,
    seeds: () => [
      encodeCatalogPacket({
        kind: 'list-request',
        packet: { connectionId: 9n, transactionId: 1, offset: 10, maxEntries: 20, query: 'holiday é' },
      }),
      encodeCatalogPacket({
        kind: 'list-response',
        packet: {
          transactionId: 1,
          totalMatches: 3,
          offset: 0,
          entries: [listing, { ...listing, name: 'ü'.repeat(40) }],
        },
      }),
      encodeCatalogPacket({
        kind: 'publish-request',
        packet: {
          connectionId: 9n,
          transactionId: 2,
          entry: { infoHash: HASH_A, name: 'x', totalSizeBytes: 1, fileCount: 1 },
        },
      }),
      encodeCatalogPacket({ kind: 'publish-response', packet: { transactionId: 2, status: 'updated' } }),
    ],
  },
  {
    name: 'http-tracker-announce',
    what: 'HTTP tracker announce bodies: parseAnnounceResponse (src-main/tracker/client/http-tracker-client.ts)',
    errors: 'ProtocolError, TrackerError',
    decode: (b) => parseAnnounceResponse(b),
    codecError: protocolOrTrackerError,
    seeds: () => [
      bencode({
        interval: 1800,
        'min interval': 60,
        complete: 5,
        incomplete: 2,
        peers: Uint8Array.of(127, 0, 0, 1, 0x1a, 0xe1),
        peers6: bytesOf(18, 1),
      }),
      bencode({
        interval: 60,
        peers: [
          { ip: '127.0.0.1', port: 6881, 'peer id': PEER_ID },
          { ip: '::1', port: 1 },
        ],
        'warning message': 'slow down',
      }),
      bencode({ 'failure reason': 'unregistered torrent' }),
    ],
  },
  {
    name: 'http-tracker-scrape',
    what: 'HTTP tracker scrape bodies (binary info-hash keys): parseScrapeResponse (src-main/tracker/client/http-tracker-client.ts)',
    errors: 'ProtocolError, TrackerError',
    decode: (b) => parseScrapeResponse(b, [HASH_A, HASH_B]),
    codecError: protocolOrTrackerError,
    seeds: () => [
      bencode({
        files: new Map([
          [Buffer.from(HASH_A).toString('latin1'), { complete: 4, downloaded: 5, incomplete: 6 }],
        ]),
      }),
      bencode({
        files: new Map([
          [Buffer.from(HASH_B).toString('latin1'), { complete: 1 }],
          ['__proto__', { complete: 9 }],
        ]),
      }),
    ],
  },
  {
    name: 'http-tracker-request',
    what: 'HTTP tracker request queries: decodeHttpAnnounceQuery / decodeHttpScrapeQuery; byte 0 picks which, the rest is the query read as latin1 (src-main/protocol/http-tracker/http-tracker-request.ts)',
    errors: 'ProtocolError',
    decode: (b) => {
      if (b.length === 0) throw new ProtocolError('truncated', 'no selector byte');
      const query = Buffer.from(b.buffer, b.byteOffset + 1, b.length - 1).toString('latin1');
      return (b[0]! & 1) === 0 ? decodeHttpAnnounceQuery(query) : decodeHttpScrapeQuery(query);
    },
    codecError: protocolError,
    seeds: () => {
      const escaped = (bytes: Uint8Array) =>
        [...bytes].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('');
      return [
        withSelector(
          0,
          utf8(
            `info_hash=${escaped(HASH_A)}&peer_id=-SD0100-abcdefghijkl&port=6881&uploaded=0&downloaded=10&left=20&event=started&numwant=50&compact=1&key=deadbeef&ip=10.0.0.1`,
          ),
        ),
        withSelector(
          0,
          utf8(
            `peer_id=${escaped(PEER_ID)}&info_hash=${escaped(HASH_B)}&port=1&uploaded=1&downloaded=2&left=0&event=&no_peer_id=1`,
          ),
        ),
        withSelector(1, utf8(`info_hash=${escaped(HASH_A)}&info_hash=${escaped(HASH_B)}`)),
      ];
    },
  },
  {
    name: 'resume-record',
    what: 'resume records (JSON, v0–v3): parseVersionedJson + migrateResume (src-main/engine/resume/)',
    errors: 'VersionedDataError',
    decode: (b) => parseVersionedJson(text(b), migrateResume, 'resume'),
    codecError: versionedDataError,
    encode: (r: ResumeRecord) => utf8(JSON.stringify(r)),
    seeds: () => [
      utf8(
        JSON.stringify({
          ...resumeV2,
          version: 3,
          roots: [
            { name: 'a.bin', path: '/home/u/a.bin' },
            { name: 'photos', path: '/srv/photos' },
          ],
        }),
      ),
      utf8(JSON.stringify(resumeV2)),
      utf8(JSON.stringify({ ...resumeV1Fields, version: 1 })),
      utf8(JSON.stringify(resumeV0, null, 2)),
    ],
  },
  {
    name: 'settings',
    what: 'settings.json: parseVersionedJson + migrateSettings (src-main/service/settings-store.ts)',
    errors: 'VersionedDataError',
    decode: decodeSettings,
    codecError: versionedDataError,
    encode: (s: Settings) => utf8(JSON.stringify({ version: SETTINGS_VERSION, settings: s })),
    seeds: () => {
      const { embeddedTracker: _replaced, ...rest } = SETTINGS_DEFAULTS;
      return [
        utf8(
          JSON.stringify({
            version: SETTINGS_VERSION,
            settings: { ...SETTINGS_DEFAULTS, trackers: ['udp://127.0.0.1:6969'], theme: 'dark' },
          }),
        ),
        utf8(
          JSON.stringify(
            { version: 1, settings: { ...rest, embeddedTracker: { enabled: false, port: 7000 } } },
            null,
            2,
          ),
        ),
        utf8('{"version":2,"settings":{"__proto__":{"peerPort":1},"peerPort":6882}}'),
      ];
    },
  },
  {
    name: 'dht-state',
    what: 'the saved DHT routing table (JSON): parseVersionedJson + migrateDhtState (src-main/engine/dht/)',
    errors: 'VersionedDataError',
    decode: (b) => parseVersionedJson(text(b), migrateDhtState, 'dht'),
    codecError: versionedDataError,
    encode: (state: DhtState) => utf8(JSON.stringify(dhtStateDocument(state))),
    seeds: () => [
      utf8(
        JSON.stringify({
          version: 1,
          nodeId: 'ab'.repeat(20),
          nodes: [
            { host: '127.0.0.1', port: 6881, id: '01'.repeat(20) },
            { host: '192.0.2.7', port: 51413, id: 'fe'.repeat(20) },
          ],
        }),
      ),
      utf8('{"version":1,"nodeId":"' + '0'.repeat(40) + '","nodes":[]}'),
      utf8('{"version":1,"nodeId":"' + 'f'.repeat(40) + '","nodes":[{"host":"::1","port":1},7,null]}'),
    ],
  },
];

export const targetNamed = (name: string): FuzzTarget | undefined => TARGETS.find((t) => t.name === name);
