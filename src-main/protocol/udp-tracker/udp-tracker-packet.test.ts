import { describe, expect, it } from 'vitest';
import { encodeAnnounceRequest } from './announce.ts';
import { encodeAnnounceResponse } from './announce-test-support.ts';
import { encodeCatalogListRequest } from './catalog-list.ts';
import { encodeCatalogPublishRequest } from './catalog-publish.ts';
import { encodeConnectRequest, encodeConnectResponse } from './connect.ts';
import { encodeErrorResponse } from './error-response.ts';
import { ProtocolError } from '../protocol-error.ts';
import { encodeScrapeRequest } from './scrape.ts';
import { decodeTrackerRequest, decodeTrackerResponse, peekResponseHeader } from './udp-tracker-packet.ts';
import { mulberry32 } from '../../../src-shared/util/mulberry32.ts';

const code = (c: string) => expect.objectContaining({ name: 'ProtocolError', code: c });
const hash = new Uint8Array(20).fill(1);

const validRequests = [
  encodeConnectRequest({ transactionId: 1 }),
  encodeAnnounceRequest({
    connectionId: 2n,
    transactionId: 3,
    infoHash: hash,
    peerId: hash,
    downloaded: 0,
    left: 0,
    uploaded: 0,
    event: 'none',
    ip: null,
    key: 0,
    numWant: -1,
    port: 1,
  }),
  encodeScrapeRequest({ connectionId: 2n, transactionId: 3, infoHashes: [hash] }),
  encodeCatalogPublishRequest({
    connectionId: 2n,
    transactionId: 3,
    entry: { infoHash: hash, name: 'n', totalSizeBytes: 1, fileCount: 1 },
  }),
  encodeCatalogListRequest({ connectionId: 2n, transactionId: 3, offset: 0, maxEntries: 0, query: 'q' }),
];

describe('request/response dispatch', () => {
  it('dispatches every request kind on its action', () => {
    expect(validRequests.map((r) => decodeTrackerRequest(r).action)).toEqual([
      'connect',
      'announce',
      'scrape',
      'catalog-publish',
      'catalog-list',
    ]);
  });

  it('dispatches responses and reads the header', () => {
    const conn = encodeConnectResponse({ transactionId: 4, connectionId: 5n });
    expect(decodeTrackerResponse(conn, 4)).toEqual({
      action: 'connect',
      response: { transactionId: 4, connectionId: 5n },
    });
    expect(peekResponseHeader(conn)).toEqual({ action: 0, transactionId: 4 });
    const err = encodeErrorResponse({ transactionId: 6, message: 'x' });
    expect(decodeTrackerResponse(err, 4).action).toBe('error');
    const ann = encodeAnnounceResponse(
      { transactionId: 1, intervalSec: 1, leechers: 0, seeders: 0, peers: [] },
      6,
    );
    expect(decodeTrackerResponse(ann, 6).action).toBe('announce');
  });

  it('refuses short, oversized and unknown datagrams', () => {
    expect(() => decodeTrackerRequest(new Uint8Array(15))).toThrow(code('truncated'));
    expect(() => decodeTrackerRequest(new Uint8Array(1473))).toThrow(code('too-large'));
    const unknown = new Uint8Array(16);
    unknown[11] = 4;
    expect(() => decodeTrackerRequest(unknown)).toThrow(code('unknown-message'));
    expect(() => decodeTrackerResponse(new Uint8Array(7), 4)).toThrow(code('truncated'));
    expect(() => decodeTrackerResponse(new Uint8Array([0, 0, 0, 9, 0, 0, 0, 0]), 4)).toThrow(
      code('unknown-message'),
    );
  });

  it('fuzz: random and mutated datagrams either decode or throw a ProtocolError', () => {
    const random = mulberry32(42);
    const byte = () => Math.floor(random() * 256);
    let decoded = 0;
    for (let i = 0; i < 20_000; i++) {
      let input: Uint8Array;
      const base = validRequests[i % validRequests.length] ?? new Uint8Array(0);
      switch (i % 4) {
        case 0:
          input = Uint8Array.from({ length: Math.floor(random() * 120) }, byte);
          break;
        case 1: // flip a few bytes
          input = base.slice();
          for (let k = 0; k < 3; k++) input[Math.floor(random() * input.length)] = byte();
          break;
        case 2: // truncate
          input = base.slice(0, Math.floor(random() * base.length));
          break;
        default: // extend
          input = new Uint8Array([...base, ...Array.from({ length: 1 + Math.floor(random() * 40) }, byte)]);
      }
      for (const decode of [decodeTrackerRequest, (b: Uint8Array) => decodeTrackerResponse(b, 4)]) {
        try {
          decode(input);
          decoded++;
        } catch (err) {
          if (!(err instanceof ProtocolError)) throw err;
        }
      }
    }
    expect(decoded).toBeGreaterThan(0);
  });
});
