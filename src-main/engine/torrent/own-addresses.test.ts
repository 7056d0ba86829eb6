import { describe, expect, it } from 'vitest';
import { knownOwnAddresses, ownAddressFields } from './own-addresses.ts';

describe('own addresses for BEP 10 ipv4/ipv6', () => {
  it('keeps IP literals in order, normalised, without wildcards, names or duplicates', () => {
    expect(
      knownOwnAddresses([
        '192.0.2.7',
        undefined,
        '0.0.0.0',
        '::',
        'peers.example',
        '2001:DB8:0:0::7',
        '::ffff:192.0.2.7',
        '',
      ]),
    ).toEqual(['192.0.2.7', '2001:db8::7']);
  });

  it('knows nothing when the peer server binds the wildcard and no announce address is set', () => {
    expect(knownOwnAddresses([undefined, '::'])).toEqual([]);
    expect(ownAddressFields([], '198.51.100.4')).toEqual({});
  });

  it('gives the first address of each family', () => {
    expect(ownAddressFields(['192.0.2.7', '198.51.100.9', '2001:db8::7'], '198.51.100.4')).toEqual({
      ipv4: Uint8Array.of(192, 0, 2, 7),
      ipv6: Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 7),
    });
  });

  it('tells a loopback address only to a peer on loopback', () => {
    expect(ownAddressFields(['127.0.0.1'], '127.0.0.1')).toEqual({ ipv4: Uint8Array.of(127, 0, 0, 1) });
    expect(ownAddressFields(['127.0.0.1'], '::ffff:127.0.0.2')).toEqual({
      ipv4: Uint8Array.of(127, 0, 0, 1),
    });
    expect(ownAddressFields(['127.0.0.1', '::1'], '198.51.100.4')).toEqual({});
    expect(ownAddressFields(['::1', '192.0.2.7'], 'not-an-address')).toEqual({
      ipv4: Uint8Array.of(192, 0, 2, 7),
    });
  });
});
