import { describe, expect, it } from 'vitest';
import {
  admitPeer,
  defaultSlotPolicy,
  evictionOrder,
  peersToDrop,
  type AdmitDecision,
  type SlotPeer,
  type SlotPolicy,
} from './peer-slots.ts';

const NOW = 1_000_000;
const POLICY: SlotPolicy = {
  maxPeers: 3,
  maxPerIp: 2,
  overflowSlots: 1,
  evictIdleMs: 5_000,
  neverUsefulMs: 60_000,
  inactiveMs: 600_000,
};

let nextHost = 1;
function peer(id: string, extra: Partial<SlotPeer> = {}): SlotPeer {
  return {
    id,
    host: `192.0.2.${nextHost++}`,
    connectedAtMs: NOW - 30_000,
    lastUsefulAtMs: NOW - 1_000,
    interested: false,
    ...extra,
  };
}

describe('admitPeer', () => {
  const cases: { name: string; peers: SlotPeer[]; host?: string; want: AdmitDecision }[] = [
    { name: 'room left: admitted, nobody evicted', peers: [peer('a')], want: { admit: true, evict: null } },
    {
      name: 'an address at its per-IP limit is refused even with room',
      peers: [peer('a', { host: '198.51.100.7' }), peer('b', { host: '198.51.100.7' })],
      host: '198.51.100.7',
      want: { admit: false, reason: 'per-ip-limit' },
    },
    {
      name: 'full of useful peers: the overflow slot takes the newcomer',
      peers: [peer('a', { interested: true }), peer('b', { interested: true }), peer('c')],
      want: { admit: true, evict: null },
    },
    {
      name: 'full and overflow taken: refused',
      peers: [peer('a', { interested: true }), peer('b'), peer('c'), peer('d')],
      want: { admit: false, reason: 'full' },
    },
    {
      name: 'full: the peer idle longest is evicted',
      peers: [
        peer('a', { lastUsefulAtMs: NOW - 20_000 }),
        peer('b', { lastUsefulAtMs: NOW - 90_000 }),
        peer('c', { lastUsefulAtMs: NOW - 6_000 }),
      ],
      want: { admit: true, evict: 'b' },
    },
    {
      name: 'full: a peer that never was useful goes before one that was',
      peers: [
        peer('a', { lastUsefulAtMs: NOW - 300_000 }),
        peer('b', { lastUsefulAtMs: null, connectedAtMs: NOW - 6_000 }),
        peer('c', { interested: true }),
      ],
      want: { admit: true, evict: 'b' },
    },
    {
      name: 'full: an interested peer is never evicted, however long without payload',
      peers: [
        peer('a', { interested: true, lastUsefulAtMs: null, connectedAtMs: NOW - 3_600_000 }),
        peer('b', { interested: true }),
        peer('c', { interested: true }),
        peer('d', { interested: true }),
      ],
      want: { admit: false, reason: 'full' },
    },
    {
      name: 'full: a silent peer younger than the grace is not evicted yet',
      peers: [
        peer('a', { lastUsefulAtMs: null, connectedAtMs: NOW - 4_999 }),
        peer('b', { lastUsefulAtMs: NOW - 4_000 }),
        peer('c', { lastUsefulAtMs: NOW - 1 }),
        peer('d', { lastUsefulAtMs: NOW - 1 }),
      ],
      want: { admit: false, reason: 'full' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(admitPeer(c.peers, c.host ?? '203.0.113.1', NOW, POLICY)).toEqual(c.want);
    });
  }

  it('every honest peer on one host shares its limit: the next is refused, other hosts are not', () => {
    const local = [peer('a', { host: '127.0.0.1' }), peer('b', { host: '127.0.0.1' })];
    expect(admitPeer(local, '127.0.0.1', NOW, POLICY)).toEqual({ admit: false, reason: 'per-ip-limit' });
    expect(admitPeer(local, '127.0.0.2', NOW, POLICY)).toEqual({ admit: true, evict: null });
  });
});

describe('peersToDrop', () => {
  it('drops a peer never useful after the time-out, keeps a younger one and interested ones', () => {
    const peers = [
      peer('old-silent', { lastUsefulAtMs: null, connectedAtMs: NOW - 60_000 }),
      peer('young-silent', { lastUsefulAtMs: null, connectedAtMs: NOW - 59_999 }),
      peer('old-interested', { lastUsefulAtMs: null, connectedAtMs: NOW - 3_600_000, interested: true }),
    ];
    expect(peersToDrop(peers, NOW, POLICY)).toEqual([{ id: 'old-silent', reason: 'never-useful' }]);
  });

  it('keeps a never-useful peer while the torrent is less than half full (no slot is wanted)', () => {
    const silent = peer('silent', { lastUsefulAtMs: null, connectedAtMs: NOW - 3_600_000 });
    expect(peersToDrop([silent], NOW, { ...POLICY, maxPeers: 4 })).toEqual([]);
    expect(peersToDrop([silent, peer('b')], NOW, { ...POLICY, maxPeers: 4 })).toEqual([
      { id: 'silent', reason: 'never-useful' },
    ]);
  });

  it('drops a peer useless for the inactivity time-out (once useful)', () => {
    const peers = [
      peer('stale', { lastUsefulAtMs: NOW - 600_000 }),
      peer('recent', { lastUsefulAtMs: NOW - 599_999 }),
    ];
    expect(peersToDrop(peers, NOW, POLICY)).toEqual([{ id: 'stale', reason: 'inactive' }]);
  });

  it('over the limit (overflow used): the least useful idle peers go until it fits', () => {
    const peers = [
      peer('a', { interested: true }),
      peer('b', { lastUsefulAtMs: NOW - 30_000 }),
      peer('c', { lastUsefulAtMs: NOW - 10_000 }),
      peer('d', { lastUsefulAtMs: null, connectedAtMs: NOW - 8_000 }),
      peer('e', { interested: true }),
    ];
    expect(peersToDrop(peers, NOW, POLICY)).toEqual([
      { id: 'd', reason: 'over-limit' },
      { id: 'b', reason: 'over-limit' },
    ]);
  });

  it('over the limit but nobody idle long enough: nobody is dropped yet', () => {
    const peers = ['a', 'b', 'c', 'd'].map((id) => peer(id, { lastUsefulAtMs: NOW - 100 }));
    expect(peersToDrop(peers, NOW, POLICY)).toEqual([]);
  });
});

describe('evictionOrder', () => {
  it('ties on idleness go to the oldest connection, then the id', () => {
    const peers = [
      peer('z', { lastUsefulAtMs: NOW - 9_000, connectedAtMs: NOW - 50_000 }),
      peer('y', { lastUsefulAtMs: NOW - 9_000, connectedAtMs: NOW - 70_000 }),
      peer('x', { lastUsefulAtMs: NOW - 9_000, connectedAtMs: NOW - 50_000 }),
    ];
    expect(evictionOrder(peers, NOW, POLICY).map((p) => p.id)).toEqual(['y', 'x', 'z']);
  });
});

describe('defaultSlotPolicy', () => {
  it('gives a 50-slot torrent 5 overflow slots and 8 connections per IP', () => {
    const p = defaultSlotPolicy(50);
    expect(p).toMatchObject({ maxPeers: 50, maxPerIp: 8, overflowSlots: 5 });
    expect(defaultSlotPolicy(4).overflowSlots).toBe(2);
  });
});
