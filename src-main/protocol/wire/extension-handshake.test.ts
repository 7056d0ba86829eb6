import { describe, expect, it } from 'vitest';
import { bencode } from '../bencode.ts';
import { decodeExtensionHandshake, encodeExtensionHandshake } from './extension-handshake.ts';
import { ProtocolError } from '../protocol-error.ts';
import { mulberry32 } from '../../../src-shared/util/mulberry32.ts';
import { ascii, expectProtocolError, randomBytes } from './wire-test-helpers.ts';

describe('extension handshake (BEP 10)', () => {
  it('decodes the BEP 10 example dict', () => {
    const h = decodeExtensionHandshake(
      ascii('d1:md11:LT_metadatai1e6:ut_pexi2ee1:pi6881e1:v13:\u00b5Torrent 1.2e'),
    );
    expect(h.m).toEqual({ LT_metadata: 1, ut_pex: 2 });
    expect(h.p).toBe(6881);
    expect(h.v).toBe('µTorrent 1.2');
  });

  it('round-trips every field', () => {
    const h = {
      m: { ut_metadata: 1, ut_pex: 0 },
      metadataSizeBytes: 31235,
      v: 'Swarmdrop 0.1.0',
      p: 51413,
      reqq: 500,
      yourIp: Uint8Array.of(127, 0, 0, 1),
      ipv4: Uint8Array.of(192, 0, 2, 7),
      ipv6: Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 7),
      uploadOnly: true,
      utpMaxDatagramBytes: 65507,
    };
    const bytes = encodeExtensionHandshake(h);
    expect(Buffer.from(bytes).toString('latin1')).toBe(
      'd4:ipv44:\xc0\x00\x02\x074:ipv616:\x20\x01\x0d\xb8' +
        '\x00'.repeat(11) +
        '\x071:md11:ut_metadatai1e6:ut_pexi0ee13:metadata_sizei31235e1:pi51413e4:reqqi500e11:upload_onlyi1e16:utp_max_datagrami65507e1:v15:Swarmdrop 0.1.06:yourip4:\x7f\x00\x00\x01e',
    );
    expect(decodeExtensionHandshake(bytes)).toEqual(h);
  });

  it("reads a 16-byte yourip and the peer's own ipv4/ipv6 as libtorrent sends them", () => {
    const v6 = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    const h = decodeExtensionHandshake(
      bencode({ m: {}, yourip: v6, ipv4: Uint8Array.of(10, 0, 0, 2), ipv6: v6 }),
    );
    expect(h).toEqual({ m: {}, yourIp: v6, ipv4: Uint8Array.of(10, 0, 0, 2), ipv6: v6 });
  });

  it('treats a missing m as no extensions and ignores unknown keys', () => {
    expect(decodeExtensionHandshake(bencode({ foo: 'bar', e: 1 }))).toEqual({ m: {} });
  });

  it.each([
    ['m not a dict', bencode({ m: 5, p: 1 }), { m: {}, p: 1 }],
    ['m id out of range', bencode({ m: { ut_pex: 256, ut_metadata: 3 } }), { m: { ut_metadata: 3 } }],
    ['negative m id', bencode({ m: { ut_pex: -1 } }), { m: {} }],
    ['m id as string', bencode({ m: { ut_pex: '2' } }), { m: {} }],
    ['metadata_size huge', bencode({ m: {}, metadata_size: 1e9 }), { m: {} }],
    ['metadata_size zero', bencode({ m: {}, metadata_size: 0 }), { m: {} }],
    ['p as string', bencode({ m: {}, p: 'x' }), { m: {} }],
    ['p out of range', bencode({ m: {}, p: 70_000, reqq: -5 }), { m: {} }],
    ['v as integer', bencode({ m: {}, v: 12 }), { m: {} }],
    ['yourip of 5 bytes', bencode({ m: {}, yourip: new Uint8Array(5) }), { m: {} }],
    ['ipv4 of 16 bytes', bencode({ m: {}, ipv4: new Uint8Array(16) }), { m: {} }],
    ['ipv6 of 4 bytes', bencode({ m: {}, ipv6: new Uint8Array(4) }), { m: {} }],
    ['ipv4 as integer', bencode({ m: {}, ipv4: 167772162 }), { m: {} }],
    ['ipv6 as a list', bencode({ m: {}, ipv6: [1, 2] }), { m: {} }],
    ['ipv4 as dotted text', bencode({ m: {}, ipv4: '10.0.0.2' }), { m: {} }],
    ['upload_only as string', bencode({ m: {}, upload_only: 'yes' }), { m: {} }],
    ['utp_max_datagram below any path', bencode({ m: {}, utp_max_datagram: 100 }), { m: {} }],
    ['utp_max_datagram past UDP', bencode({ m: {}, utp_max_datagram: 70_000 }), { m: {} }],
    ['utp_max_datagram as string', bencode({ m: {}, utp_max_datagram: '65507' }), { m: {} }],
  ])('ignores a field it cannot use: %s', (_name, bytes, want) => {
    expect(decodeExtensionHandshake(bytes)).toEqual(want);
  });

  it.each([
    ['not a dict', bencode([1, 2]), 'bad-type'],
    ['truncated', ascii('d1:md11:ut_metadatai1e'), 'truncated'],
    ['oversized', new Uint8Array(70_000), 'too-large'],
    [
      'too many extensions',
      bencode({ m: Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`x${i}`, 1])) }),
      'too-large',
    ],
  ])('rejects %s', (_name, bytes, code) => {
    expectProtocolError(() => decodeExtensionHandshake(bytes as Uint8Array), code as never);
  });

  it('keeps an extension named __proto__ as an ordinary name, not a prototype', () => {
    const h = decodeExtensionHandshake(new TextEncoder().encode('d1:md9:__proto__i3e11:ut_metadatai1eee'));
    expect(Object.keys(h.m)).toEqual(['__proto__', 'ut_metadata']);
    expect(h.m['__proto__']).toBe(3);
    expect(h.m['toString']).toBeUndefined();
    expect(decodeExtensionHandshake(encodeExtensionHandshake(h)).m).toEqual(h.m);
  });
});

