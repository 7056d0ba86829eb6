import { describe, expect, it } from 'vitest';
import { audienceChanges, departure, describeAudienceChange, type AudienceEntry } from './share-audience.ts';

const peer = (address: string, uploadedBytes: number, progress = 0, client = 'libtorrent 2.0.8') => ({
  address,
  client,
  uploadedBytes,
  progress,
});

describe('who downloads from a share', () => {
  it('a peer that received nothing is not reported, not even when it leaves', () => {
    const known = new Map<string, AudienceEntry>();
    expect(audienceChanges(known, [peer('10.0.0.2:6881', 0)])).toEqual([]);
    expect(departure(known, peer('10.0.0.2:6881', 0))).toBeNull();
    expect(known.size).toBe(0);
  });

  it('reports a peer once when it starts receiving, once when complete, and when it leaves with what it got', () => {
    const known = new Map<string, AudienceEntry>();
    expect(audienceChanges(known, [peer('10.0.0.2:6881', 16384, 0.1)])).toEqual([
      { kind: 'receiving', address: '10.0.0.2:6881', client: 'libtorrent 2.0.8' },
    ]);
    expect(audienceChanges(known, [peer('10.0.0.2:6881', 32768, 0.5)])).toEqual([]);
    expect(audienceChanges(known, [peer('10.0.0.2:6881', 65536, 1)])).toEqual([
      { kind: 'complete', address: '10.0.0.2:6881', client: 'libtorrent 2.0.8' },
    ]);
    expect(audienceChanges(known, [peer('10.0.0.2:6881', 65536, 1)])).toEqual([]);
    expect(departure(known, peer('10.0.0.2:6881', 65536, 1))).toEqual({
      kind: 'left',
      address: '10.0.0.2:6881',
      client: 'libtorrent 2.0.8',
      sentBytes: 65536,
    });
    expect(known.size).toBe(0);
  });

  it('a download that came and went between two looks is still reported when it leaves', () => {
    const known = new Map<string, AudienceEntry>();
    expect(departure(known, peer('10.0.0.4:6881', 3 * 2 ** 20, 1))).toMatchObject({
      kind: 'left',
      sentBytes: 3 * 2 ** 20,
    });
  });

  it('a peer that connects as a seed is not called complete before it received anything', () => {
    const known = new Map<string, AudienceEntry>();
    expect(audienceChanges(known, [peer('10.0.0.3:1', 0, 1)])).toEqual([]);
  });

  it('lines name the share, the address and the client, and leave out an unknown client', () => {
    expect(
      describeAudienceChange('photos', {
        kind: 'left',
        address: '[::1]:7000',
        client: 'Unknown',
        sentBytes: 3 * 2 ** 20,
      }),
    ).toBe('photos: [::1]:7000 left after receiving 3.00 MiB');
    expect(
      describeAudienceChange('photos', {
        kind: 'receiving',
        address: '10.0.0.2:6881',
        client: 'Transmission 3.00',
      }),
    ).toBe('photos: 10.0.0.2:6881 (Transmission 3.00) is downloading');
  });
});
