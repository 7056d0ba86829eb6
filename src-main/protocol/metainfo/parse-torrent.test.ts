import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bencode } from '../bencode.ts';
import { ProtocolError, type ProtocolErrorCode } from '../protocol-error.ts';
import { MAX_TORRENT_FILE_BYTES } from './metainfo-types.ts';
import { parseFileAttr } from './parse-info-dict.ts';
import { parseInfoDict, parseTorrent } from './parse-torrent.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const concat = (...parts: (string | Uint8Array)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? enc(p) : p)));
const sha1Hex = (b: Uint8Array) => createHash('sha1').update(b).digest('hex');
const hashes = (n: number) => new Uint8Array(20 * n).map((_, i) => i % 251);
const KiB16 = 16 * 1024;

function expectCode(code: ProtocolErrorCode, fn: () => unknown, message?: RegExp): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    expect(err.code).toBe(code);
    if (message) expect(err.message).toMatch(message);
    return;
  }
  expect.unreachable(`expected ProtocolError ${code}`);
}

/** A torrent built from a plain object through bencode(). */
const torrentOf = (root: Record<string, unknown>) => bencode(root);
const singleInfo = (extra: Record<string, unknown> = {}) => ({
  name: 'a.bin',
  'piece length': KiB16,
  pieces: hashes(2),
  length: KiB16 + 1,
  ...extra,
});