describe('extension handshake fuzz', () => {
  it('random and mutated handshakes decode or throw a ProtocolError, nothing else', () => {
    const random = mulberry32(0x5eed10);
    const valid = encodeExtensionHandshake({
      m: { ut_metadata: 1, ut_pex: 2 },
      metadataSizeBytes: 31235,
      v: 'Swarmdrop 0.1.0',
      p: 51413,
      reqq: 500,
      yourIp: Uint8Array.of(127, 0, 0, 1),
      ipv4: Uint8Array.of(192, 0, 2, 7),
      ipv6: new Uint8Array(16).fill(0xfe),
      utpMaxDatagramBytes: 65507,
    });
    let decoded = 0;
    for (let i = 0; i < 20_000; i++) {
      let input: Uint8Array;
      if (i % 2 === 0) {
        input = valid.slice();
        const flips = 1 + Math.floor(random() * 4);
        for (let f = 0; f < flips; f++)
          input[Math.floor(random() * input.length)] = Math.floor(random() * 256);
        if (random() < 0.2) input = input.subarray(0, Math.floor(random() * input.length));
      } else input = randomBytes(random, Math.floor(random() * 64));
      try {
        const h = decodeExtensionHandshake(input);
        for (const id of Object.values(h.m)) expect(id >= 0 && id <= 255).toBe(true);
        if (h.p !== undefined) expect(h.p >= 0 && h.p <= 0xffff).toBe(true);
        if (h.ipv4 !== undefined) expect(h.ipv4.length).toBe(4);
        if (h.ipv6 !== undefined) expect(h.ipv6.length).toBe(16);
        if (h.utpMaxDatagramBytes !== undefined)
          expect(h.utpMaxDatagramBytes >= 576 && h.utpMaxDatagramBytes <= 0xffff).toBe(true);
        decoded++;
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError);
      }
    }
    expect(decoded).toBeGreaterThan(100);
  });
});
