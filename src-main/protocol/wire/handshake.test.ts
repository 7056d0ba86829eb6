import { describe, expect, it } from 'vitest';
import {
  HANDSHAKE_LENGTH_BYTES,
  decodeHandshake,
  encodeHandshake,
  makeReserved,
  supportsDht,
  supportsExtensionProtocol,
  supportsFastExtension,
} from './handshake.ts';
import { ascii, expectProtocolError, hex } from './wire-test-helpers.ts';

const infoHash = hex('0123456789abcdef0123456789abcdef01234567');
const peerId = ascii('-SD0100-abcdefghijkl');

describe('handshake (BEP 3)', () => {
  it('encodes the spec byte layout', () => {
    const reserved = makeReserved({ extensionProtocol: true, fastExtension: true, dht: true });
    const bytes = encodeHandshake({ reserved, infoHash, peerId });
    expect(bytes.length).toBe(HANDSHAKE_LENGTH_BYTES);
    expect(Buffer.from(bytes.subarray(0, 20)).toString('latin1')).toBe('\x13BitTorrent protocol');
    expect(Buffer.from(bytes.subarray(20, 28)).toString('hex')).toBe('0000000000100005');
    expect(bytes.subarray(28, 48)).toEqual(infoHash);
    expect(bytes.subarray(48, 68)).toEqual(peerId);
  });

  it('round-trips and reads the reserved bits', () => {
    const h = decodeHandshake(
      encodeHandshake({ reserved: makeReserved({ extensionProtocol: true }), infoHash, peerId }),
    );
    expect(h.infoHash).toEqual(infoHash);
    expect(h.peerId).toEqual(peerId);
    expect(supportsExtensionProtocol(h.reserved)).toBe(true);
    expect(supportsFastExtension(h.reserved)).toBe(false);
    expect(supportsDht(h.reserved)).toBe(false);
    const all = makeReserved({ fastExtension: true, dht: true });
    expect([supportsExtensionProtocol(all), supportsFastExtension(all), supportsDht(all)]).toEqual([
      false,
      true,
      true,
    ]);
  });

  it('rejects a truncated handshake', () => {
    const bytes = encodeHandshake({ reserved: new Uint8Array(8), infoHash, peerId });
    expectProtocolError(() => decodeHandshake(bytes.subarray(0, 67)), 'truncated');
  });

  it('rejects a wrong pstrlen or protocol string', () => {
    const bytes = encodeHandshake({ reserved: new Uint8Array(8), infoHash, peerId });
    const badLen = bytes.slice();
    badLen[0] = 18;
    expectProtocolError(() => decodeHandshake(badLen), 'bad-value');
    const badStr = bytes.slice();
    badStr[5] = 0x78;
    expectProtocolError(() => decodeHandshake(badStr), 'bad-value');
    expectProtocolError(() => decodeHandshake(ascii('GET / HTTP/1.1\r\n')), 'bad-value');
  });

  it('rejects trailing bytes', () => {
    const bytes = encodeHandshake({ reserved: new Uint8Array(8), infoHash, peerId });
    expectProtocolError(() => decodeHandshake(Uint8Array.from([...bytes, 0])), 'too-large');
  });
});
