import { describe, expect, it } from 'vitest';
import {
  lanInterfaceFor,
  listedShares,
  lsdAnnounceable,
  takesLsdPeers,
  type LanTorrent,
} from './lan-link.ts';

describe('lanInterfaceFor: where LAN discovery runs unless told', () => {
  it.each([
    ['every interface when peers are accepted everywhere', {}, '0.0.0.0', 'all'],
    ['every interface for ::', {}, '::', 'all'],
    ["the peer address's interface when it listens on one", {}, '10.0.0.5', '10.0.0.5'],
    ['nowhere when the peer server is on loopback', {}, '127.0.0.1', null],
    ['nowhere for ::1 and localhost', {}, '::1', null],
    ['nowhere for localhost', {}, 'localhost', null],
    [
      'the setting when given, loopback included',
      { interfaceAddress: '127.0.0.1' },
      '127.0.0.1',
      '127.0.0.1',
    ],
  ])('%s', (_what, options, peerHost, expected) => {
    expect(lanInterfaceFor(options, peerHost)).toBe(expected);
  });
});

const torrent = (id: string, over: Partial<LanTorrent> & { private?: boolean } = {}): LanTorrent => ({
  id,
  name: `name-${id.slice(0, 4)}`,
  state: 'seeding',
  unlisted: false,
  isPaused: false,
  ...over,
  metainfo: { private: over.private ?? false, totalLengthBytes: 1000 } as LanTorrent['metainfo'],
});

describe('what LAN discovery says and takes', () => {
  const HASH_1 = 'aa'.repeat(20);
  const HASH_2 = 'bb'.repeat(20);
  const HASH_3 = 'cc'.repeat(20);

  it('LSD announces active torrents and never a private one (BEP 27)', () => {
    expect(
      lsdAnnounceable([
        torrent(HASH_1, { state: 'downloading' }),
        torrent(HASH_2, { private: true }),
        torrent(HASH_3, { state: 'paused' }),
      ]),
    ).toEqual([HASH_1]);
  });

  it('LSD peers go to public torrents that run, not to private or paused ones', () => {
    expect(takesLsdPeers(torrent(HASH_1))).toBe(true);
    expect(takesLsdPeers(torrent(HASH_1, { private: true }))).toBe(false);
    expect(takesLsdPeers(torrent(HASH_1, { isPaused: true }))).toBe(false);
    expect(takesLsdPeers(undefined)).toBe(false);
  });

  it('the LAN catalog lists seeding shares, not private, unlisted or unfinished ones', () => {
    expect(
      listedShares([
        torrent(HASH_1),
        torrent(HASH_2, { private: true }),
        torrent(HASH_3, { unlisted: true }),
        torrent('dd'.repeat(20), { state: 'downloading' }),
      ]),
    ).toEqual([{ infoHashHex: HASH_1, name: 'name-aaaa', totalBytes: 1000 }]);
  });
});
