import { describe, expect, it } from 'vitest';
import { bencode } from '../bencode.ts';
import { expectProtocolError } from '../wire/wire-test-helpers.ts';
import {
  decodeNearbyMessage,
  encodeNearbyMessage,
  MAX_NEARBY_MESSAGE_BYTES,
  MAX_NEARBY_NAME_BYTES,
  MAX_NEARBY_PAGES,
  pageNearbyShares,
  truncateUtf8,
  type NearbyMessage,
  type NearbyShare,
} from './nearby-message.ts';

const ID = '0102030405060708';
const A = 'aa'.repeat(20);
const announce = (shares: NearbyShare[]): NearbyMessage => ({
  type: 'announce',
  instanceId: ID,
  who: 'alice-laptop',
  peerPort: 6881,
  revision: 3,
  page: 0,
  pageCount: 1,
  shares,
});
const announceDict = (over: Record<string, unknown>) =>
  bencode({ sd: 1, t: 'a', i: Buffer.from(ID, 'hex'), n: 'x', p: 1, r: 0, g: 0, c: 1, s: [], ...over });

describe('Nearby LAN catalog messages', () => {
  it('writes the documented dictionary', () => {
    const bytes = encodeNearbyMessage(announce([{ infoHashHex: A, name: 'photos', totalBytes: 5 }]));
    expect(Buffer.from(bytes).toString('latin1')).toBe(
      'd1:ci1e1:gi0e1:i8:\x01\x02\x03\x04\x05\x06\x07\x081:n12:alice-laptop1:pi6881e1:ri3e' +
        `1:sll20:${'\xaa'.repeat(20)}6:photosi5eee2:sdi1e1:t1:ae`,
    );
  });

  it('round-trips announce, query and bye', () => {
    const messages: NearbyMessage[] = [
      announce([
        { infoHashHex: A, name: 'holiday photos é', totalBytes: 123456789 },
        { infoHashHex: 'bb'.repeat(20), name: '数据', totalBytes: Number.MAX_SAFE_INTEGER },
      ]),
      { type: 'query', instanceId: ID },
      { type: 'bye', instanceId: ID },
    ];
    for (const m of messages) expect(decodeNearbyMessage(encodeNearbyMessage(m))).toEqual(m);
  });

  it('shows hostile names safely: controls, bidi overrides and slashes removed, empty names become the info-hash', () => {
    const bytes = announceDict({
      n: '\x1b[31mevil\u202e',
      s: [
        [Buffer.from(A, 'hex'), '../../etc/passwd\n', 1],
        [Buffer.from('bb'.repeat(20), 'hex'), '..', 2],
      ],
    });
    const m = decodeNearbyMessage(bytes);
    expect(m.type === 'announce' && m.who).toBe('[31mevil');
    expect(m.type === 'announce' && m.shares.map((s) => s.name)).toEqual([
      '.._.._etc_passwd',
      'bb'.repeat(20),
    ]);
  });

  it('pages a long share list so every page fits one datagram and keeps the order', () => {
    const shares = Array.from({ length: 300 }, (_, i) => ({
      infoHashHex: i.toString(16).padStart(40, '0'),
      name: `share ${i} `.padEnd(60, 'x'),
      totalBytes: i * 1000,
    }));
    const { pages, omitted } = pageNearbyShares(
      { instanceId: ID, who: 'w', peerPort: 1, revision: 1 },
      shares,
    );
    expect(omitted).toBe(0);
    expect(pages.length).toBeGreaterThan(1);
    for (const p of pages)
      expect(encodeNearbyMessage(p).length).toBeLessThanOrEqual(MAX_NEARBY_MESSAGE_BYTES);
    expect(pages.every((p) => p.pageCount === pages.length)).toBe(true);
    expect(pages.flatMap((p) => p.shares.map((s) => s.infoHashHex))).toEqual(
      shares.map((s) => s.infoHashHex),
    );
  });

  it('leaves out what does not fit MAX_NEARBY_PAGES pages and says how many', () => {
    const shares = Array.from({ length: 5000 }, (_, i) => ({
      infoHashHex: i.toString(16).padStart(40, '0'),
      name: 'n'.repeat(MAX_NEARBY_NAME_BYTES),
      totalBytes: 1,
    }));
    const { pages, omitted } = pageNearbyShares(
      { instanceId: ID, who: 'w', peerPort: 1, revision: 1 },
      shares,
    );
    expect(pages).toHaveLength(MAX_NEARBY_PAGES);
    expect(omitted).toBe(5000 - pages.reduce((n, p) => n + p.shares.length, 0));
    expect(omitted).toBeGreaterThan(0);
  });

  it('cuts long names on a character boundary', () => {
    expect(truncateUtf8('ééé', 5)).toBe('éé');
    const m = announce([{ infoHashHex: A, name: 'é'.repeat(200), totalBytes: 1 }]);
    const back = decodeNearbyMessage(encodeNearbyMessage(m));
    expect(back.type === 'announce' && back.shares[0]!.name).toBe('é'.repeat(60));
  });

  it.each([
    ['not a dictionary', bencode([1]), 'bad-type'],
    ['another protocol (no sd)', bencode({ t: 'a' }), 'unknown-message'],
    ['a future version', announceDict({ sd: 2 }), 'unknown-message'],
    ['an unknown type', announceDict({ t: 'z' }), 'unknown-message'],
    ['a short instance id', announceDict({ i: 'abc' }), 'bad-value'],
    ['port 0', announceDict({ p: 0 }), 'bad-value'],
    ['page past the count', announceDict({ g: 1, c: 1 }), 'bad-value'],
    ['too many pages', announceDict({ c: MAX_NEARBY_PAGES + 1 }), 'bad-value'],
    ['a short info-hash', announceDict({ s: [['abc', 'n', 1]] }), 'bad-value'],
    ['a negative size', announceDict({ s: [[Buffer.alloc(20), 'n', -1]] }), 'bad-value'],
    ['a huge size', announceDict({ s: [[Buffer.alloc(20), 'n', 2n ** 60n]] }), 'too-large'],
    ['a share of two fields', announceDict({ s: [[Buffer.alloc(20), 'n']] }), 'bad-value'],
    [
      'an overlong name',
      announceDict({ s: [[Buffer.alloc(20), 'n'.repeat(MAX_NEARBY_NAME_BYTES + 1), 1]] }),
      'too-large',
    ],
    ['an oversized datagram', new Uint8Array(MAX_NEARBY_MESSAGE_BYTES + 1), 'too-large'],
  ])('refuses %s', (_name, bytes, code) => {
    expectProtocolError(() => decodeNearbyMessage(bytes), code as never);
  });
});
