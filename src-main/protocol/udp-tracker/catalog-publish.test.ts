import { describe, expect, it } from 'vitest';
import {
  decodeCatalogPublishRequest,
  decodeCatalogPublishResponse,
  encodeCatalogPublishRequest,
  encodeCatalogPublishResponse,
  type CatalogPublishRequest,
} from './catalog-publish.ts';

const code = (c: string) => expect.objectContaining({ name: 'ProtocolError', code: c });
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const req: CatalogPublishRequest = {
  connectionId: 0x0102030405060708n,
  transactionId: 0x11223344,
  entry: { infoHash: new Uint8Array(20).fill(0xab), name: 'ab', totalSizeBytes: 1024, fileCount: 3 },
};

describe('catalog publish', () => {
  it('encodes the request as documented in docs/PROTOCOL.md', () => {
    expect(hex(encodeCatalogPublishRequest(req))).toBe(
      '0102030405060708' +
        '53440001' +
        '11223344' +
        'ab'.repeat(20) +
        '0000000000000400' +
        '00000003' +
        '02' +
        '6162',
    );
  });

  it('round-trips requests with UTF-8 names up to 255 bytes', () => {
    for (const name of ['ab', 'Ünïcødé 🎵.flac', 'x'.repeat(255)]) {
      const r = { ...req, entry: { ...req.entry, name } };
      expect(decodeCatalogPublishRequest(encodeCatalogPublishRequest(r))).toEqual(r);
    }
  });

  it('refuses bad names when encoding', () => {
    expect(() => encodeCatalogPublishRequest({ ...req, entry: { ...req.entry, name: '' } })).toThrow(
      code('bad-value'),
    );
    expect(() =>
      encodeCatalogPublishRequest({ ...req, entry: { ...req.entry, name: 'x'.repeat(256) } }),
    ).toThrow(code('too-large'));
    expect(() => encodeCatalogPublishRequest({ ...req, entry: { ...req.entry, name: 'a\nb' } })).toThrow(
      code('bad-value'),
    );
  });

  it('refuses malformed requests', () => {
    const enc = encodeCatalogPublishRequest(req);
    expect(() => decodeCatalogPublishRequest(enc.subarray(0, 50))).toThrow(code('truncated'));
    expect(() => decodeCatalogPublishRequest(enc.subarray(0, 48))).toThrow(code('truncated'));
    expect(() => decodeCatalogPublishRequest(new Uint8Array([...enc, 0]))).toThrow(code('bad-value'));
    expect(() => decodeCatalogPublishRequest(new Uint8Array(400))).toThrow(code('too-large'));
    const badUtf8 = enc.slice();
    badUtf8[49] = 0xff;
    expect(() => decodeCatalogPublishRequest(badUtf8)).toThrow(code('bad-value'));
    const control = enc.slice();
    control[49] = 0x07;
    expect(() => decodeCatalogPublishRequest(control)).toThrow(code('bad-value'));
    const empty = enc.slice(0, 49);
    empty[48] = 0;
    expect(() => decodeCatalogPublishRequest(empty)).toThrow(code('truncated'));
    const huge = enc.slice();
    huge.set([0x00, 0x20, 0, 0, 0, 0, 0, 0], 36); // 2^53
    expect(() => decodeCatalogPublishRequest(huge)).toThrow(code('bad-value'));
  });

  it('round-trips the response and refuses bad status', () => {
    const enc = encodeCatalogPublishResponse({ transactionId: 5, status: 'updated' });
    expect(hex(enc)).toBe('53440001' + '00000005' + '01');
    expect(decodeCatalogPublishResponse(enc)).toEqual({ transactionId: 5, status: 'updated' });
    const bad = enc.slice();
    bad[8] = 2;
    expect(() => decodeCatalogPublishResponse(bad)).toThrow(code('bad-value'));
    expect(() => decodeCatalogPublishResponse(enc.subarray(0, 8))).toThrow(code('truncated'));
  });
});
