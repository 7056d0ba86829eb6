import { describe, expect, it } from 'vitest';
import {
  ANNOUNCE_INFO_HASH_OFFSET,
  ANNOUNCE_PEER_ID_OFFSET,
  decodeAnnounceRequest,
  decodeAnnounceRequestInPlace,
  newAnnounceRequestInPlace,
  decodeAnnounceResponse,
  encodeAnnounceRequest,
  encodeAnnounceResponseCompact,
  maxPeersPerResponse,
  type AnnounceRequest,
} from './announce.ts';
import { encodeAnnounceResponse } from './announce-test-support.ts';
import { encodeCompactPeers } from './compact-peers.ts';

const code = (c: string) => expect.objectContaining({ name: 'ProtocolError', code: c });
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fill = (n: number, v: number) => new Uint8Array(n).fill(v);

const request: AnnounceRequest = {
  connectionId: 0x1122334455667788n,
  transactionId: 0x0a0b0c0d,
  infoHash: fill(20, 0xaa),
  peerId: fill(20, 0xbb),
  downloaded: 1,
  left: 2,
  uploaded: 3,
  event: 'started',
  ip: null,
  key: 0xcafebabe,
  numWant: -1,
  port: 6881,
};

// The 98 bytes of `request`, field by field (BEP 15 announce request table).
const requestHex =
  '1122334455667788' + // connection_id
  '00000001' + // action = announce
  '0a0b0c0d' + // transaction_id
  'aa'.repeat(20) + // info_hash
  'bb'.repeat(20) + // peer_id
  '0000000000000001' + // downloaded
  '0000000000000002' + // left
  '0000000000000003' + // uploaded
  '00000002' + // event = started
  '00000000' + // IP = default
  'cafebabe' + // key
  'ffffffff' + // num_want = -1
  '1ae1'; // port 6881

