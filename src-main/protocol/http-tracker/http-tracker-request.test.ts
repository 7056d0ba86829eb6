import { describe, expect, it } from 'vitest';
import { bdecode } from '../bencode.ts';
import { isProtocolError } from '../protocol-error.ts';
import {
  decodeHttpAnnounceQuery,
  decodeHttpScrapeQuery,
  encodeHttpAnnounceResponse,
  encodeHttpFailure,
  encodeHttpScrapeResponse,
  MAX_QUERY_BYTES,
} from './http-tracker-request.ts';

const code = (c: string) => expect.objectContaining({ name: 'ProtocolError', code: c });
/** Every byte value, so the escaping of all of them is exercised. */
const infoHash = Uint8Array.from({ length: 20 }, (_, i) => (i * 13 + 0x7f) & 0xff);
const peerId = new TextEncoder().encode('-SD0100-abc def+%&=x');
const escape = (b: Uint8Array) => [...b].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('');
const query = (extra = '') =>
  `info_hash=${escape(infoHash)}&peer_id=${escape(peerId)}&port=6881&uploaded=1&downloaded=2&left=3${extra}`;

describe('HTTP tracker announce query (BEP 3)', () => {
  it('decodes raw bytes, integers, the event and the optional fields', () => {
    expect(decodeHttpAnnounceQuery(query('&event=started&numwant=30&compact=1&key=abc&ip=10.0.0.1'))).toEqual(
      {
        infoHash,
        peerId,
        port: 6881,
        uploaded: 1,
        downloaded: 2,
        left: 3,
        event: 'started',
        numWant: 30,
        ip: '10.0.0.1',
      },
    );
    const plain = decodeHttpAnnounceQuery(query());
    expect(plain).toMatchObject({ event: 'none', numWant: -1, ip: null });
    // Unreserved characters may stand for themselves; '+' is a space.
    const mixed = decodeHttpAnnounceQuery(query().replace(escape(peerId), '-SD0100-abc+def%2B%25%26%3Dx'));
    expect(mixed.peerId).toEqual(peerId);
  });

  it('refuses malformed queries with the codec error', () => {
    expect(() => decodeHttpAnnounceQuery(query().replace(/&left=3/, ''))).toThrow(code('truncated'));
    expect(() => decodeHttpAnnounceQuery(query().replace('port=6881', 'port=0'))).toThrow(code('bad-value'));
    expect(() => decodeHttpAnnounceQuery(query().replace('port=6881', 'port=65536'))).toThrow(
      code('bad-value'),
    );
    expect(() => decodeHttpAnnounceQuery(query().replace('left=3', 'left=-1'))).toThrow(code('bad-value'));
    expect(() => decodeHttpAnnounceQuery(query().replace('left=3', 'left=1e9'))).toThrow(code('bad-value'));
    expect(() => decodeHttpAnnounceQuery(query('&event=paused'))).toThrow(code('bad-value'));
    expect(() => decodeHttpAnnounceQuery(query('&event=__proto__'))).toThrow(code('bad-value'));
    expect(() => decodeHttpAnnounceQuery(query('&port=1'))).toThrow(code('bad-value'));
    expect(() =>
      decodeHttpAnnounceQuery(query().replace(escape(infoHash), escape(infoHash.subarray(1)))),
    ).toThrow(code('bad-value'));
    expect(() => decodeHttpAnnounceQuery(query().replace('%7f', '%7'))).toThrow(code('bad-value'));
    expect(() => decodeHttpAnnounceQuery(query().replace('%7f', '%zz'))).toThrow(code('bad-value'));
    expect(() => decodeHttpAnnounceQuery(`${query()}&x=é`)).toThrow(code('bad-value'));
    expect(() => decodeHttpAnnounceQuery(`${query()}&x=${'a'.repeat(MAX_QUERY_BYTES)}`)).toThrow(
      code('too-large'),
    );
    expect(() => decodeHttpAnnounceQuery(`${query()}${'&a'.repeat(300)}`)).toThrow(code('too-large'));
  });

  it('fuzz: random and mutated queries raise only the codec error, quickly', () => {
    let seed = 99;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789%&=+-_.~éZ\u0000\uffff';
    const valid = query('&event=completed&numwant=5');
    let decoded = 0;
    const started = performance.now();
    for (let i = 0; i < 20_000; i++) {
      let q: string;
      if (i % 2 === 0) {
        q = Array.from(
          { length: Math.floor(random() * 200) },
          () => alphabet[Math.floor(random() * alphabet.length)],
        ).join('');
      } else {
        const chars = [...valid];
        for (let k = 0; k < 1 + Math.floor(random() * 4); k++)
          chars[Math.floor(random() * chars.length)] = alphabet[
            Math.floor(random() * alphabet.length)
          ] as string;
        q = chars.join('');
      }
      for (const decode of [decodeHttpAnnounceQuery, decodeHttpScrapeQuery]) {
        try {
          decode(q);
          decoded++;
        } catch (err) {
          if (!isProtocolError(err)) throw err;
        }
      }
    }
    expect(decoded).toBeGreaterThan(0); // some mutations stay valid
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

describe('HTTP tracker scrape query (BEP 48)', () => {
  it('decodes every info_hash and ignores other fields', () => {
    const other = new Uint8Array(20).fill(0x41);
    expect(decodeHttpScrapeQuery(`info_hash=${escape(infoHash)}&x=1&info_hash=${'A'.repeat(20)}`)).toEqual({
      infoHashes: [infoHash, other],
    });
  });

  it('refuses no hash, a short hash and more than 69', () => {
    expect(() => decodeHttpScrapeQuery('')).toThrow(code('truncated'));
    expect(() => decodeHttpScrapeQuery('info_hash=abc')).toThrow(code('bad-value'));
    const many = Array.from({ length: 70 }, () => `info_hash=${'A'.repeat(20)}`).join('&');
    expect(() => decodeHttpScrapeQuery(many)).toThrow(code('too-large'));
  });
});

describe('HTTP tracker responses', () => {
  it('encodes an announce answer with compact peers, peers6 only when there are some', () => {
    const peers = Uint8Array.from([10, 0, 0, 1, 0x1a, 0xe1]);
    const body = encodeHttpAnnounceResponse({
      intervalSec: 60,
      complete: 1,
      incomplete: 2,
      peers,
      peers6: new Uint8Array(0),
    });
    expect(Buffer.from(body).toString('latin1')).toBe(
      'd8:completei1e10:incompletei2e8:intervali60e5:peers6:\u000a\u0000\u0000\u0001\u001a\u00e1e',
    );
  });

  it('encodes a scrape answer keyed by raw info-hash, sorted, without duplicates', () => {
    const a = new Uint8Array(20).fill(0xff);
    const b = new Uint8Array(20).fill(0x01);
    const body = encodeHttpScrapeResponse([
      { infoHash: a, complete: 1, downloaded: 2, incomplete: 3 },
      { infoHash: b, complete: 4, downloaded: 5, incomplete: 6 },
      { infoHash: a, complete: 1, downloaded: 2, incomplete: 3 },
    ]);
    const text = Buffer.from(body).toString('latin1');
    expect(text.indexOf('\u0001'.repeat(20))).toBeLessThan(text.indexOf('\u00ff'.repeat(20)));
    expect(text.split('\u00ff'.repeat(20)).length).toBe(2);
    expect(bdecode(body)).toMatchObject({ files: expect.any(Object) });
  });

  it('encodes a failure reason', () => {
    expect(Buffer.from(encodeHttpFailure('tracker is full')).toString()).toBe(
      'd14:failure reason15:tracker is fulle',
    );
  });
});
