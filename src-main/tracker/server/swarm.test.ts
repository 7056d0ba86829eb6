import { describe, expect, it } from 'vitest';
import { decodeCompactPeers, encodeCompactPeers } from '../../protocol/udp-tracker/compact-peers.ts';
import type { IpFamily } from '../../protocol/ip-address.ts';
import { TrackerSwarm, type PeerList } from './swarm.ts';

const familyOf = (ip: string): IpFamily => (ip.includes(':') ? 6 : 4);
const entry = (ip: string, port: number) => encodeCompactPeers([{ host: ip, port }], familyOf(ip));
const add = (swarm: TrackerSwarm, ip: string, port: number, seeder = false) =>
  swarm.add(familyOf(ip), entry(ip, port), seeder, 0);
const remove = (swarm: TrackerSwarm, ip: string, port: number) =>
  swarm.removeAt(familyOf(ip), swarm.lists[familyOf(ip)].find(entry(ip, port)));

/** Every packed entry is found at its own index, and the list holds exactly `expected`. */
function expectConsistent(list: PeerList, family: IpFamily, expected: string[]): void {
  const packed = decodeCompactPeers(list.packed.subarray(0, list.length * list.entryBytes), family);
  expect(packed.map((p) => `${p.host}|${p.port}`).sort()).toEqual([...expected].sort());
  packed.forEach((p, i) => {
    expect(list.find(entry(p.host, p.port))).toBe(i);
    expect(list.peerAt(i)).toEqual(p);
  });
}

describe('TrackerSwarm', () => {
  it('keeps entries findable through adds and swap-removes', () => {
    const swarm = new TrackerSwarm(12345);
    const v4 = new Set<string>();
    for (let i = 0; i < 100; i++) {
      add(swarm, `10.0.${i >> 8}.${i & 255}`, 1000 + i);
      v4.add(`10.0.${i >> 8}.${i & 255}|${1000 + i}`);
    }
    add(swarm, '2001:db8::1', 1);
    add(swarm, '2001:db8::2', 2);
    expectConsistent(swarm.lists[4], 4, [...v4]);
    expectConsistent(swarm.lists[6], 6, ['2001:db8::1|1', '2001:db8::2|2']);
    // Remove from the front, the middle and the end.
    for (const i of [0, 50, 99, 1, 98]) {
      remove(swarm, `10.0.0.${i}`, 1000 + i);
      v4.delete(`10.0.0.${i}|${1000 + i}`);
    }
    remove(swarm, '2001:db8::1', 1);
    expect(swarm.size).toBe(96);
    expectConsistent(swarm.lists[4], 4, [...v4]);
    expectConsistent(swarm.lists[6], 6, ['2001:db8::2|2']);
    expect(swarm.lists[4].find(entry('10.9.9.9', 1))).toBe(-1);
    remove(swarm, '10.9.9.9', 1); // unknown: nothing happens
    expect(swarm.size).toBe(96);
  });

  it('finds every peer after random adds and removes (probe runs stay intact)', () => {
    // A small port range from one address: many entries share hash prefixes and probe runs.
    let state = 7;
    const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const swarm = new TrackerSwarm(99);
    const live = new Set<number>();
    for (let step = 0; step < 5000; step++) {
      const port = 1 + Math.floor(random() * 400);
      if (live.has(port)) {
        remove(swarm, '192.0.2.1', port);
        live.delete(port);
      } else {
        add(swarm, '192.0.2.1', port);
        live.add(port);
      }
    }
    expectConsistent(
      swarm.lists[4],
      4,
      [...live].map((p) => `192.0.2.1|${p}`),
    );
    for (let port = 1; port <= 400; port++)
      expect(swarm.lists[4].find(entry('192.0.2.1', port)) >= 0).toBe(live.has(port));
  });

  it('gives memory back as a swarm empties and still copies the right entry', () => {
    const swarm = new TrackerSwarm();
    for (let i = 0; i < 256; i++) add(swarm, `10.1.0.${i}`, 7000 + i);
    const grown = swarm.lists[4].packed.length;
    for (let i = 0; i < 250; i++) remove(swarm, `10.1.0.${i}`, 7000 + i);
    expect(swarm.lists[4].packed.length).toBeLessThan(grown / 4);
    expectConsistent(
      swarm.lists[4],
      4,
      Array.from({ length: 6 }, (_, k) => `10.1.0.${250 + k}|${7250 + k}`),
    );
    const out = new Uint8Array(8).fill(0xee);
    swarm.lists[4].copyEntry(0, out, 1);
    expect(decodeCompactPeers(out.subarray(1, 7), 4)).toEqual([swarm.lists[4].peerAt(0)]);
    expect([out[0], out[7]]).toEqual([0xee, 0xee]);
  });

  it('counts seeders as they join, change and leave', () => {
    const swarm = new TrackerSwarm();
    add(swarm, '10.0.0.1', 1, true);
    const at = add(swarm, '10.0.0.2', 2);
    expect(swarm.seeders).toBe(1);
    swarm.setSeeder(4, at, true);
    swarm.setSeeder(4, at, true);
    expect(swarm.seeders).toBe(2);
    remove(swarm, '10.0.0.1', 1);
    expect(swarm.seeders).toBe(1);
  });

  it('moves a seeder flag and last-seen time with the peer a removal moves', () => {
    const swarm = new TrackerSwarm();
    add(swarm, '10.0.0.1', 1);
    swarm.lists[4].push(entry('10.0.0.2', 2), true, 42);
    remove(swarm, '10.0.0.1', 1);
    const list = swarm.lists[4];
    expect(list.find(entry('10.0.0.2', 2))).toBe(0);
    expect([list.seeder[0], list.lastSeenMs[0]]).toEqual([1, 42]);
  });
});
