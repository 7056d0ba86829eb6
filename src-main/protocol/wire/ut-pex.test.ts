import { describe, expect, it } from 'vitest';
import { bencode } from '../bencode.ts';
import { PexFlags, decodeUtPex, encodeUtPex } from './ut-pex.ts';
import { expectProtocolError, hex } from './wire-test-helpers.ts';

describe('ut_pex (BEP 11)', () => {
  it('encodes compact IPv4 and IPv6 lists', () => {
    const bytes = encodeUtPex({
      added: [
        { host: '10.0.0.1', port: 6881, flags: PexFlags.seedOrUploadOnly },
        { host: '::1', port: 80, flags: 0 },
      ],
      dropped: [{ host: '192.168.1.2', port: 1 }],
    });
    const expected = bencode({
      added: hex('0a0000011ae1'),
      'added.f': Uint8Array.of(2),
      added6: hex('00000000000000000000000000000001' + '0050'),
      'added6.f': Uint8Array.of(0),
      dropped: hex('c0a801020001'),
    });
    expect(Buffer.from(bytes).equals(Buffer.from(expected))).toBe(true);
  });

  it('round-trips', () => {
    const msg = {
      added: [
        { host: '127.0.0.1', port: 51413, flags: PexFlags.reachable | PexFlags.supportsUtp },
        { host: '2001:db8::5', port: 6881, flags: 1 },
      ],
      dropped: [
        { host: '127.0.0.2', port: 1 },
        { host: 'fe80::1', port: 2 },
      ],
    };
    expect(decodeUtPex(encodeUtPex(msg))).toEqual(msg);
  });

  it('a full message as PexSender sends it (50 added and 50 dropped per family) decodes', () => {
    const v4 = (i: number) => ({ host: `10.1.${i >> 8}.${i & 0xff}`, port: 1000 + i });
    const v6 = (i: number) => ({ host: `fd00::${(i + 1).toString(16)}`, port: 2000 + i });
    const n = Array.from({ length: 50 }, (_, i) => i);
    const msg = {
      added: [...n.map((i) => ({ ...v4(i), flags: i & 0x1f })), ...n.map((i) => ({ ...v6(i), flags: 0x10 }))],
      dropped: [...n.map((i) => v4(i + 50)), ...n.map((i) => v6(i + 50))],
    };
    expect(decodeUtPex(encodeUtPex(msg))).toEqual(msg);
  });

  it('defaults flags to 0 when added.f is missing or short', () => {
    expect(
      decodeUtPex(bencode({ added: hex('7f0000010001' + '7f0000020002'), 'added.f': Uint8Array.of(2) })),
    ).toEqual({
      added: [
        { host: '127.0.0.1', port: 1, flags: 2 },
        { host: '127.0.0.2', port: 2, flags: 0 },
      ],
      dropped: [],
    });
  });

  it.each([
    ['added not a multiple of 6', bencode({ added: new Uint8Array(7) }), 'bad-value'],
    ['added6 not a multiple of 18', bencode({ added6: new Uint8Array(20) }), 'bad-value'],
    ['added as an integer', bencode({ added: 5 }), 'bad-type'],
    ['too many peers', bencode({ added: new Uint8Array(6 * 201) }), 'too-large'],
    ['not a dict', bencode([]), 'bad-type'],
    ['oversized', new Uint8Array(70_000), 'too-large'],
  ])('rejects %s', (_name, bytes, code) => {
    expectProtocolError(() => decodeUtPex(bytes as Uint8Array), code as never);
  });
});
