// Announcer against real trackers on loopback: a dead UDP tracker and a refused HTTP one
// in the first tier, our tracker behind them.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TrackerServer } from '../server/tracker-server.ts';
import { Announcer } from './announcer.ts';
import type { PeerAddress, AnnounceStatus } from './tracker-client-api.ts';
import { UdpTrackerClient } from './udp-tracker-client.ts';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A TCP port nobody listens on (bound then released), for a refused HTTP tracker. */
async function closedTcpPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

describe('Announcer on loopback', () => {
  it('fails over to a live tracker, delivers peers, re-announces, completes and stops', async () => {
    const server = new TrackerServer({ intervalSec: 1 });
    const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
    closers.push(() => server.close());
    const dead = createSocket('udp4');
    await new Promise<void>((r) => dead.bind(0, '127.0.0.1', r));
    closers.push(() => dead.close());
    const live = `udp://127.0.0.1:${port}/announce`;

    // Another peer already seeds the torrent.
    const infoHash = new Uint8Array(20).fill(7);
    const other = new UdpTrackerClient(live, { baseTimeoutMs: 200 });
    closers.push(() => other.close());
    await other.announce({
      infoHash,
      peerId: new Uint8Array(20).fill(1),
      port: 5555,
      uploaded: 0,
      downloaded: 0,
      left: 0,
      event: 'started',
    });

    const received: PeerAddress[][] = [];
    let statuses: AnnounceStatus[] = [];
    let left = 1000;
    const announcer = new Announcer({
      infoHash,
      peerId: new Uint8Array(20).fill(2),
      port: 6666,
      announceList: [
        [`udp://127.0.0.1:${dead.address().port}`, `http://127.0.0.1:${await closedTcpPort()}/announce`],
        [live],
      ],
      totals: () => ({ uploaded: 0, downloaded: 1000 - left, left }),
      onPeers: (peers) => received.push(peers),
      onStatus: (s) => (statuses = s),
      random: () => 0.999,
      udpBaseTimeoutMs: 50,
      udpMaxRetransmits: 1,
      minIntervalSec: 0,
    });
    closers.push(() => announcer.close());
    announcer.start();
    await waitFor('first peers', () => received.length >= 1);
    expect(received[0]).toEqual([{ host: '127.0.0.1', port: 5555 }]);
    expect(statuses.map((s) => s.state)).toEqual(['error', 'error', 'working']);
    expect(statuses[1]?.lastError?.code).toBe('network');
    expect(server.snapshot().swarms[0]?.peers.map((p) => `${p.port}:${p.seeder}`)).toEqual([
      '5555:true',
      '6666:false',
    ]);

    // The tracker asked for 1 s: a second round comes by itself.
    const announcesBefore = server.stats().announces;
    await waitFor('periodic re-announce', () => server.stats().announces > announcesBefore);

    left = 0;
    announcer.completed();
    await waitFor('completed', () => server.snapshot().swarms[0]?.completed === 1);
    expect(server.snapshot().swarms[0]).toMatchObject({ seeders: 2, leechers: 0 });

    await announcer.close({ sendStopped: true, timeoutMs: 1000 });
    expect(server.snapshot().swarms[0]?.peers.map((p) => p.port)).toEqual([5555]);
    await announcer.close({ sendStopped: true });
  });

  it('a dead UDP tracker in the first tier does not hold the swarm: peers from tier 2 within seconds', async () => {
    const server = new TrackerServer({ intervalSec: 60 });
    const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
    closers.push(() => server.close());
    // A bound socket that never answers: datagrams to it vanish, as to a dead tracker.
    const dead = createSocket('udp4');
    await new Promise<void>((r) => dead.bind(0, '127.0.0.1', r));
    closers.push(() => dead.close());
    const live = `udp://127.0.0.1:${port}/announce`;
    const infoHash = new Uint8Array(20).fill(9);
    const seeder = new UdpTrackerClient(live, { baseTimeoutMs: 500 });
    closers.push(() => seeder.close());
    await seeder.announce({
      infoHash,
      peerId: new Uint8Array(20).fill(1),
      port: 5556,
      uploaded: 0,
      downloaded: 0,
      left: 0,
      event: 'started',
    });

    const startedAt = Date.now();
    let firstPeersAfterMs: number | undefined;
    // Default UDP timeouts (15 s, then 30 s, 60 s): only the failover decides.
    const announcer = new Announcer({
      infoHash,
      peerId: new Uint8Array(20).fill(2),
      port: 6667,
      announceList: [[`udp://127.0.0.1:${dead.address().port}`], [live]],
      totals: () => ({ uploaded: 0, downloaded: 0, left: 1000 }),
      onPeers: () => (firstPeersAfterMs ??= Date.now() - startedAt),
    });
    closers.push(() => announcer.close());
    announcer.start();
    await waitFor('peers from the second tier', () => firstPeersAfterMs !== undefined, 20_000);
    expect(firstPeersAfterMs).toBeLessThan(20_000);
    expect(announcer.statuses().map((s) => s.state)).toEqual(['announcing', 'working']);
  }, 30_000);
});