describe('announce (BEP 15)', () => {
  it('encodes the request byte for byte', () => {
    expect(hex(encodeAnnounceRequest(request))).toBe(requestHex);
  });

  it('round-trips requests, including the IP field and every event', () => {
    for (const event of ['none', 'completed', 'started', 'stopped'] as const) {
      const r = { ...request, event, ip: '192.0.2.7', numWant: 50, left: Number.MAX_SAFE_INTEGER };
      expect(decodeAnnounceRequest(encodeAnnounceRequest(r))).toEqual(r);
    }
  });

  it('accepts BEP 41 options after the fixed 98 bytes and ignores them', () => {
    const withOptions = new Uint8Array([
      ...encodeAnnounceRequest(request),
      0x02,
      0x09,
      ...Buffer.from('/announce'),
      0x00,
    ]);
    expect(decodeAnnounceRequest(withOptions)).toEqual(request);
  });

  it('saturates 64-bit counters above 2^53 rather than losing precision', () => {
    const bytes = encodeAnnounceRequest(request);
    bytes.set(fill(8, 0xff), 64); // left = 2^64-1 (some clients send -1 for "unknown")
    expect(decodeAnnounceRequest(bytes).left).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('reads counters exactly up to 2^53-1, across both 32-bit halves', () => {
    const at = (hex64: string) => {
      const bytes = encodeAnnounceRequest(request);
      bytes.set(Buffer.from(hex64, 'hex'), 56);
      return decodeAnnounceRequest(bytes).downloaded;
    };
    expect(at('00000000ffffffff')).toBe(0xffff_ffff);
    expect(at('0000000100000000')).toBe(2 ** 32);
    expect(at('001fffffffffffff')).toBe(Number.MAX_SAFE_INTEGER);
    expect(at('0020000000000000')).toBe(Number.MAX_SAFE_INTEGER); // 2^53: saturated
    expect(at('0000123456789abc')).toBe(0x1234_5678_9abc);
  });

  it('copies the hashes out of a node Buffer instead of aliasing it', () => {
    const datagram = Buffer.from(encodeAnnounceRequest(request));
    const decoded = decodeAnnounceRequest(datagram);
    datagram.fill(0);
    expect(decoded.infoHash).toEqual(request.infoHash);
    expect(decoded.peerId).toEqual(request.peerId);
  });

  it('refuses malformed requests', () => {
    const bytes = encodeAnnounceRequest(request);
    expect(() => decodeAnnounceRequest(bytes.subarray(0, 97))).toThrow(code('truncated'));
    expect(() => decodeAnnounceRequest(new Uint8Array(1473))).toThrow(code('too-large'));
    const badEvent = bytes.slice();
    badEvent[83] = 4;
    expect(() => decodeAnnounceRequest(badEvent)).toThrow(code('bad-value'));
    const badAction = bytes.slice();
    badAction[11] = 2;
    expect(() => decodeAnnounceRequest(badAction)).toThrow(code('unknown-message'));
  });

  it('decodes in place: the same fields, the hashes left in the datagram, nothing copied', () => {
    const bytes = encodeAnnounceRequest({ ...request, ip: '192.0.2.7' });
    const out = newAnnounceRequestInPlace();
    expect(decodeAnnounceRequestInPlace(bytes, out)).toBe(out);
    expect(out.bytes).toBe(bytes);
    const { infoHash, peerId, ...fields } = decodeAnnounceRequest(bytes);
    expect({ ...out, bytes: undefined }).toEqual({ ...fields, bytes: undefined });
    expect(bytes.subarray(ANNOUNCE_INFO_HASH_OFFSET, ANNOUNCE_INFO_HASH_OFFSET + 20)).toEqual(infoHash);
    expect(bytes.subarray(ANNOUNCE_PEER_ID_OFFSET, ANNOUNCE_PEER_ID_OFFSET + 20)).toEqual(peerId);
    // Reused for the next request, every field is overwritten (the IP field back to null).
    const next = encodeAnnounceRequest({ ...request, transactionId: 5, event: 'stopped', port: 1 });
    decodeAnnounceRequestInPlace(next, out);
    expect(out).toMatchObject({ bytes: next, transactionId: 5, event: 'stopped', port: 1, ip: null });
  });

  it('refuses the same malformed requests in place and leaves the reused request as it was', () => {
    const bytes = encodeAnnounceRequest(request);
    const out = decodeAnnounceRequestInPlace(bytes, newAnnounceRequestInPlace());
    const before = { ...out };
    const badEvent = bytes.slice();
    badEvent[83] = 4;
    const badAction = bytes.slice();
    badAction[11] = 2;
    const cases: [Uint8Array, string][] = [
      [bytes.subarray(0, 97), 'truncated'],
      [new Uint8Array(0), 'truncated'],
      [new Uint8Array(1473), 'too-large'],
      [badEvent, 'bad-value'],
      [badAction, 'unknown-message'],
    ];
    for (const [bad, c] of cases) {
      expect(() => decodeAnnounceRequestInPlace(bad, out)).toThrow(code(c));
      expect(out).toEqual(before);
      expect(out.bytes).toBe(bytes);
    }
  });

  it('fuzz: mutated requests decode in place exactly as decodeAnnounceRequest does, or both throw', () => {
    let state = 7;
    const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const base = encodeAnnounceRequest({ ...request, ip: '10.1.2.3' });
    const out = newAnnounceRequestInPlace();
    for (let i = 0; i < 2000; i++) {
      const length = random() < 0.1 ? Math.floor(random() * 1500) : 98 + Math.floor(random() * 4);
      const bytes = new Uint8Array(length);
      bytes.set(base.subarray(0, Math.min(length, 98)));
      for (let m = Math.floor(random() * 4); m > 0; m--)
        bytes[Math.floor(random() * length)] = Math.floor(random() * 256);
      let copied: ReturnType<typeof decodeAnnounceRequest> | Error;
      try {
        copied = decodeAnnounceRequest(bytes);
      } catch (err) {
        copied = err as Error;
      }
      if (copied instanceof Error) {
        expect(() => decodeAnnounceRequestInPlace(bytes, out)).toThrow(copied.message);
        continue;
      }
      const { infoHash: _h, peerId: _p, ...fields } = copied;
      expect({ ...decodeAnnounceRequestInPlace(bytes, out), bytes: undefined }).toEqual({
        ...fields,
        bytes: undefined,
      });
    }
  });

  it('refuses bad values when encoding', () => {
    expect(() => encodeAnnounceRequest({ ...request, infoHash: fill(19, 0) })).toThrow(code('bad-value'));
    expect(() => encodeAnnounceRequest({ ...request, peerId: fill(21, 0) })).toThrow(code('bad-value'));
    expect(() => encodeAnnounceRequest({ ...request, downloaded: -1 })).toThrow(code('bad-value'));
    expect(() => encodeAnnounceRequest({ ...request, port: 65536 })).toThrow(code('bad-value'));
    expect(() => encodeAnnounceRequest({ ...request, ip: '::1' })).toThrow(code('bad-value'));
  });

  it('encodes an IPv4 response (BEP 23 compact peers)', () => {
    const res = {
      transactionId: 7,
      intervalSec: 1800,
      leechers: 1,
      seeders: 2,
      peers: [{ host: '127.0.0.1', port: 6881 }],
    };
    const enc = encodeAnnounceResponse(res, 4);
    expect(hex(enc)).toBe(
      '00000001' + '00000007' + '00000708' + '00000001' + '00000002' + '7f000001' + '1ae1',
    );
    expect(decodeAnnounceResponse(enc, 4)).toEqual(res);
  });

  it('encodes an IPv6 response with 18-byte peers', () => {
    const res = {
      transactionId: 7,
      intervalSec: 15,
      leechers: 0,
      seeders: 2,
      peers: [
        { host: '::1', port: 1 },
        { host: '2001:db8::2', port: 2 },
      ],
    };
    const enc = encodeAnnounceResponse(res, 6);
    expect(enc.length).toBe(20 + 36);
    expect(decodeAnnounceResponse(enc, 6)).toEqual(res);
  });

  it('writes header fields at their extremes big-endian, byte for byte', () => {
    const out = encodeAnnounceResponse(
      { transactionId: 0xfedcba98, intervalSec: 0x7fffffff, leechers: 0x01020304, seeders: 0, peers: [] },
      4,
    );
    expect(hex(out)).toBe('00000001' + 'fedcba98' + '7fffffff' + '01020304' + '00000000');
  });

  it('refuses malformed responses', () => {
    const enc = encodeAnnounceResponse(
      { transactionId: 1, intervalSec: 1, leechers: 0, seeders: 0, peers: [{ host: '1.2.3.4', port: 5 }] },
      4,
    );
    expect(() => decodeAnnounceResponse(enc.subarray(0, 19), 4)).toThrow(code('truncated'));
    expect(() => decodeAnnounceResponse(enc.subarray(0, 25), 4)).toThrow(code('bad-value'));
    const negative = enc.slice();
    negative[12] = 0x80;
    expect(() => decodeAnnounceResponse(negative, 4)).toThrow(code('bad-value'));
  });

  it('writes compact peers after the header as given, over any allocator', () => {
    const header = { transactionId: 9, intervalSec: 60, leechers: 3, seeders: 1 };
    const v4 = encodeCompactPeers(
      [
        { host: '127.0.0.1', port: 6881 },
        { host: '10.1.2.3', port: 1 },
      ],
      4,
    );
    const v6 = encodeCompactPeers([{ host: '2001:db8::2', port: 51413 }], 6);
    const headerHex = '00000001' + '00000009' + '0000003c' + '00000003' + '00000001';
    expect(hex(encodeAnnounceResponseCompact(header, v4, 4))).toBe(
      headerHex + '7f0000011ae1' + '0a0102030001',
    );
    expect(hex(encodeAnnounceResponseCompact(header, v6, 6))).toBe(
      headerHex + '20010db8000000000000000000000002' + 'c8d5',
    );
    expect(hex(encodeAnnounceResponseCompact(header, new Uint8Array(0), 4))).toBe(headerHex);
    // Uninitialised memory from the allocator is fully overwritten.
    const dirty = (n: number) => new Uint8Array(n).fill(0xee);
    expect(hex(encodeAnnounceResponseCompact(header, v4, 4, dirty))).toBe(
      hex(encodeAnnounceResponseCompact(header, v4, 4)),
    );
  });

  it('refuses compact peers of the wrong size or a bad header field', () => {
    const header = { transactionId: 1, intervalSec: 1, leechers: 0, seeders: 0 };
    const v4 = encodeCompactPeers([{ host: '1.2.3.4', port: 5 }], 4);
    expect(() => encodeAnnounceResponseCompact(header, v4, 6)).toThrow(code('bad-value'));
    expect(() => encodeAnnounceResponseCompact(header, v4.subarray(0, 5), 4)).toThrow(code('bad-value'));
    const none = new Uint8Array(0);
    expect(() => encodeAnnounceResponseCompact({ ...header, seeders: 2 ** 31 }, none, 4)).toThrow(
      code('bad-value'),
    );
  });

  it('keeps a full response under 1400 bytes', () => {
    expect(maxPeersPerResponse(4)).toBe(230);
    expect(maxPeersPerResponse(6)).toBe(76);
    expect(20 + 76 * 18).toBeLessThanOrEqual(1400);
  });
});
