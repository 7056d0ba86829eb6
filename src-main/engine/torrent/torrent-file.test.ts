import { describe, expect, it } from 'vitest';
import { encodeTorrent } from '../../protocol/metainfo/encode-torrent.ts';
import { parseTorrent } from '../../protocol/metainfo/parse-torrent.ts';
import { mergeTiers, torrentFileFromInfo } from './torrent-file.ts';

describe('torrentFileFromInfo', () => {
  const original = parseTorrent(
    encodeTorrent({
      name: 'a.bin',
      pieceLengthBytes: 16384,
      pieceHashes: new Uint8Array(20),
      multiFile: false,
      files: [{ path: ['a.bin'], lengthBytes: 10 }],
    }),
  );

  it('wraps raw info bytes into a .torrent with the same info-hash and trackers', () => {
    const tiers = [['udp://127.0.0.1:6969'], ['http://t.example/announce', 'udp://b:1']];
    const parsed = parseTorrent(torrentFileFromInfo(original.infoBytes, tiers));
    expect(parsed.infoHashHex).toBe(original.infoHashHex);
    expect(parsed.announceList).toEqual(tiers);
  });

  it('works without trackers', () => {
    const parsed = parseTorrent(torrentFileFromInfo(original.infoBytes, []));
    expect(parsed.infoHashHex).toBe(original.infoHashHex);
    expect(parsed.announceList).toEqual([]);
  });
});

describe('mergeTiers', () => {
  it.each([
    ['nothing saved', [['udp://a:1']], [], [['udp://a:1']]],
    [
      'nothing first',
      [],
      [['udp://a:1', 'udp://b:1'], ['udp://c:1']],
      [['udp://a:1', 'udp://b:1'], ['udp://c:1']],
    ],
    [
      'saved tiers repeat the metainfo: no duplicates',
      [['udp://a:1'], ['udp://b:1']],
      [['udp://a:1'], ['udp://b:1'], ['udp://c:1']],
      [['udp://a:1'], ['udp://b:1'], ['udp://c:1']],
    ],
    [
      'a partly known tier keeps its new URLs',
      [['udp://a:1']],
      [['udp://a:1', 'udp://d:1']],
      [['udp://a:1'], ['udp://d:1']],
    ],
  ])('%s', (_label, first, second, expected) => {
    expect(mergeTiers(first, second)).toEqual(expected);
  });
});