describe('parseTorrent', () => {
  it('parses a single-file torrent written byte by byte, hashing the raw info bytes', () => {
    const info = concat('d6:lengthi20000e4:name5:a.txt12:piece lengthi16384e6:pieces40:', hashes(2), 'e');
    const bytes = concat(
      'd8:announce20:http://t.example/ann7:comment2:hi13:creation datei1700000000e4:info',
      info,
      'e',
    );
    const m = parseTorrent(bytes);
    expect(m.infoHashHex).toBe(sha1Hex(info));
    expect(Buffer.from(m.infoHash).toString('hex')).toBe(m.infoHashHex);
    expect(m.infoBytes).toEqual(new Uint8Array(info));
    expect(m).toMatchObject({
      name: 'a.txt',
      pieceLengthBytes: 16384,
      pieceCount: 2,
      totalLengthBytes: 20000,
      multiFile: false,
      files: [{ path: ['a.txt'], lengthBytes: 20000, offsetBytes: 0 }],
      announceList: [['http://t.example/ann']],
      private: false,
      comment: 'hi',
      creationDate: 1700000000,
    });
    expect(m.pieceHashes).toEqual(hashes(2));
  });

  it('keeps the hash of a non-canonical info dict (keys out of order) instead of re-encoding', () => {
    const info = concat('d4:name5:a.txt6:lengthi20000e6:pieces40:', hashes(2), '12:piece lengthi16384ee');
    const m = parseTorrent(concat('d4:info', info, 'e'));
    expect(m.infoHashHex).toBe(sha1Hex(info));
    expect(m.infoHashHex).not.toBe(
      sha1Hex(bencode({ name: 'a.txt', length: 20000, pieces: hashes(2), 'piece length': 16384 })),
    );
  });

  describe('BEP 19 url-list (web seeds)', () => {
    const withUrlList = (urlList: unknown) =>
      parseTorrent(torrentOf({ info: singleInfo(), 'url-list': urlList }));

    it('reads one URL given as a string', () => {
      expect(withUrlList('http://127.0.0.1:8080/a.bin').webSeeds).toEqual(['http://127.0.0.1:8080/a.bin']);
    });

    it('reads a list, dropping duplicates, non-strings and non-HTTP URLs', () => {
      expect(
        withUrlList([
          'http://127.0.0.1/x',
          5,
          'ftp://127.0.0.1/y',
          'http://127.0.0.1/x',
          ' https://[::1]/z ',
          ['l'],
        ]).webSeeds,
      ).toEqual(['http://127.0.0.1/x', 'https://[::1]/z']);
    });

    it.each([
      ['an integer', 7],
      ['a dictionary', { a: 1 }],
      ['an empty list', []],
      ['only unusable entries', ['', 'not a url', 3]],
    ])('ignores a url-list that is %s (the torrent stays usable)', (_label, urlList) => {
      const m = withUrlList(urlList);
      expect(m.name).toBe('a.bin');
      expect('webSeeds' in m).toBe(false);
    });

    it('keeps at most 64 web seeds', () => {
      const many = Array.from({ length: 100 }, (_, i) => `http://127.0.0.1/${i}`);
      expect(withUrlList(many).webSeeds).toHaveLength(64);
    });
  });

  describe('BEP 47 file attributes', () => {
    it.each([
      [undefined, {}],
      ['', {}],
      ['p', { padding: true }],
      ['h', { hidden: true }],
      ['x', { executable: true }],
      ['l', { symlink: true }],
      ['xh', { hidden: true, executable: true }],
      ['pq?z', { padding: true }], // unknown flags are for future use: ignored
    ])('attr %j', (attr, flags) => {
      const value = attr === undefined ? undefined : enc(attr);
      expect(parseFileAttr(value)).toEqual({
        padding: false,
        hidden: false,
        executable: false,
        symlink: false,
        ...flags,
      });
    });

    it('an attr that is not a string is the codec error', () => {
      expectCode('bad-type', () => parseFileAttr(7, 'info.files[0].attr'), /attr/);
    });

    const hybrid = (files: Record<string, unknown>[]) =>
      torrentOf({ info: { name: 'hybrid', 'piece length': KiB16, pieces: hashes(3), files } });

    it('keeps hidden and executable on the files; several pads may share a path (libtorrent names them by length)', () => {
      const m = parseTorrent(
        hybrid([
          { length: 10, path: ['run.sh'], attr: 'x' },
          { length: KiB16 - 10, path: ['.pad', '16374'], attr: 'p' },
          { length: 10, path: ['.secret'], attr: 'h' },
          { length: KiB16 - 10, path: ['.pad', '16374'], attr: 'p' },
          { length: 5, path: ['plain.txt'] },
        ]),
      );
      expect(m.files.map((f) => [f.path.join('/'), !!f.padding, !!f.hidden, !!f.executable])).toEqual([
        ['run.sh', false, false, true],
        ['.pad/16374', true, false, false],
        ['.secret', false, true, false],
        ['.pad/16374', true, false, false],
        ['plain.txt', false, false, false],
      ]);
    });

    it('refuses a symbolic link entry with its own code', () => {
      expectCode(
        'symlink-refused',
        () =>
          parseTorrent(
            hybrid([
              { length: 2 * KiB16, path: ['data.bin'] },
              { length: 5, path: ['link'], attr: 'l', 'symlink path': ['data.bin'] },
            ]),
          ),
        /"link" is a symbolic link/,
      );
    });

    it('two real files with one path are still refused', () => {
      expectCode(
        'bad-path',
        () =>
          parseTorrent(
            hybrid([
              { length: 2 * KiB16, path: ['a'] },
              { length: 5, path: ['a'], attr: 'x' },
            ]),
          ),
        /appears twice/,
      );
    });
  });

  it('parses a multi-file torrent with offsets, path.utf-8 and BEP 47 padding', () => {
    const m = parseTorrent(
      torrentOf({
        info: {
          name: 'album',
          'piece length': KiB16,
          pieces: hashes(3),
          files: [
            { length: 10, path: ['cd1', 'x.flac'] },
            { length: KiB16 - 10, path: ['.pad', '16374'], attr: 'p' },
            { length: KiB16 + 5, path: ['legacy'], 'path.utf-8': ['ünï'] },
            { length: 0, path: ['empty.txt'] },
          ],
        },
      }),
    );
    expect(m.multiFile).toBe(true);
    expect(m.totalLengthBytes).toBe(2 * KiB16 + 5);
    expect(m.pieceCount).toBe(3);
    expect(m.files.map((f) => [f.path.join('/'), f.offsetBytes, f.padding ?? false])).toEqual([
      ['cd1/x.flac', 0, false],
      ['.pad/16374', 10, true],
      ['ünï', KiB16, false],
      ['empty.txt', 2 * KiB16 + 5, false],
    ]);
    expect(m.announceList).toEqual([]);
  });

  it('prefers announce-list tiers over announce (BEP 12) and cleans them', () => {
    const m = parseTorrent(
      torrentOf({
        announce: 'udp://ignored:1',
        'announce-list': [['udp://a:1', 'udp://b:2', 'udp://a:1'], [], ['', 'http://c/announce'], 'junk'],
        info: singleInfo(),
      }),
    );
    expect(m.announceList).toEqual([['udp://a:1', 'udp://b:2'], ['http://c/announce']]);
  });

  it('reads private=1 (BEP 27) and ignores other values', () => {
    expect(parseTorrent(torrentOf({ info: singleInfo({ private: 1 }) })).private).toBe(true);
    expect(parseTorrent(torrentOf({ info: singleInfo({ private: 0 }) })).private).toBe(false);
  });

  it('accepts a hybrid v1/v2 torrent by its v1 part', () => {
    const m = parseTorrent(
      torrentOf({ info: singleInfo({ 'meta version': 2, 'file tree': {} }), 'piece layers': {} }),
    );
    expect(m.pieceCount).toBe(2);
  });

  it.each<[string, () => Uint8Array, ProtocolErrorCode, RegExp?]>([
    ['empty input', () => new Uint8Array(0), 'truncated'],
    ['a list root', () => enc('le'), 'bad-type'],
    ['truncated', () => torrentOf({ info: singleInfo() }).subarray(0, 60), 'truncated'],
    ['huge declared string', () => enc('d4:info999999999:xe'), 'truncated'],
    ['negative string length', () => enc('d4:infol-3:abcee'), 'bad-value'],
    ['no info', () => torrentOf({ announce: 'x' }), 'bad-value', /no "info"/],
    ['info not a dict', () => torrentOf({ info: 'x' }), 'bad-type'],
    ['missing name', () => torrentOf({ info: { ...singleInfo(), name: undefined } }), 'bad-type', /name/],
    ['name an integer', () => torrentOf({ info: singleInfo({ name: 5 }) }), 'bad-type'],
    [
      'missing piece length',
      () => torrentOf({ info: { ...singleInfo(), 'piece length': undefined } }),
      'bad-type',
    ],
    [
      'piece length not a power of two',
      () => torrentOf({ info: singleInfo({ 'piece length': 20000 }) }),
      'bad-value',
      /power of two/,
    ],
    [
      'piece length too small',
      () => torrentOf({ info: singleInfo({ 'piece length': 8192, length: 8193 }) }),
      'bad-value',
    ],
    ['piece length absurd', () => torrentOf({ info: singleInfo({ 'piece length': 2 ** 30 }) }), 'bad-value'],
    [
      'pieces not a multiple of 20',
      () => torrentOf({ info: singleInfo({ pieces: hashes(2).subarray(0, 39) }) }),
      'bad-value',
      /multiple of 20/,
    ],
    ['too few hashes', () => torrentOf({ info: singleInfo({ pieces: hashes(1) }) }), 'bad-value', /need 2/],
    ['too many hashes', () => torrentOf({ info: singleInfo({ pieces: hashes(3) }) }), 'bad-value'],
    ['negative length', () => torrentOf({ info: singleInfo({ length: -1 }) }), 'bad-value', /negative/],
    ['length a string', () => torrentOf({ info: singleInfo({ length: '5' }) }), 'bad-type'],
    [
      'a length beyond 64 bits',
      () => enc(`d4:infod6:lengthi99999999999999999999e4:name1:a12:piece lengthi16384e6:pieces0:ee`),
      'too-large',
    ],
    ['zero length', () => torrentOf({ info: singleInfo({ length: 0, pieces: '' }) }), 'bad-value', /no data/],
    [
      'neither length nor files',
      () => torrentOf({ info: { ...singleInfo(), length: undefined } }),
      'bad-value',
    ],
    [
      'both length and files',
      () => torrentOf({ info: singleInfo({ files: [{ length: 1, path: ['a'] }] }) }),
      'bad-value',
    ],
    [
      'files empty',
      () => torrentOf({ info: { ...singleInfo(), length: undefined, files: [] } }),
      'bad-value',
    ],
    [
      'file entry not a dict',
      () => torrentOf({ info: { ...singleInfo(), length: undefined, files: [5] } }),
      'bad-type',
    ],
    [
      'file path not a list',
      () =>
        torrentOf({
          info: { ...singleInfo(), length: undefined, files: [{ length: KiB16 + 1, path: 'a' }] },
        }),
      'bad-type',
    ],
    [
      'file path escapes',
      () => multi([['..', '..', 'etc', 'passwd']]),
      'bad-path',
      /"\.\.\/\.\.\/etc\/passwd"/,
    ],
    ['absolute path', () => multi([['/etc/passwd']]), 'bad-path'],
    ['device name', () => multi([['docs', 'COM1.txt']]), 'bad-path', /device/],
    ['empty component', () => multi([['a', '']]), 'bad-path'],
    ['escaping name', () => torrentOf({ info: singleInfo({ name: '..' }) }), 'bad-path'],
    ['backslash name', () => torrentOf({ info: singleInfo({ name: '..\\..\\x' }) }), 'bad-path'],
    ['duplicate paths', () => multi([['a'], ['a']]), 'bad-path', /twice/],
    ['file inside a file', () => multi([['a'], ['a', 'b']]), 'bad-path'],
    ['folder that is a file', () => multi([['a', 'b'], ['a']]), 'bad-path'],
    [
      'v2-only',
      () => torrentOf({ info: { name: 'x', 'piece length': KiB16, 'meta version': 2, 'file tree': {} } }),
      'bad-value',
      /v2/,
    ],
  ])('refuses %s', (_name, make, code, message) => {
    expectCode(code, () => parseTorrent(make()), message);
  });

  it('refuses a .torrent over the size bound before decoding', () => {
    const big = new Uint8Array(MAX_TORRENT_FILE_BYTES + 1);
    expectCode('too-large', () => parseTorrent(big));
  });
});

