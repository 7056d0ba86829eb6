// The UDP client against our tracker on loopback, through a proxy that can drop the
// first datagrams, and against a silent socket.
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { TrackerServer } from '../server/tracker-server.ts';
import { listCatalog, publishToCatalog, searchCatalog } from './catalog-client.ts';
import { TrackerError, type AnnounceParams } from './tracker-client-api.ts';
import { UdpTrackerClient } from './udp-tracker-client.ts';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const hash = (v: number) => new Uint8Array(20).fill(v);
const params = (v: number, extra: Partial<AnnounceParams> = {}): AnnounceParams => ({
  infoHash: hash(1),
  peerId: hash(v),
  port: 20_000 + v,
  uploaded: 0,
  downloaded: 0,
  left: 0,
  event: 'started',
  ...extra,
});

async function bind(type: 'udp4' | 'udp6' = 'udp4', host = '127.0.0.1'): Promise<Socket> {
  const s = createSocket(type);
  await new Promise<void>((r) => s.bind(0, host, r));
  closers.push(() => s.close());
  return s;
}

async function startServer(options: ConstructorParameters<typeof TrackerServer>[0] = {}, host = '127.0.0.1') {
  const server = new TrackerServer({ intervalSec: 15, ...options });
  const { port } = await server.listen({ host, port: 0 });
  closers.push(() => server.close());
  return { server, port };
}

/** Forwards client ↔ tracker, dropping the first `dropFirst` datagrams from the client. */
async function dropProxy(trackerPort: number, dropFirst: number) {
  const front = await bind();
  const back = await bind();
  const seen = { actions: [] as number[], dropped: 0 };
  let client: { address: string; port: number } | undefined;
  front.on('message', (m, r) => {
    client = { address: r.address, port: r.port };
    seen.actions.push(m.length >= 12 ? m.readUInt32BE(8) : -1);
    if (seen.dropped < dropFirst) {
      seen.dropped++;
      return;
    }
    back.send(m, trackerPort, '127.0.0.1');
  });
  back.on('message', (m) => client && front.send(m, client.port, client.address));
  return { url: `udp://127.0.0.1:${front.address().port}/announce`, seen };
}

function client(url: string, options: ConstructorParameters<typeof UdpTrackerClient>[1] = {}) {
  const c = new UdpTrackerClient(url, { baseTimeoutMs: 50, maxRetransmits: 4, ...options });
  closers.push(() => c.close());
  return c;
}

