import { describe, expect, it } from 'vitest';
import { decodeCompactPeers, encodeCompactPeers } from './compact-peers.ts';

const code = (c: string) => expect.objectContaining({ name: 'ProtocolError', code: c });

describe('compact peers (BEP 23)', () => {
  it('encodes IPv4 peers as 4 address bytes + big-endian port', () => {
    const bytes = encodeCompactPeers([{ host: '10.0.0.1', port: 6881 }], 4);
    expect([...bytes]).toEqual([10, 0, 0, 1, 0x1a, 0xe1]);
    expect(decodeCompactPeers(bytes, 4)).toEqual([{ host: '10.0.0.1', port: 6881 }]);
  });

  it('encodes IPv6 peers as 16 address bytes + port', () => {
    const peers = [
      { host: '2001:db8::1', port: 1 },
      { host: '::1', port: 65535 },
    ];
    const bytes = encodeCompactPeers(peers, 6);
    expect(bytes.length).toBe(36);
    expect([...bytes.subarray(0, 4)]).toEqual([0x20, 0x01, 0x0d, 0xb8]);
    expect([...bytes.subarray(16, 18)]).toEqual([0, 1]);
    expect(decodeCompactPeers(bytes, 6)).toEqual(peers);
  });

  it('refuses lists that are not whole entries, and bad input', () => {
    expect(() => decodeCompactPeers(new Uint8Array(7), 4)).toThrow(code('bad-value'));
    expect(() => decodeCompactPeers(new Uint8Array(20), 6)).toThrow(code('bad-value'));
    expect(() => encodeCompactPeers([{ host: '::1', port: 1 }], 4)).toThrow(code('bad-value'));
    expect(() => encodeCompactPeers([{ host: '1.2.3.4', port: 70000 }], 4)).toThrow(code('bad-value'));
    expect(decodeCompactPeers(new Uint8Array(0), 4)).toEqual([]);
  });
});