function multi(paths: string[][]): Uint8Array {
  const files = paths.map((path, i) => ({ path, length: i === 0 ? KiB16 + 1 : 0 }));
  return torrentOf({ info: { name: 'dir', 'piece length': KiB16, pieces: hashes(2), files } });
}

describe('parseInfoDict (BEP 9 metadata)', () => {
  const infoBytes = bencode(singleInfo());
  const infoHash = createHash('sha1').update(infoBytes).digest();

  it('parses raw info bytes and checks the expected info-hash', () => {
    const m = parseInfoDict(infoBytes, { expectedInfoHash: infoHash, announceList: [['udp://t:1']] });
    expect(m.infoHashHex).toBe(infoHash.toString('hex'));
    expect(m.announceList).toEqual([['udp://t:1']]);
    expect(m.name).toBe('a.bin');
  });

  it('gives the same Metainfo core as parseTorrent', () => {
    const fromFile = parseTorrent(torrentOf({ info: singleInfo() }));
    const fromInfo = parseInfoDict(fromFile.infoBytes);
    expect(fromInfo.infoHashHex).toBe(fromFile.infoHashHex);
    expect(fromInfo.files).toEqual(fromFile.files);
  });

  it('refuses bytes that do not hash to the expected info-hash', () => {
    const other = new Uint8Array(20);
    expectCode('bad-value', () => parseInfoDict(infoBytes, { expectedInfoHash: other }), /expected 0000/);
  });

  it('refuses trailing bytes and non-dicts', () => {
    expectCode('bad-value', () => parseInfoDict(concat(infoBytes, 'x')));
    expectCode('bad-type', () => parseInfoDict(enc('li1ee')));
  });
});

