import { describe, expect, it } from 'vitest';
import {
  decodeScrapeRequest,
  decodeScrapeResponse,
  encodeScrapeRequest,
  encodeScrapeResponse,
  MAX_SCRAPE_HASHES,
  MAX_SCRAPE_REQUEST_BYTES,
  oversizedScrapeHeader,
} from './scrape.ts';

const code = (c: string) => expect.objectContaining({ name: 'ProtocolError', code: c });
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const hash = (v: number) => new Uint8Array(20).fill(v);

describe('scrape (BEP 15)', () => {
  it('encodes and decodes a request', () => {
    const req = { connectionId: 5n, transactionId: 9, infoHashes: [hash(1), hash(2)] };
    const enc = encodeScrapeRequest(req);
    expect(hex(enc)).toBe('0000000000000005' + '00000002' + '00000009' + '01'.repeat(20) + '02'.repeat(20));
    expect(decodeScrapeRequest(enc)).toEqual(req);
  });

  it('encodes and decodes a response', () => {
    const res = { transactionId: 9, torrents: [{ seeders: 1, completed: 2, leechers: 3 }] };
    const enc = encodeScrapeResponse(res);
    expect(hex(enc)).toBe('00000002' + '00000009' + '00000001' + '00000002' + '00000003');
    expect(decodeScrapeResponse(enc)).toEqual(res);
  });

  it('refuses malformed requests', () => {
    const enc = encodeScrapeRequest({ connectionId: 5n, transactionId: 9, infoHashes: [hash(1)] });
    expect(() => decodeScrapeRequest(enc.subarray(0, 35))).toThrow(code('truncated'));
    expect(() => decodeScrapeRequest(new Uint8Array([...enc, 1, 2]))).toThrow(code('bad-value'));
    expect(() => decodeScrapeRequest(new Uint8Array(16 + 70 * 20))).toThrow(code('too-large'));
    expect(() => encodeScrapeRequest({ connectionId: 5n, transactionId: 9, infoHashes: [] })).toThrow(
      code('bad-value'),
    );
    expect(() =>
      encodeScrapeRequest({
        connectionId: 5n,
        transactionId: 9,
        infoHashes: Array.from({ length: MAX_SCRAPE_HASHES + 1 }, () => hash(0)),
      }),
    ).toThrow(code('too-large'));
  });

  it('a request of the most hashes it allows fits in 1400 bytes and decodes', () => {
    const infoHashes = Array.from({ length: MAX_SCRAPE_HASHES }, (_, i) => hash(i));
    const enc = encodeScrapeRequest({ connectionId: 5n, transactionId: 9, infoHashes });
    expect(enc.length).toBe(MAX_SCRAPE_REQUEST_BYTES);
    expect(enc.length).toBeLessThanOrEqual(1400);
    expect(decodeScrapeRequest(enc).infoHashes).toEqual(infoHashes);
    expect(oversizedScrapeHeader(enc)).toBeUndefined();
  });

  it('reads only the header of an oversized scrape request, so it can be refused', () => {
    // 74 hashes, as BEP 15's "about 74" suggests: 1496 bytes.
    const big = new Uint8Array(16 + 74 * 20);
    const view = new DataView(big.buffer);
    view.setBigUint64(0, 0x0102030405060708n);
    view.setUint32(8, 2);
    view.setUint32(12, 77);
    expect(oversizedScrapeHeader(big)).toEqual({ connectionId: 0x0102030405060708n, transactionId: 77 });
    view.setUint32(8, 1); // an announce this long is not a scrape
    expect(oversizedScrapeHeader(big)).toBeUndefined();
  });

  it('refuses malformed responses', () => {
    const enc = encodeScrapeResponse({
      transactionId: 9,
      torrents: [{ seeders: 1, completed: 2, leechers: 3 }],
    });
    expect(() => decodeScrapeResponse(enc.subarray(0, 19))).toThrow(code('bad-value'));
    expect(() => decodeScrapeResponse(enc.subarray(0, 7))).toThrow(code('truncated'));
  });
});
