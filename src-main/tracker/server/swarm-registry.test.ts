import { describe, expect, it } from 'vitest';
import { decodeCompactPeers } from '../../protocol/udp-tracker/compact-peers.ts';
import { SwarmRegistry, type PeerAnnounce } from './swarm-registry.ts';

const H = new Uint8Array(20).fill(0xaa);

function setup(overrides: Partial<ConstructorParameters<typeof SwarmRegistry>[0]> = {}) {
  let now = 1_000_000;
  const reg = new SwarmRegistry({
    now: () => now,
    random: Math.random,
    peerTtlMs: 60_000,
    maxSwarms: 10,
    maxPeersPerSwarm: 100,
    ...overrides,
  });
  const announce = (ip: string, port: number, extra: Partial<PeerAnnounce> = {}) =>
    reg.announce({
      infoHash: H,
      ip,
      family: ip.includes(':') ? 6 : 4,
      replyFamily: ip.includes(':') ? 6 : 4,
      port,
      event: 'none',
      left: 10,
      numWant: 50,
      ...extra,
    });
  return { reg, announce, advance: (ms: number) => (now += ms) };
}

describe('SwarmRegistry', () => {
  it('counts seeders and leechers and never returns the asker to itself', () => {
    const { announce } = setup();
    expect(announce('10.0.0.1', 1, { event: 'started', left: 0 })).toEqual({
      ok: true,
      seeders: 1,
      leechers: 0,
      peers: [],
    });
    const r = announce('10.0.0.2', 2, { event: 'started' });
    expect(r).toEqual({ ok: true, seeders: 1, leechers: 1, peers: [{ host: '10.0.0.1', port: 1 }] });
    const again = announce('10.0.0.1', 1);
    expect(again.ok && again.peers).toEqual([{ host: '10.0.0.2', port: 2 }]);
  });

  it('keys peers by address and listening port', () => {
    const { reg, announce } = setup();
    announce('10.0.0.1', 1);
    announce('10.0.0.1', 2);
    announce('10.0.0.1', 1);
    expect(reg.counts()).toEqual({ swarms: 1, peers: 2, seeders: 0, leechers: 2 });
  });

  it('honours numWant with distinct random peers', () => {
    const { announce } = setup();
    for (let i = 0; i < 60; i++) announce(`10.0.1.${i}`, 1000 + i);
    for (const want of [0, 1, 10, 58, 59, 80]) {
      const r = announce('10.0.1.5', 1005, { numWant: want });
      if (!r.ok) throw new Error('refused');
      expect(r.peers.length).toBe(Math.min(want, 59));
      expect(new Set(r.peers.map((p) => p.port)).size).toBe(r.peers.length);
      expect(r.peers.some((p) => p.port === 1005)).toBe(false);
    }
  });

  it('gives every other peer the same chance of being picked', () => {
    let state = 1;
    const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const { announce } = setup({ random });
    for (let i = 0; i < 60; i++) announce(`10.0.2.${i}`, 2000 + i);
    const picked = new Map<number, number>();
    const rounds = 3000;
    for (let r = 0; r < rounds; r++) {
      const res = announce('10.0.2.7', 2007, { numWant: 10 });
      if (!res.ok) throw new Error('refused');
      for (const p of res.peers) picked.set(p.port, (picked.get(p.port) ?? 0) + 1);
    }
    expect(picked.has(2007)).toBe(false);
    expect(picked.size).toBe(59);
    // Expected (3000 × 10) / 59 ≈ 508 each; a fixed-seed run, so this is exact, not flaky.
    for (const n of picked.values()) expect(Math.abs(n - (rounds * 10) / 59)).toBeLessThan(100);
  });

  it('answers IPv4 askers with IPv4 peers and IPv6 askers with IPv6 peers (BEP 15)', () => {
    const { announce } = setup();
    announce('10.0.0.1', 1);
    announce('2001:db8::1', 2);
    const v4 = announce('10.0.0.2', 3);
    const v6 = announce('2001:db8::2', 4);
    expect(v4.ok && v4.peers).toEqual([{ host: '10.0.0.1', port: 1 }]);
    expect(v6.ok && v6.peers).toEqual([{ host: '2001:db8::1', port: 2 }]);
    expect(v6.ok && [v6.seeders, v6.leechers]).toEqual([0, 4]);
  });

  it('removes a stopped peer at once, and drops the empty swarm', () => {
    const { reg, announce } = setup();
    announce('10.0.0.1', 1, { left: 0 });
    announce('10.0.0.2', 2);
    expect(announce('10.0.0.1', 1, { event: 'stopped', left: 0 })).toEqual({
      ok: true,
      seeders: 0,
      leechers: 1,
      peers: [],
    });
    announce('10.0.0.2', 2, { event: 'stopped' });
    expect(reg.counts()).toEqual({ swarms: 0, peers: 0, seeders: 0, leechers: 0 });
    // stopped for an unknown swarm creates nothing
    announce('10.0.0.3', 3, { event: 'stopped' });
    expect(reg.counts().swarms).toBe(0);
  });

  it('turns a leecher into a seeder on completed and counts it once', () => {
    const { reg, announce } = setup();
    announce('10.0.0.1', 1, { event: 'started', left: 100 });
    announce('10.0.0.1', 1, { event: 'completed', left: 0 });
    announce('10.0.0.1', 1, { event: 'completed', left: 0 });
    expect(reg.scrape(H)).toEqual({ seeders: 1, completed: 1, leechers: 0 });
  });

  it('expires peers silent for longer than the time-to-live', () => {
    const { reg, announce, advance } = setup();
    announce('10.0.0.1', 1, { left: 0 });
    advance(30_000);
    announce('10.0.0.2', 2);
    advance(30_001);
    expect(reg.expire()).toBe(1);
    expect(reg.snapshot()[0]?.peers.map((p) => p.ip)).toEqual(['10.0.0.2']);
    advance(60_000);
    expect(reg.expire()).toBe(1);
    expect(reg.counts().swarms).toBe(0);
  });

  it('refuses new swarms past the bound and ignores peers past the per-swarm bound', () => {
    const { reg, announce } = setup({ maxSwarms: 1, maxPeersPerSwarm: 2 });
    announce('10.0.0.1', 1);
    expect(
      reg.announce({
        infoHash: new Uint8Array(20).fill(0xbb),
        ip: '10.0.0.1',
        family: 4,
        replyFamily: 4,
        port: 1,
        event: 'none',
        left: 0,
        numWant: 5,
      }),
    ).toEqual({
      ok: false,
      reason: 'too-many-swarms',
    });
    announce('10.0.0.2', 2);
    const third = announce('10.0.0.3', 3);
    expect(third.ok && third.peers.length).toBe(2); // still answered
    expect(reg.counts().peers).toBe(2);
  });

  it('knows which addresses seed a swarm', () => {
    const { reg, announce } = setup();
    announce('10.0.0.1', 1, { left: 0 });
    announce('10.0.0.2', 2, { left: 5 });
    expect(reg.hasSeeder(H, '10.0.0.1')).toBe(true);
    expect(reg.hasSeeder(H, '10.0.0.2')).toBe(false);
    expect(reg.hasSeeder(H, '10.0.0.9', true)).toBe(true);
    expect(reg.hasSeeder(new Uint8Array(20).fill(0xcc), '10.0.0.1', true)).toBe(false);
  });

  it('finds a swarm by an info-hash at an offset in a larger buffer (a whole datagram)', () => {
    const { reg, announce } = setup();
    announce('10.0.0.1', 1, { left: 0 });
    const datagram = new Uint8Array(98).fill(7);
    datagram.set(H, 16);
    expect(reg.scrape(datagram, 16)).toEqual({ seeders: 1, completed: 0, leechers: 0 });
    const r = reg.announce({
      infoHash: datagram,
      infoHashOffset: 16,
      ip: '10.0.0.2',
      family: 4,
      replyFamily: 4,
      port: 2,
      event: 'started',
      left: 5,
      numWant: 5,
    });
    expect(r).toEqual({ ok: true, seeders: 1, leechers: 1, peers: [{ host: '10.0.0.1', port: 1 }] });
    expect(reg.counts().swarms).toBe(1);
  });

  it('drops every emptied swarm in one sweep and keeps the others findable', () => {
    const { reg, advance } = setup({ maxSwarms: 100 });
    const hash = (i: number) => new Uint8Array(20).fill(i);
    const join = (i: number) =>
      reg.announce({
        infoHash: hash(i),
        ip: '10.0.0.1',
        family: 4,
        replyFamily: 4,
        port: 1,
        event: 'none',
        left: 1,
        numWant: 0,
      });
    for (let i = 0; i < 40; i++) join(i);
    advance(30_000);
    for (let i = 0; i < 40; i += 3) join(i);
    advance(30_001);
    const kept = Array.from({ length: 40 }, (_, i) => i).filter((i) => i % 3 === 0);
    expect(reg.expire()).toBe(40 - kept.length);
    expect(reg.counts()).toEqual({
      swarms: kept.length,
      peers: kept.length,
      seeders: 0,
      leechers: kept.length,
    });
    for (let i = 0; i < 40; i++) expect(reg.scrape(hash(i)).leechers).toBe(i % 3 === 0 ? 1 : 0);
    expect(reg.snapshot().map((s) => s.infoHashHex)).toEqual(
      kept.map((i) => Buffer.from(hash(i)).toString('hex')).sort(),
    );
  });

  it('answers the compact form with the same peers, packed in BEP 23 form', () => {
    const { reg, announce } = setup({ random: () => 0.5 });
    for (let i = 0; i < 30; i++) announce(`10.0.2.${i}`, 2000 + i);
    const ask = { infoHash: H, ip: '10.0.2.3', family: 4, replyFamily: 4, port: 2003 } as const;
    const plain = reg.announce({ ...ask, event: 'none', left: 10, numWant: 12 });
    const compact = reg.announceCompact({ ...ask, event: 'none', left: 10, numWant: 12 });
    if (!plain.ok || !compact.ok) throw new Error('announce refused');
    expect(compact.peers.length).toBe(12 * 6);
    expect(decodeCompactPeers(compact.peers, 4)).toEqual(plain.peers);
    expect({ ...compact, peers: [] }).toEqual({ ...plain, peers: [] });
  });
});

