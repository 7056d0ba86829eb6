import { describe, expect, it } from 'vitest';
import { expectProtocolError } from '../wire/wire-test-helpers.ts';
import {
  chunkInfoHashes,
  decodeLsdAnnounce,
  encodeLsdAnnounce,
  MAX_LSD_INFO_HASHES,
  MAX_LSD_MESSAGE_BYTES,
} from './lsd-message.ts';

const A = 'aa'.repeat(20);
const B = '0123456789abcdef0123456789abcdef01234567';
const ascii = (s: string) => new TextEncoder().encode(s);

describe('LSD BT-SEARCH (BEP 14)', () => {
  it('writes the bytes BEP 14 shows, with our cookie', () => {
    const bytes = encodeLsdAnnounce({
      host: '239.192.152.143:6771',
      port: 6881,
      infoHashes: [A],
      cookie: 'c0ffee',
    });
    expect(new TextDecoder().decode(bytes)).toBe(
      'BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\n' +
        `Infohash: ${A}\r\ncookie: c0ffee\r\n\r\n\r\n`,
    );
  });

  it('reads what libtorrent sends: several Infohash headers, upper case hex, lower-case cookie', () => {
    const msg = ascii(
      'BT-SEARCH * HTTP/1.1\r\nHost: [ff15::efc0:988f]:6771\r\nPort: 51413\r\n' +
        `Infohash: ${A.toUpperCase()}\r\nInfohash: ${B}\r\ncookie: 7e3a1\r\nX-Other: ignored\r\n\r\n\r\n`,
    );
    expect(decodeLsdAnnounce(msg)).toEqual({
      host: '[ff15::efc0:988f]:6771',
      port: 51413,
      infoHashes: [A, B],
      cookie: '7e3a1',
    });
  });

  it('accepts bare LF line ends and no cookie', () => {
    expect(
      decodeLsdAnnounce(
        ascii(`BT-SEARCH * HTTP/1.1\nHost: 239.192.152.143:6771\nPort: 1\nInfohash: ${B}\n\n`),
      ),
    ).toEqual({ host: '239.192.152.143:6771', port: 1, infoHashes: [B] });
  });

  it('round-trips announces, duplicates dropped', () => {
    const value = { host: '239.192.152.143:6771', port: 65535, infoHashes: [A, B], cookie: 'x' };
    expect(decodeLsdAnnounce(encodeLsdAnnounce(value))).toEqual(value);
    const dup = ascii(`BT-SEARCH * HTTP/1.1\r\nPort: 9\r\nInfohash: ${A}\r\nInfohash: ${A}\r\n\r\n`);
    expect(decodeLsdAnnounce(dup).infoHashes).toEqual([A]);
  });

  it('a full announce of MAX_LSD_INFO_HASHES fits one datagram', () => {
    const hashes = Array.from({ length: MAX_LSD_INFO_HASHES }, (_, i) => i.toString(16).padStart(40, '0'));
    const bytes = encodeLsdAnnounce({
      host: '[ff15::efc0:988f]:6771',
      port: 65535,
      infoHashes: hashes,
      cookie: 'z'.repeat(64),
    });
    expect(bytes.length).toBeLessThanOrEqual(MAX_LSD_MESSAGE_BYTES);
    expect(chunkInfoHashes([...hashes, A]).map((c) => c.length)).toEqual([MAX_LSD_INFO_HASHES, 1]);
  });

  it.each([
    ['another request', `GET / HTTP/1.1\r\nPort: 1\r\nInfohash: ${A}\r\n\r\n`, 'unknown-message'],
    ['no Port', `BT-SEARCH * HTTP/1.1\r\nInfohash: ${A}\r\n\r\n`, 'truncated'],
    ['no Infohash', 'BT-SEARCH * HTTP/1.1\r\nPort: 1\r\n\r\n', 'truncated'],
    ['Port 0', `BT-SEARCH * HTTP/1.1\r\nPort: 0\r\nInfohash: ${A}\r\n\r\n`, 'bad-value'],
    ['Port 70000', `BT-SEARCH * HTTP/1.1\r\nPort: 70000\r\nInfohash: ${A}\r\n\r\n`, 'bad-value'],
    ['Port not a number', `BT-SEARCH * HTTP/1.1\r\nPort: 1e3\r\nInfohash: ${A}\r\n\r\n`, 'bad-value'],
    ['two Ports', `BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nPort: 2\r\nInfohash: ${A}\r\n\r\n`, 'bad-value'],
    ['short Infohash', 'BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: abcd\r\n\r\n', 'bad-value'],
    [
      'a header line without a colon',
      `BT-SEARCH * HTTP/1.1\r\nPort 1\r\nInfohash: ${A}\r\n\r\n`,
      'bad-value',
    ],
    [
      'a control character in the cookie',
      `BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: ${A}\r\ncookie: a\x1bb\r\n\r\n`,
      'bad-value',
    ],
    [
      'headers after the blank line',
      `BT-SEARCH * HTTP/1.1\r\nPort: 1\r\n\r\nInfohash: ${A}\r\n`,
      'bad-value',
    ],
  ])('refuses %s', (_name, text, code) => {
    expectProtocolError(() => decodeLsdAnnounce(ascii(text)), code as never);
  });

  it('refuses too many info-hashes and oversized datagrams before reading them', () => {
    const many = Array.from(
      { length: MAX_LSD_INFO_HASHES + 1 },
      (_, i) => `Infohash: ${i.toString(16).padStart(40, '0')}`,
    );
    expectProtocolError(
      () => decodeLsdAnnounce(ascii(`BT-SEARCH * HTTP/1.1\r\nPort: 1\r\n${many.join('\r\n')}\r\n\r\n`)),
      'too-large',
    );
    expectProtocolError(() => decodeLsdAnnounce(new Uint8Array(MAX_LSD_MESSAGE_BYTES + 1)), 'too-large');
  });

  it('refuses to write what a receiver would refuse', () => {
    expectProtocolError(() => encodeLsdAnnounce({ host: '', port: 0, infoHashes: [A] }), 'bad-value');
    expectProtocolError(() => encodeLsdAnnounce({ host: '', port: 1, infoHashes: [] }), 'bad-value');
    expectProtocolError(() => encodeLsdAnnounce({ host: 'a\r\nb', port: 1, infoHashes: [A] }), 'bad-value');
    expectProtocolError(
      () => encodeLsdAnnounce({ host: '', port: 1, infoHashes: [A], cookie: 'a b' }),
      'bad-value',
    );
  });
});