describe('UdpTrackerClient on loopback', () => {
  it('announces and scrapes', async () => {
    const { port } = await startServer();
    const url = `udp://127.0.0.1:${port}`;
    const a = client(url);
    const b = client(url);
    await a.announce(params(1));
    const r = await b.announce(params(2, { left: 10 }));
    expect(r).toEqual({
      intervalSec: 15,
      seeders: 1,
      leechers: 1,
      peers: [{ host: '127.0.0.1', port: 20_001 }],
    });
    expect(await a.scrape([hash(1), hash(2)])).toEqual([
      { seeders: 1, completed: 0, leechers: 1 },
      { seeders: 0, completed: 0, leechers: 0 },
    ]);
  });

  it('retransmits when the first datagrams are lost (BEP 15)', async () => {
    const { port, server } = await startServer();
    const proxy = await dropProxy(port, 3);
    const r = await client(proxy.url).announce(params(1));
    expect(r.seeders).toBe(1);
    // three lost connects, the fourth gets through, then the announce
    expect(proxy.seen.actions).toEqual([0, 0, 0, 0, 1]);
    expect(server.stats().connects).toBe(1);
  });

  it('gives up with a timeout after the last retransmit', async () => {
    const silent = await bind();
    let received = 0;
    silent.on('message', () => received++);
    const c = client(`udp://127.0.0.1:${silent.address().port}`, { baseTimeoutMs: 20, maxRetransmits: 3 });
    const err = await c.announce(params(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrackerError);
    expect((err as TrackerError).code).toBe('timeout');
    expect(received).toBe(4);
  });

  it('reuses a connection id for its lifetime, then connects again', async () => {
    const { port } = await startServer();
    const reuse = await dropProxy(port, 0);
    const c1 = client(reuse.url);
    await c1.announce(params(1));
    await c1.announce(params(1, { event: 'none' }));
    expect(reuse.seen.actions).toEqual([0, 1, 1]);
    const expire = await dropProxy(port, 0);
    const c2 = client(expire.url, { connectionIdTtlMs: 0 });
    await c2.announce(params(2));
    await c2.announce(params(2, { event: 'none' }));
    expect(expire.seen.actions).toEqual([0, 1, 0, 1]);
  });

  it('reconnects once when the tracker no longer accepts its id', async () => {
    let now = 50_000_000;
    const { port, server } = await startServer({ now: () => now });
    const proxy = await dropProxy(port, 0);
    const c = client(proxy.url, { connectionIdTtlMs: 600_000 });
    await c.announce(params(1));
    now += 180_000; // the tracker forgot that id
    const r = await c.announce(params(1, { event: 'none' }));
    expect(r.seeders).toBe(1);
    expect(proxy.seen.actions).toEqual([0, 1, 1, 0, 1]);
    expect(server.stats().rejectedConnectionIds).toBe(1);
  });

  it('reports the tracker error message when the tracker refuses', async () => {
    const { port } = await startServer({ maxSwarms: 1 });
    const c = client(`udp://127.0.0.1:${port}`);
    await c.announce(params(1));
    const err = await c.announce(params(1, { infoHash: hash(2) })).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'TrackerError', code: 'tracker-error', message: 'tracker is full' });
  });

  it('close() aborts a request in flight', async () => {
    const silent = await bind();
    const c = client(`udp://127.0.0.1:${silent.address().port}`, { baseTimeoutMs: 10_000 });
    const pending = c.announce(params(1));
    await new Promise((r) => setTimeout(r, 20));
    c.close();
    c.close();
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
    await expect(c.announce(params(1))).rejects.toMatchObject({ code: 'aborted' });
  });

  it('speaks IPv6 with 18-byte peers when the tracker is on ::1', async () => {
    const probe = createSocket('udp6');
    const ok = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.bind(0, '::1', () => resolve(true));
    });
    probe.close();
    if (!ok) {
      console.warn('SKIPPED: no IPv6 loopback on this machine');
      return;
    }
    const { port } = await startServer({}, '::1');
    const url = `udp://[::1]:${port}/announce`;
    await client(url).announce(params(1));
    const r = await client(url).announce(params(2));
    expect(r.peers).toEqual([{ host: '::1', port: 20_001 }]);
  });

  it('a dual-stack tracker on :: answers IPv4 clients with IPv4 peers and IPv6 clients with IPv6 peers', async () => {
    const { port } = await startServer({}, '::');
    const v4 = `udp://127.0.0.1:${port}/announce`;
    const v6 = `udp://[::1]:${port}/announce`;
    await client(v4).announce(params(1));
    await client(v6).announce(params(2));
    // Same swarm, each family answered in its own compact form (6 / 18 bytes per peer).
    expect((await client(v4).announce(params(3))).peers).toEqual([{ host: '127.0.0.1', port: 20_001 }]);
    expect((await client(v6).announce(params(4))).peers).toEqual([{ host: '::1', port: 20_002 }]);
    expect((await client(v4).scrape([hash(1)]))[0]).toMatchObject({ seeders: 4 });
  });

  it('announces with an IPv6 announce address over UDP by leaving BEP 15’s IPv4-only IP field empty', async () => {
    const { port } = await startServer({}, '::1');
    const url = `udp://[::1]:${port}/announce`;
    await client(url).announce(params(1, { ip: 'fd00::5' }));
    const r = await client(url).announce(params(2));
    expect(r.peers).toEqual([{ host: '::1', port: 20_001 }]);
  });

  it('publishes to and searches the catalog', async () => {
    const { port } = await startServer({ publishBurst: 100 });
    const url = `udp://127.0.0.1:${port}`;
    const fast = { baseTimeoutMs: 200, maxRetransmits: 3 };
    await expect(
      publishToCatalog(url, { infoHash: hash(1), name: 'not seeded', totalSizeBytes: 1, fileCount: 1 }, fast),
    ).rejects.toMatchObject({ code: 'tracker-error' });
    const seeder = client(url);
    for (let v = 1; v <= 30; v++) await seeder.announce(params(1, { infoHash: hash(v) }));
    for (let v = 1; v <= 30; v++) {
      const name = `${v % 2 ? 'Photos' : 'Music'} ${String(v).padStart(2, '0')}\n${'·'.repeat(80)}`;
      expect(
        await publishToCatalog(
          url,
          { infoHash: hash(v), name, totalSizeBytes: v * 1000, fileCount: v },
          fast,
        ),
      ).toBe('added');
    }
    const page1 = await searchCatalog(url, { query: 'photos', page: 1, pageSize: 4 }, fast);
    expect(page1.totalMatches).toBe(15);
    expect(page1.items.map((i) => i.name.slice(0, 9))).toEqual([
      'Photos 09',
      'Photos 11',
      'Photos 13',
      'Photos 15',
    ]);
    expect(page1.items[0]).toMatchObject({
      infoHashHex: '09'.repeat(20),
      totalSizeBytes: 9000,
      fileCount: 9,
      seeders: 1,
      leechers: 0,
    });
    // control characters were replaced before publishing
    expect(page1.items[0]?.name).toMatch(/^Photos 09 ·/);
    const all = await listCatalog(url, '', fast);
    expect(all.totalMatches).toBe(30);
    expect(all.items).toHaveLength(30);
    expect(new Set(all.items.map((i) => i.infoHashHex)).size).toBe(30);
  });
});
