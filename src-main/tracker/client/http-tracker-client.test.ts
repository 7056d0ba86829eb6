import { describe, expect, it } from 'vitest';
import { bencode } from '../../protocol/bencode.ts';
import { buildAnnounceUrl, escapeBytes, parseAnnounceResponse, scrapeUrlFor } from './http-tracker-client.ts';

const enc = (v: unknown) => bencode(v);

describe('HTTP tracker client pieces', () => {
  it('percent-escapes binary, keeping only unreserved characters', () => {
    expect(escapeBytes(new Uint8Array([0x00, 0x41, 0x7e, 0x20, 0xff, 0x2d, 0x2e, 0x5f, 0x2f]))).toBe(
      '%00A~%20%FF-._%2F',
    );
  });

  it('builds the BEP 3 query, appending to an existing one', () => {
    const params = {
      infoHash: new Uint8Array(20).fill(0x12),
      peerId: new TextEncoder().encode('-SD0100-abcdefghijkl'),
      port: 6881,
      uploaded: 1,
      downloaded: 2,
      left: 3,
      event: 'started' as const,
      numWant: 50,
      key: 0xab,
    };
    expect(buildAnnounceUrl('http://t.example/announce?passkey=x', params)).toBe(
      'http://t.example/announce?passkey=x&info_hash=' +
        '%12'.repeat(20) +
        '&peer_id=-SD0100-abcdefghijkl&port=6881&uploaded=1&downloaded=2&left=3&compact=1&event=started&numwant=50&key=000000ab',
    );
    expect(
      buildAnnounceUrl('http://t/a', { ...params, event: 'none', numWant: undefined, key: undefined }),
    ).not.toMatch(/event|numwant|key/);
  });

  it.each([
    ['http://t/announce', 'http://t/scrape'],
    ['http://t/x/announce.php?k=1', 'http://t/x/scrape.php?k=1'],
    ['http://t/a', undefined],
    ['http://t/announce/x', undefined],
  ])('BEP 48 scrape URL of %s', (announce, scrape) => {
    expect(scrapeUrlFor(announce)).toBe(scrape);
  });

  it('parses compact IPv4 and IPv6 peers, counts and optional fields', () => {
    const body = enc({
      interval: 900,
      'min interval': 60,
      complete: 3,
      incomplete: 4,
      peers: new Uint8Array([127, 0, 0, 1, 0x1a, 0xe1]),
      peers6: new Uint8Array([...new Uint8Array(15), 1, 0, 80]),
      'warning message': 'hi',
    });
    expect(parseAnnounceResponse(body)).toEqual({
      intervalSec: 900,
      minIntervalSec: 60,
      seeders: 3,
      leechers: 4,
      warning: 'hi',
      peers: [
        { host: '127.0.0.1', port: 6881 },
        { host: '::1', port: 80 },
      ],
    });
  });

  it('parses the dictionary peer list (non-compact)', () => {
    const body = enc({
      interval: 1,
      peers: [
        { ip: '10.0.0.1', port: 1, 'peer id': 'x' },
        { ip: '10.0.0.2', port: 0 },
      ],
    });
    expect(parseAnnounceResponse(body).peers).toEqual([{ host: '10.0.0.1', port: 1 }]);
  });

  it('turns failure reason into a tracker-error', () => {
    expect(() => parseAnnounceResponse(enc({ 'failure reason': 'unregistered torrent' }))).toThrow(
      expect.objectContaining({
        name: 'TrackerError',
        code: 'tracker-error',
        message: 'unregistered torrent',
      }),
    );
  });

  it('refuses malformed bodies with ProtocolErrors', () => {
    expect(() => parseAnnounceResponse(enc({ peers: new Uint8Array(6) }))).toThrow(
      expect.objectContaining({ name: 'ProtocolError' }),
    );
    expect(() => parseAnnounceResponse(enc({ interval: 1, peers: new Uint8Array(7) }))).toThrow(
      expect.objectContaining({ code: 'bad-value' }),
    );
    expect(() => parseAnnounceResponse(new TextEncoder().encode('garbage'))).toThrow(
      expect.objectContaining({ name: 'ProtocolError' }),
    );
    expect(() => parseAnnounceResponse(new Uint8Array(100), 10)).toThrow(
      expect.objectContaining({ code: 'too-large' }),
    );
  });
});
