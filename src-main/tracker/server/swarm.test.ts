import { describe, expect, it } from 'vitest';
import { decodeCompactPeers } from '../../protocol/udp-tracker/compact-peers.ts';
import { Swarm, type PeerList } from './swarm.ts';

const peer = (ip: string, port: number) => ({
  key: `${ip}|${port}`,
  ip,
  port,
  seeder: false,
  lastSeenMs: 0,
  family: ip.includes(':') ? (6 as const) : (4 as const),
});

/** Every record's packed entry decodes to its own address, at its own index. */
function expectAligned(list: PeerList, family: 4 | 6): void {
  const packed = decodeCompactPeers(list.packed.subarray(0, list.length * list.entryBytes), family);
  expect(packed).toEqual(list.records.map((r) => ({ host: r.ip, port: r.port })));
  list.records.forEach((r, i) => expect(r.at).toBe(i));
}

describe('Swarm', () => {
  it('keeps packed compact entries aligned with records through adds and swap-removes', () => {
    const swarm = new Swarm();
    for (let i = 0; i < 100; i++) swarm.add(peer(`10.0.${i >> 8}.${i & 255}`, 1000 + i));
    swarm.add(peer('2001:db8::1', 1));
    swarm.add(peer('2001:db8::2', 2));
    expectAligned(swarm.lists[4], 4);
    expectAligned(swarm.lists[6], 6);
    // Remove from the front, the middle and the end.
    for (const i of [0, 50, 99, 1, 98]) swarm.remove(`10.0.0.${i}|${1000 + i}`);
    swarm.remove('2001:db8::1|1');
    expect(swarm.size).toBe(96);
    expectAligned(swarm.lists[4], 4);
    expectAligned(swarm.lists[6], 6);
    swarm.remove('10.9.9.9|1'); // unknown: nothing happens
    expect(swarm.size).toBe(96);
  });

  it('gives memory back as a swarm empties and still copies the right entry', () => {
    const swarm = new Swarm();
    for (let i = 0; i < 256; i++) swarm.add(peer(`10.1.0.${i}`, 7000 + i));
    const grown = swarm.lists[4].packed.length;
    for (let i = 0; i < 250; i++) swarm.remove(`10.1.0.${i}|${7000 + i}`);
    expect(swarm.lists[4].packed.length).toBeLessThan(grown / 4);
    expectAligned(swarm.lists[4], 4);
    const out = new Uint8Array(8).fill(0xee);
    swarm.lists[4].copyEntry(0, out, 1);
    const first = swarm.lists[4].records[0]!;
    expect(decodeCompactPeers(out.subarray(1, 7), 4)).toEqual([{ host: first.ip, port: first.port }]);
    expect([out[0], out[7]]).toEqual([0xee, 0xee]);
  });

  it('counts seeders as they join and leave', () => {
    const swarm = new Swarm();
    swarm.add({ ...peer('10.0.0.1', 1), seeder: true });
    swarm.add(peer('10.0.0.2', 2));
    expect(swarm.seeders).toBe(1);
    swarm.remove('10.0.0.1|1');
    expect(swarm.seeders).toBe(0);
  });
});
