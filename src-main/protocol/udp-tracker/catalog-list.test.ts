import { describe, expect, it } from 'vitest';
import {
  catalogEntriesThatFit,
  decodeCatalogListRequest,
  decodeCatalogListResponse,
  encodeCatalogListRequest,
  encodeCatalogListResponse,
  type CatalogListing,
} from './catalog-list.ts';
import { MAX_RESPONSE_BYTES } from './udp-tracker-common.ts';

const code = (c: string) => expect.objectContaining({ name: 'ProtocolError', code: c });
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const listing = (name: string, v = 1): CatalogListing => ({
  infoHash: new Uint8Array(20).fill(v),
  name,
  totalSizeBytes: 2 ** 40,
  fileCount: 2,
  seeders: 3,
  leechers: 4,
  completed: 5,
});

describe('catalog list', () => {
  it('encodes the request as documented', () => {
    const enc = encodeCatalogListRequest({
      connectionId: 1n,
      transactionId: 2,
      offset: 3,
      maxEntries: 4,
      query: 'Hi',
    });
    expect(hex(enc)).toBe('0000000000000001' + '53440002' + '00000002' + '00000003' + '04' + '02' + '4869');
    expect(decodeCatalogListRequest(enc)).toEqual({
      connectionId: 1n,
      transactionId: 2,
      offset: 3,
      maxEntries: 4,
      query: 'Hi',
    });
  });

  it('cuts a long query to 255 bytes on a character boundary', () => {
    const enc = encodeCatalogListRequest({
      connectionId: 1n,
      transactionId: 2,
      offset: 0,
      maxEntries: 0,
      query: 'ü'.repeat(200),
    });
    expect(enc.length).toBe(22 + 254);
    expect(decodeCatalogListRequest(enc).query).toBe('ü'.repeat(127));
  });

  it('refuses malformed requests', () => {
    const enc = encodeCatalogListRequest({
      connectionId: 1n,
      transactionId: 2,
      offset: 3,
      maxEntries: 4,
      query: 'Hi',
    });
    expect(() => decodeCatalogListRequest(enc.subarray(0, 21))).toThrow(code('truncated'));
    expect(() => decodeCatalogListRequest(enc.subarray(0, 23))).toThrow(code('truncated'));
    expect(() => decodeCatalogListRequest(new Uint8Array([...enc, 0]))).toThrow(code('bad-value'));
    expect(() => decodeCatalogListRequest(new Uint8Array(300))).toThrow(code('too-large'));
    expect(() =>
      encodeCatalogListRequest({ connectionId: 1n, transactionId: 2, offset: 0, maxEntries: 256, query: '' }),
    ).toThrow(code('bad-value'));
  });

  it('encodes a response entry as documented', () => {
    const enc = encodeCatalogListResponse({
      transactionId: 9,
      totalMatches: 1,
      offset: 0,
      entries: [listing('a')],
    });
    expect(hex(enc)).toBe(
      '53440002' +
        '00000009' +
        '00000001' +
        '00000000' +
        '01' +
        '01'.repeat(20) +
        '0000010000000000' +
        '00000002' +
        '00000003' +
        '00000004' +
        '00000005' +
        '01' +
        '61',
    );
  });

  it('round-trips responses', () => {
    const res = {
      transactionId: 9,
      totalMatches: 40,
      offset: 10,
      entries: [listing('a', 1), listing('Bé', 2)],
    };
    expect(decodeCatalogListResponse(encodeCatalogListResponse(res))).toEqual(res);
  });

  it('fits entries under the datagram bound', () => {
    const long = Array.from({ length: 10 }, (_, i) => listing('x'.repeat(255), i));
    const n = catalogEntriesThatFit(long, 0);
    expect(n).toBe(4);
    const enc = encodeCatalogListResponse({
      transactionId: 1,
      totalMatches: 10,
      offset: 0,
      entries: long.slice(0, n),
    });
    expect(enc.length).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(() =>
      encodeCatalogListResponse({
        transactionId: 1,
        totalMatches: 10,
        offset: 0,
        entries: long.slice(0, n + 1),
      }),
    ).toThrow(code('too-large'));
    const short = Array.from({ length: 100 }, (_, i) => listing('s', i));
    expect(catalogEntriesThatFit(short, 0)).toBe(Math.floor((MAX_RESPONSE_BYTES - 17) / 46));
    expect(catalogEntriesThatFit(short, 3)).toBe(3);
  });

  it('refuses malformed responses', () => {
    const enc = encodeCatalogListResponse({
      transactionId: 9,
      totalMatches: 2,
      offset: 0,
      entries: [listing('ab', 1), listing('c', 2)],
    });
    expect(() => decodeCatalogListResponse(enc.subarray(0, enc.length - 1))).toThrow(code('truncated'));
    expect(() => decodeCatalogListResponse(enc.subarray(0, 17 + 30))).toThrow(code('truncated'));
    expect(() => decodeCatalogListResponse(new Uint8Array([...enc, 0]))).toThrow(code('bad-value'));
    expect(() => decodeCatalogListResponse(new Uint8Array(1500))).toThrow(code('too-large'));
    const moreCount = enc.slice();
    moreCount[16] = 3;
    expect(() => decodeCatalogListResponse(moreCount)).toThrow(code('truncated'));
  });
});
