import { describe, expect, it } from 'vitest';
import {
  decodeScrapeRequest,
  decodeScrapeResponse,
  encodeScrapeRequest,
  encodeScrapeResponse,
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
    expect(() => decodeScrapeRequest(new Uint8Array(16 + 75 * 20))).toThrow(code('too-large'));
    expect(() => encodeScrapeRequest({ connectionId: 5n, transactionId: 9, infoHashes: [] })).toThrow(
      code('bad-value'),
    );
    expect(() =>
      encodeScrapeRequest({
        connectionId: 5n,
        transactionId: 9,
        infoHashes: Array.from({ length: 75 }, () => hash(0)),
      }),
    ).toThrow(code('too-large'));
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
