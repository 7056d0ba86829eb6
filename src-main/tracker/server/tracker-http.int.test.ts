// The tracker's HTTP face on loopback, driven by our real HTTP tracker client (fetch) and
// the UDP client: one swarm table, one set of limits, two protocols on one port number.
import net from 'node:net';
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

  it('listens on IPv6 and IPv4 by default: ::ffff:127.0.0.1 is an IPv4 peer and gets the IPv4 swarm, ::1 the IPv6 one', async () => {
    const server = new TrackerServer({ intervalSec: 15, http: true });
    const bound = await server.listen({ port: 0 });
    closers.push(() => server.close());
    expect(bound).toMatchObject({ host: '::', family: 6 });
    const { port } = bound;
    const udp4 = new UdpTrackerClient(`udp://127.0.0.1:${port}`, { baseTimeoutMs: 1000 });
    const udp6 = new UdpTrackerClient(`udp://[::1]:${port}`, { baseTimeoutMs: 1000 });
    const http4 = new HttpTrackerClient(`http://127.0.0.1:${port}/announce`);
    const http6 = new HttpTrackerClient(`http://[::1]:${port}/announce`);
    closers.push(
      () => udp4.close(),
      () => udp6.close(),
      () => http4.close(),
      () => http6.close(),
    );
    await udp4.announce(params(5, { port: 6101 }));
    await udp6.announce(params(5, { port: 6102 }));
    // The IPv4 sender arrived on the dual-stack socket as ::ffff:127.0.0.1: it is listed as
    // plain 127.0.0.1, an IPv4 peer, never under its mapped spelling.
    const swarm = server.snapshot().swarms.find((s) => s.peers.length === 2);
    expect(swarm?.peers.map((p) => p.ip).sort()).toEqual(['127.0.0.1', '::1']);
    // Each family gets its own swarm half back, over UDP and over HTTP.
    expect((await udp4.announce(params(5, { port: 6103 }))).peers).toEqual([
      { host: '127.0.0.1', port: 6101 },
    ]);
    expect((await udp6.announce(params(5, { port: 6104 }))).peers).toEqual([{ host: '::1', port: 6102 }]);
    expect((await http4.announce(params(5, { port: 6105 }))).peers.map((p) => p.host)).toEqual([
      '127.0.0.1',
      '127.0.0.1',
    ]);
    expect((await http6.announce(params(5, { port: 6106 }))).peers.map((p) => p.host)).toEqual([
      '::1',
      '::1',
    ]);
    expect(server.stats().internalErrors).toBe(0);
  });

  it('caps TCP connections per address: a flood from 127.0.0.2 is cut at the cap and 127.0.0.1 is still answered', async () => {
    const cap = 16;
    // Room for 20 connections in all: without the per-address cap, the flood's 40 would
    // take every one and 127.0.0.1 would be turned away.
    const { server, port, http } = await startServer({
      httpConnectionsPerIp: cap,
      httpIdleTimeoutMs: 1500,
      httpMaxConnections: cap + 4,
    });
    const flood = 40;
    const sockets: net.Socket[] = [];
    closers.push(() => sockets.forEach((s) => s.destroy()));
    const closedBy = (s: net.Socket) => new Promise<void>((resolve) => s.once('close', () => resolve()));
    const closings: Promise<void>[] = [];
    await Promise.all(
      Array.from({ length: flood }, () => {
        const s = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
        s.on('error', () => undefined); // a refused socket may see ECONNRESET
        sockets.push(s);
        closings.push(closedBy(s));
        return new Promise<void>((resolve) =>
          s.once('connect', () => resolve()).once('close', () => resolve()),
        );
      }),
    );
    // Everything over the cap is closed by the tracker at once (the rest sent nothing yet).
    await expect.poll(() => sockets.filter((s) => s.closed).length, { timeout: 10_000 }).toBe(flood - cap);
    expect(server.stats().httpConnectionsRefused).toBe(flood - cap);

    // Another address is served while the flood holds its 16.
    const other = new HttpTrackerClient(http);
    closers.push(() => other.close());
    expect(await other.announce(params(7, { port: 6201 }))).toMatchObject({ leechers: 1 });

    // The 16 idle connections are closed after the idle time-out, which frees the address.
    await Promise.all(closings);
    // A new connection from the flooding address is answered again.
    const late = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
    sockets.push(late);
    const reply = await new Promise<string>((resolve, reject) => {
      let text = '';
      late.on('error', reject);
      late.on('data', (d: Buffer) => (text += d.toString('latin1')));
      late.on('close', () => resolve(text));
      late.on('connect', () =>
        late.end(
          `GET /scrape?info_hash=${'%07'.repeat(20)} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`,
        ),
      );
    });
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
    expect(server.stats().httpConnectionsRefused).toBe(flood - cap);
  }, 30_000);
});
