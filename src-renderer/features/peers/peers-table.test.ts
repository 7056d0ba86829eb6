import { describe, expect, it } from 'vitest';
import type { PeerDetail } from '../../../src-shared/types/torrent.ts';
import { flagsText } from './peers-table.tsx';

const flags = (f: Partial<PeerDetail['flags']>): PeerDetail =>
  ({
    flags: {
      amChoking: true,
      peerChoking: true,
      amInterested: false,
      peerInterested: false,
      snubbed: false,
      incoming: false,
      encrypted: false,
      utp: false,
      optimistic: false,
      ...f,
    },
  }) as PeerDetail;

describe('peer flags in words', () => {
  it('a seeder uploading to a leecher says so, and does not call it choked', () => {
    expect(
      flagsText(flags({ incoming: true, amChoking: false, peerInterested: true, peerChoking: true })),
    ).toBe('incoming · uploading to them');
  });

  it('a peer over uTP says so after the direction', () => {
    expect(flagsText(flags({ utp: true }))).toBe('outgoing · uTP');
  });

  it('a leecher says whether the peer lets it download', () => {
    expect(flagsText(flags({ amInterested: true, peerChoking: true }))).toBe('outgoing · choked by them');
    expect(flagsText(flags({ amInterested: true, peerChoking: false }))).toBe(
      'outgoing · downloading from them',
    );
  });
});