describe('SwarmRegistry bounds on new swarms', () => {
  const hashOf = (v: number) => {
    const h = new Uint8Array(20);
    new DataView(h.buffer).setUint32(16, v);
    return h;
  };
  const announceTo = (reg: SwarmRegistry, v: number, ip: string, port = 1) =>
    reg.announce({
      infoHash: hashOf(v),
      ip,
      family: 4,
      replyFamily: 4,
      port,
      event: 'started',
      left: 0,
      numWant: 5,
    });

  it('limits the swarms one address creates, not its announces to swarms that exist', () => {
    const { reg, advance } = setup({ maxSwarms: 1000, createBurst: 3, createPerMinute: 6 });
    expect([1, 2, 3, 4].map((v) => announceTo(reg, v, '10.0.0.1').ok)).toEqual([true, true, true, false]);
    expect(announceTo(reg, 4, '10.0.0.1')).toEqual({ ok: false, reason: 'too-many-new-swarms' });
    expect(announceTo(reg, 1, '10.0.0.1').ok).toBe(true); // an existing swarm
    expect(announceTo(reg, 4, '10.0.0.2').ok).toBe(true); // another address
    expect(announceTo(reg, 2, '10.0.0.2').ok).toBe(true); // joining is not creating
    advance(10_000); // one token back
    expect(announceTo(reg, 5, '10.0.0.1').ok).toBe(true);
    expect(reg.counts().swarms).toBe(5);
  });

  it('when full, evicts a swarm whose only peer went silent, never a live or shared one', () => {
    const { reg, advance } = setup({ maxSwarms: 3, staleSwarmMs: 30_000, peerTtlMs: 60_000 });
    announceTo(reg, 1, '10.0.0.1'); // will go silent
    announceTo(reg, 2, '10.0.0.2'); // two peers, both silent: never evicted
    announceTo(reg, 2, '10.0.0.3');
    announceTo(reg, 3, '10.0.0.4'); // keeps announcing
    advance(25_000);
    announceTo(reg, 3, '10.0.0.4');
    expect(announceTo(reg, 4, '10.0.0.5')).toEqual({ ok: false, reason: 'too-many-swarms' });
    advance(10_000); // swarm 1's peer is 35 s silent; swarm 3's only 10 s
    expect(announceTo(reg, 4, '10.0.0.5').ok).toBe(true);
    expect(reg.evicted).toBe(1);
    expect(reg.scrape(hashOf(1))).toEqual({ seeders: 0, completed: 0, leechers: 0 });
    expect(reg.scrape(hashOf(2)).seeders).toBe(2);
    expect(reg.scrape(hashOf(3)).seeders).toBe(1);
    expect(reg.counts()).toMatchObject({ swarms: 3, peers: 4 });
    // Nothing else is stale: the next new swarm is refused.
    expect(announceTo(reg, 5, '10.0.0.6')).toEqual({ ok: false, reason: 'too-many-swarms' });
  });
});
