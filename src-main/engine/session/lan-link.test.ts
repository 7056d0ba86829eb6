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
  const A = 'aa'.repeat(20);
  const B = 'bb'.repeat(20);
  const C = 'cc'.repeat(20);

  it('LSD announces active torrents and never a private one (BEP 27)', () => {
    expect(
      lsdAnnounceable([
        torrent(A, { state: 'downloading' }),
        torrent(B, { private: true }),
        torrent(C, { state: 'paused' }),
      ]),
    ).toEqual([A]);
  });

  it('LSD peers go to public torrents that run, not to private or paused ones', () => {
    expect(takesLsdPeers(torrent(A))).toBe(true);
    expect(takesLsdPeers(torrent(A, { private: true }))).toBe(false);
    expect(takesLsdPeers(torrent(A, { isPaused: true }))).toBe(false);
    expect(takesLsdPeers(undefined)).toBe(false);
  });

  it('the LAN catalog lists seeding shares, not private, unlisted or unfinished ones', () => {
    expect(
      listedShares([
        torrent(A),
        torrent(B, { private: true }),
        torrent(C, { unlisted: true }),
        torrent('dd'.repeat(20), { state: 'downloading' }),
      ]),
    ).toEqual([{ infoHashHex: A, name: 'name-aaaa', totalBytes: 1000 }]);
  });
});