// A key named `__proto__` once replaced the prototype of the decoded dictionary: a
// TypeError escaped instead of a ProtocolError, and an info dict could read differently
// from how other clients read it. libtorrent treats it as an ordinary key.
describe('`__proto__` and other prototype names in a torrent are ordinary keys', () => {
  const pieces = hashes(1);
  const infoWith = (fields: string) =>
    concat('d6:lengthi100e', fields, '12:piece lengthi16384e6:pieces20:', pieces, 'e');

  it('.torrent file: info `name` given as d9:__proto__3:abce is a ProtocolError (name must be a byte string)', () => {
    const info = infoWith('4:named9:__proto__3:abce');
    expectCode('bad-type', () => parseTorrent(concat('d4:info', info, 'e')), /info\.name/);
  });

  it('BEP 9 metadata: the same info dict from a peer is a ProtocolError', () => {
    const info = infoWith('4:named9:__proto__3:abce');
    expectCode('bad-type', () =>
      parseInfoDict(info, { expectedInfoHash: createHash('sha1').update(info).digest() }),
    );
  });

  it.each([
    ['an extra `__proto__` string', '9:__proto__3:abc'],
    ['an extra `__proto__` dictionary', '9:__proto__d4:name4:evile'],
    ['an extra `__proto__` list', '9:__proto__l4:evile'],
    ['an extra `constructor` key', '11:constructori1e'],
  ])('%s in the info dict is ignored and the info-hash is that of the raw bytes', (_name, extra) => {
    const info = concat('d6:lengthi100e4:name5:a.bin12:piece lengthi16384e6:pieces20:', pieces, extra, 'e');
    const fromFile = parseTorrent(concat('d4:info', info, '9:__proto__d4:infodeee'));
    expect(fromFile.name).toBe('a.bin');
    expect(fromFile.totalLengthBytes).toBe(100);
    expect(fromFile.infoHashHex).toBe(sha1Hex(info));
    const fromPeer = parseInfoDict(info, { expectedInfoHash: fromFile.infoHash });
    expect(fromPeer.name).toBe('a.bin');
    expect(fromPeer.infoHashHex).toBe(sha1Hex(info));
  });

  it('a file entry whose `path` is under `__proto__` has no path (ProtocolError)', () => {
    const info = concat(
      'd5:filesld6:lengthi100e9:__proto__d4:pathl1:aeeee4:name1:d12:piece lengthi16384e6:pieces20:',
      pieces,
      'e',
    );
    expectCode('bad-type', () => parseTorrent(concat('d4:info', info, 'e')), /path/);
  });

  it('a repeated `info` key: the first one is parsed and hashed, as libtorrent does', () => {
    const first = infoWith('4:name5:first');
    const second = infoWith('4:name6:second');
    const m = parseTorrent(concat('d4:info', first, '4:info', second, 'e'));
    expect(m.name).toBe('first');
    expect(m.infoHashHex).toBe(sha1Hex(first));
  });

  it('a repeated `name` inside info: the first one wins, as libtorrent does', () => {
    expect(parseTorrent(concat('d4:info', infoWith('4:name5:first4:name6:second'), 'e')).name).toBe('first');
  });
});
