import { describe, expect, it } from 'vitest';
import { asDict, bdecode } from '../bencode.ts';
import { ProtocolError } from '../protocol-error.ts';
import { CREATED_BY, encodeInfoDict, encodeTorrent, type TorrentInput } from './encode-torrent.ts';
import { parseTorrent } from './parse-torrent.ts';

const KiB16 = 16 * 1024;
const hashes = (n: number) => new Uint8Array(20 * n).map((_, i) => (i * 7) % 256);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

const multi: TorrentInput = {
  name: 'photos',
  pieceLengthBytes: KiB16,
  pieceHashes: hashes(3),
  multiFile: true,
  files: [
    { path: ['2024', 'a.jpg'], lengthBytes: KiB16 * 2 },
    { path: ['b.jpg'], lengthBytes: 7 },
  ],
  announceList: [
    ['udp://127.0.0.1:6969/announce'],
    ['http://127.0.0.1:8000/announce', 'http://[::1]:8000/announce'],
  ],
  comment: 'holiday',
  creationDate: 1_700_000_000,
  private: true,
  webSeeds: ['http://127.0.0.1:8080/photos/', 'https://127.0.0.1:8443/mirror/'],
};

describe('encodeTorrent', () => {
  it('round-trips a multi-file torrent through parseTorrent', () => {
    const m = parseTorrent(encodeTorrent(multi));
    expect(m).toMatchObject({
      name: 'photos',
      pieceLengthBytes: KiB16,
      pieceCount: 3,
      multiFile: true,
      totalLengthBytes: 2 * KiB16 + 7,
      private: true,
      comment: 'holiday',
      createdBy: CREATED_BY,
      creationDate: 1_700_000_000,
      announceList: multi.announceList,
      webSeeds: multi.webSeeds,
    });
    expect(m.files.map((f) => [f.path, f.lengthBytes, f.offsetBytes])).toEqual([
      [['2024', 'a.jpg'], 2 * KiB16, 0],
      [['b.jpg'], 7, 2 * KiB16],
    ]);
    expect(m.pieceHashes).toEqual(hashes(3));
    expect(m.infoBytes).toEqual(encodeInfoDict(multi));
  });

  it('writes the exact single-file info dict mktorrent writes (sorted keys)', () => {
    const info = encodeInfoDict({
      name: 'a',
      pieceLengthBytes: KiB16,
      pieceHashes: hashes(1),
      multiFile: false,
      files: [{ path: ['a'], lengthBytes: 3 }],
    });
    expect(text(info.subarray(0, 47))).toBe('d6:lengthi3e4:name1:a12:piece lengthi16384e6:pi');
    expect(info.length).toBe(47 + 'eces20:'.length + 20 + 1);
  });

  it('writes announce alone for one tracker and announce-list for more (BEP 12)', () => {
    const one = asDict(bdecode(encodeTorrent({ ...multi, announceList: [['udp://x:1']] })), 'root');
    expect(text(one.announce as Uint8Array)).toBe('udp://x:1');
    expect(one['announce-list']).toBeUndefined();
    const many = asDict(bdecode(encodeTorrent(multi)), 'root');
    expect(text(many.announce as Uint8Array)).toBe('udp://127.0.0.1:6969/announce');
    expect(many['announce-list']).toHaveLength(2);
    const none = asDict(bdecode(encodeTorrent({ ...multi, announceList: [], createdBy: null })), 'root');
    expect(none.announce).toBeUndefined();
    expect(none['created by']).toBeUndefined();
  });

  it('omits private when false', () => {
    expect(text(encodeInfoDict({ ...multi, private: false }))).not.toContain('7:private');
    expect(text(encodeInfoDict(multi))).toContain('7:privatei1e');
  });

  it.each<[string, Partial<TorrentInput>]>([
    ['a bad piece length', { pieceLengthBytes: 1000 }],
    ['missing hashes', { pieceHashes: hashes(2) }],
    ['an escaping path', { files: [{ path: ['..', 'x'], lengthBytes: 2 * KiB16 + 7 }] }],
    ['a device name', { name: 'NUL' }],
    ['no files', { files: [] }],
    ['a negative length', { files: [{ path: ['x'], lengthBytes: -1 }] }],
    ['two files in single-file mode', { multiFile: false }],
  ])('refuses %s with a ProtocolError', (_name, patch) => {
    expect(() => encodeTorrent({ ...multi, ...patch })).toThrow(ProtocolError);
  });
});
