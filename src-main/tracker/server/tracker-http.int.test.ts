// The tracker's HTTP face on loopback, driven by our real HTTP tracker client (fetch) and
// the UDP client: one swarm table, one set of limits, two protocols on one port number.
import { afterEach, describe, expect, it } from 'vitest';
import { bdecode } from '../../protocol/bencode.ts';
import { HttpTrackerClient } from '../client/http-tracker-client.ts';
import type { AnnounceParams } from '../client/tracker-client-api.ts';
import { UdpTrackerClient } from '../client/udp-tracker-client.ts';
import { TrackerServer } from './tracker-server.ts';

const hash = (v: number) => {
  const h = new Uint8Array(20).fill(v);
  h[0] = 0x25; // '%': the query must escape it
  h[1] = 0x80; // not UTF-8 on its own
  return h;
};

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function startServer(options: ConstructorParameters<typeof TrackerServer>[0] = {}) {
  const server = new TrackerServer({ intervalSec: 15, http: true, ...options });
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
  closers.push(() => server.close());
  return { server, port, http: `http://127.0.0.1:${port}/announce`, udp: `udp://127.0.0.1:${port}` };
}

const params = (v: number, fields: Partial<AnnounceParams> = {}): AnnounceParams => ({
  infoHash: hash(v),
  peerId: new Uint8Array(20).fill(0xee),
  port: 6000,
  uploaded: 0,
  downloaded: 0,
  left: 100,
  event: 'started',
  numWant: 50,
  ...fields,
});

describe('TrackerServer HTTP face', () => {
  it('shares one swarm between HTTP and UDP announces, and scrapes over HTTP (BEP 48)', async () => {
    const { server, http, udp } = await startServer();
    const overHttp = new HttpTrackerClient(http);
    const overUdp = new UdpTrackerClient(udp, { baseTimeoutMs: 1000 });
    closers.push(
      () => overHttp.close(),
      () => overUdp.close(),
    );

    const first = await overHttp.announce(params(1, { port: 6001, left: 0 }));
    expect(first).toMatchObject({ intervalSec: 15, seeders: 1, leechers: 0, peers: [] });
    const second = await overUdp.announce(params(1, { port: 6002 }));
    expect(second.peers).toEqual([{ host: '127.0.0.1', port: 6001 }]);
    const third = await overHttp.announce(params(1, { port: 6003, event: 'none' }));
    expect(third).toMatchObject({ seeders: 1, leechers: 2 });
    expect(third.peers.map((p) => p.port).sort()).toEqual([6001, 6002]);

    await overHttp.announce(params(1, { port: 6003, left: 0, event: 'completed' }));
    expect(await overHttp.scrape([hash(1), hash(2)])).toEqual([
      { seeders: 2, completed: 1, leechers: 1 },
      { seeders: 0, completed: 0, leechers: 0 },
    ]);
    await overHttp.announce(params(1, { port: 6003, event: 'stopped' }));
    expect(server.stats()).toMatchObject({ swarms: 1, peers: 2, internalErrors: 0 });
    expect(server.stats().httpRequests).toBe(5);
  });

  it('applies the same limits: the new-swarm quota answers with a failure reason', async () => {
    const { http } = await startServer({ swarmCreateBurst: 2, swarmCreatePerMinute: 1 });
    const client = new HttpTrackerClient(http);
    closers.push(() => client.close());
    await client.announce(params(1));
    await client.announce(params(2));
    await expect(client.announce(params(3))).rejects.toMatchObject({
      name: 'TrackerError',
      code: 'tracker-error',
      message: 'too many new torrents from this address',
    });
    await client.announce(params(1, { event: 'none' })); // an existing swarm still works
  });

  it('answers malformed requests with a failure reason and unknown paths with 404', async () => {
    const { port, server } = await startServer();
    const base = `http://127.0.0.1:${port}`;
    const bad = await fetch(`${base}/announce?info_hash=short&peer_id=x&port=1&left=0`);
    expect(bad.status).toBe(200);
    expect(await bad.text()).toMatch(/^d14:failure reason\d+:malformed request: /);
    expect((await fetch(`${base}/other`)).status).toBe(404);
    expect((await fetch(`${base}/announce`, { method: 'POST', body: 'x' })).status).toBe(405);
    const full = await fetch(`${base}/scrape`);
    expect(await full.text()).toMatch(/failure reason/); // no full scrape
    expect(server.stats().internalErrors).toBe(0);
  });

  it('dual-stack on ::, answers an IPv6 announce with BEP 7 peers6 and an IPv4 one with peers', async () => {
    const server = new TrackerServer({ intervalSec: 15, http: true });
    const { port } = await server.listen({ host: '::', port: 0 });
    closers.push(() => server.close());
    const v4 = new HttpTrackerClient(`http://127.0.0.1:${port}/announce`);
    const v6 = new HttpTrackerClient(`http://[::1]:${port}/announce`);
    closers.push(
      () => v4.close(),
      () => v6.close(),
    );
    await v4.announce(params(3, { port: 6004 }));
    await v6.announce(params(3, { port: 6006 }));
    expect((await v4.announce(params(3, { port: 6014 }))).peers).toEqual([{ host: '127.0.0.1', port: 6004 }]);
    expect((await v6.announce(params(3, { port: 6016 }))).peers).toEqual([{ host: '::1', port: 6006 }]);
    // The reply itself: 18-byte entries under `peers6`, and no IPv4 list.
    const escaped = [...hash(3)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    const res = await fetch(
      `http://[::1]:${port}/announce?info_hash=${escaped}&peer_id=${'%ee'.repeat(20)}&port=6026&uploaded=0&downloaded=0&left=1&compact=1`,
    );
    const body = bdecode(new Uint8Array(await res.arrayBuffer())) as Record<string, unknown>;
    expect((body.peers6 as Uint8Array).length % 18).toBe(0);
    expect((body.peers6 as Uint8Array).length / 18).toBe(2);
    expect(body.peers ?? new Uint8Array(0)).toHaveLength(0);
  });

  it('with any port asked for, UDP and TCP get the same number; close frees both', async () => {
    const { port, server } = await startServer();
    await server.close();
    const again = new TrackerServer({ http: true });
    closers.push(() => again.close());
    expect((await again.listen({ host: '127.0.0.1', port })).port).toBe(port);
  });
});
