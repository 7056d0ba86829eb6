// The embedded tracker as other people see it: a torrent shared by the service carries
// the advertised URL (udp://192.0.2.7:P; 192.0.2.7 is TEST-NET, injected as this
// machine's network address), while this engine announces, publishes and searches on
// loopback. Every datagram and TCP connection the process starts is recorded by
// pass-through wrappers, to prove nothing beyond loopback (192.0.2.7 above all) is contacted.
import dgram from 'node:dgram';
import net from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/temp-dir.ts';
import { parseMagnet } from '../protocol/magnet.ts';
import { parseTorrent } from '../protocol/metainfo/parse-torrent.ts';
import { UdpTrackerClient } from '../tracker/client/udp-tracker-client.ts';
import { TrackerServer } from '../tracker/server/index.ts';
import { AppService } from './app-service.ts';
import { realServiceDeps } from './real-deps.ts';
import type { ServiceDeps } from './service-types.ts';
import type { CommandResponse } from '../../src-shared/contract/commands.ts';

const ADVERTISED_HOST = '192.0.2.7';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const fakeInterfaces = (): NodeJS.Dict<NetworkInterfaceInfo[]> => ({
  lo: [
    {
      address: '127.0.0.1',
      family: 'IPv4',
      internal: true,
      netmask: '255.0.0.0',
      mac: '00:00:00:00:00:00',
      cidr: '127.0.0.1/8',
    },
  ],
  eth0: [
    {
      address: ADVERTISED_HOST,
      family: 'IPv4',
      internal: false,
      netmask: '255.255.255.0',
      mac: '02:00:00:00:00:07',
      cidr: `${ADVERTISED_HOST}/24`,
    },
  ],
});

const IPV6_HOST = '2001:db8::7';

/** fakeInterfaces plus a global IPv6 address (2001:db8::/32 is for documentation). */
const withIpv6Interfaces = (): NodeJS.Dict<NetworkInterfaceInfo[]> => {
  const all = fakeInterfaces();
  all.eth0 = [
    ...(all.eth0 ?? []),
    {
      address: IPV6_HOST,
      family: 'IPv6',
      internal: false,
      netmask: 'ffff:ffff:ffff:ffff::',
      mac: '02:00:00:00:00:07',
      cidr: `${IPV6_HOST}/64`,
      scopeid: 0,
    },
  ];
  return all;
};

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^(::ffff:)?127\./.test(host);
/**
 * LAN discovery's multicast groups (BEP 14, the LAN catalog): the suite keeps them on the
 * loopback interface (SWARMDROP_LAN_INTERFACE in vitest.config.ts), so they reach no one.
 */
const isMulticast = (host: string) => /^2(2[4-9]|3[0-9])\./.test(host) || /^ff/i.test(host);

/** Destination hosts of every UDP datagram sent and TCP connection opened from now on. */
function recordDestinations(): string[] {
  const hosts: string[] = [];
  const udpProto = dgram.Socket.prototype;
  const tcpProto = net.Socket.prototype;
  const send = udpProto.send;
  const connect = tcpProto.connect;
  // send(msg[, offset, length][, port][, address][, callback]): the address is the only string after msg.
  udpProto.send = function (this: dgram.Socket, ...args: unknown[]) {
    const host = args.slice(1).find((a): a is string => typeof a === 'string');
    hosts.push(host ?? this.remoteAddress().address);
    return (send as (...a: unknown[]) => void).apply(this, args);
  } as typeof udpProto.send;
  // connect(options | port[, host]), or Node's normalized [options, cb] array from net.connect().
  tcpProto.connect = function (this: net.Socket, ...args: unknown[]) {
    const first: unknown = Array.isArray(args[0]) ? args[0][0] : args[0];
    const host =
      typeof first === 'object' && first !== null
        ? ((first as { host?: string; path?: string }).host ?? (first as { path?: string }).path)
        : args[1];
    hosts.push(typeof host === 'string' ? host : 'localhost');
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof tcpProto.connect;
  cleanups.push(() => {
    udpProto.send = send;
    tcpProto.connect = connect;
  });
  return hosts;
}

describe('embedded tracker, advertised beyond this machine', () => {
  it('a shared torrent carries the advertised URL; our own announces reach the tracker on loopback', async () => {
    const hosts = recordDestinations();
    const t = await makeTempDir();
    cleanups.push(() => t.remove());
    let tracker: TrackerServer | undefined;
    const deps: ServiceDeps = {
      ...realServiceDeps(),
      networkInterfaces: fakeInterfaces,
      // The real tracker, kept at hand to read what it saw.
      async startTracker({ host, port }) {
        const server = new TrackerServer({ intervalSec: 120 });
        const bound = await server.listen({ host, port });
        tracker = server;
        return { port: bound.port, host: bound.host, close: () => server.close() };
      },
    };
    const service = await AppService.open(
      {
        host: 'daemon',
        version: 'test',
        dataDir: t.dir,
        defaultDownloadDir: path.join(t.dir, 'downloads'),
        // Everything listens on loopback; only the URL in torrents names 192.0.2.7.
        overrides: { peerPort: 0, embeddedTracker: 0, bindHost: '127.0.0.1', advertiseHost: ADVERTISED_HOST },
        log: () => undefined,
      },
      deps,
    );
    cleanups.push(() => service.close());
    const port = service.appInfo().embeddedTracker.port!;
    const advertised = `udp://${ADVERTISED_HOST}:${port}`;
    expect(service.trackerUrls()).toEqual([advertised]);
    expect(service.appInfo().embeddedTracker.shareAddresses[0]).toBe(advertised);

    const file = path.join(t.dir, 'advertised-notes.txt');
    await writeFile(file, 'y'.repeat(70_000));
    const conn = service.connect(() => undefined);
    const shared = await conn.invoke('share', { paths: [file] });
    if (!shared.ok) throw new Error(`share failed: ${JSON.stringify(shared)}`);
    const { id, magnet } = shared.response as CommandResponse<'share'>;
    // Published: the catalog took it over loopback (192.0.2.7 would never have answered).
    await expect
      .poll(async () => JSON.stringify(await conn.invoke('searchCatalog', { query: 'advertised-notes' })), {
        timeout: 15_000,
      })
      .toContain('"name":"advertised-notes.txt"');
    expect(parseMagnet(magnet).trackers).toEqual([advertised]);
    const file$ = await conn.invoke('getTorrentFile', { id });
    if (!file$.ok) throw new Error('no torrent file');
    const { bytesBase64 } = file$.response as CommandResponse<'getTorrentFile'>;
    expect(parseTorrent(new Uint8Array(Buffer.from(bytesBase64, 'base64'))).announceList).toEqual([
      [advertised],
    ]);

    // The detail lists the advertised URL, working: its announces went to the alias.
    expect(service.session.detail(id).trackers).toEqual([
      expect.objectContaining({ url: advertised, status: 'working' }),
    ]);
    // The tracker (bound to 127.0.0.1 only) saw our announce, with the advertised address
    // as the peer's IP (BEP 15 `IP address`, trusted from loopback): others will dial that.
    const swarm = tracker!.snapshot().swarms.find((s) => s.infoHashHex === id);
    expect(swarm?.peers).toEqual([
      expect.objectContaining({ ip: ADVERTISED_HOST, port: service.session.peerPort, seeder: true }),
    ]);

    // A catalog search of our own tracker goes through the alias too, and names the advertised URL.
    const found = await conn.invoke('searchCatalog', { query: 'advertised' });
    expect(found).toMatchObject({
      ok: true,
      response: {
        failures: [],
        entries: [expect.objectContaining({ infoHashHex: id, tracker: advertised })],
      },
    });

    expect(hosts).toContain('127.0.0.1');
    expect(hosts.filter((h) => !isLoopback(h) && !isMulticast(h))).toEqual([]);
  }, 30_000);

  it('with --bind, the first screen lists only the address the tracker listens on', async () => {
    const t = await makeTempDir();
    cleanups.push(() => t.remove());
    const service = await AppService.open(
      {
        host: 'daemon',
        version: 'test',
        dataDir: t.dir,
        defaultDownloadDir: path.join(t.dir, 'downloads'),
        overrides: { peerPort: 0, embeddedTracker: 0, bindHost: '127.0.0.1' },
        log: () => undefined,
      },
      { ...realServiceDeps(), networkInterfaces: fakeInterfaces },
    );
    cleanups.push(() => service.close());
    const port = service.appInfo().embeddedTracker.port!;
    // 192.0.2.7 is an interface of this (pretend) machine, but the tracker is not bound to it.
    expect(service.appInfo().embeddedTracker.shareAddresses).toEqual([`udp://127.0.0.1:${port}`]);
  }, 30_000);

  it('with no --bind, the tracker listens on IPv6 too: the first screen lists the IPv6 address, and our engine announces over 127.0.0.1 as an IPv4 peer', async () => {
    const hosts = recordDestinations();
    const t = await makeTempDir();
    cleanups.push(() => t.remove());
    let tracker: TrackerServer | undefined;
    const deps: ServiceDeps = {
      ...realServiceDeps(),
      networkInterfaces: withIpv6Interfaces,
      async startTracker({ host, port }) {
        const server = new TrackerServer({ intervalSec: 120 });
        const bound = await server.listen({ host, port });
        tracker = server;
        return { port: bound.port, host: bound.host, close: () => server.close() };
      },
    };
    const service = await AppService.open(
      {
        host: 'daemon',
        version: 'test',
        dataDir: t.dir,
        defaultDownloadDir: path.join(t.dir, 'downloads'),
        overrides: { peerPort: 0, embeddedTracker: 0 },
        log: () => undefined,
      },
      deps,
    );
    cleanups.push(() => service.close());
    expect(tracker!.address()).toMatchObject({ host: '::' });
    const port = service.appInfo().embeddedTracker.port!;
    const advertised = `udp://${ADVERTISED_HOST}:${port}`;
    expect(service.appInfo().embeddedTracker.shareAddresses).toEqual([
      advertised,
      `udp://[${IPV6_HOST}]:${port}`,
    ]);

    const file = path.join(t.dir, 'dual-stack-notes.txt');
    await writeFile(file, 'z'.repeat(40_000));
    const conn = service.connect(() => undefined);
    const shared = await conn.invoke('share', { paths: [file] });
    if (!shared.ok) throw new Error(`share failed: ${JSON.stringify(shared)}`);
    const { id } = shared.response as CommandResponse<'share'>;
    expect(service.session.detail(id).trackers).toEqual([
      expect.objectContaining({ url: advertised, status: 'working' }),
    ]);
    // Reached over IPv4 loopback (seen by the '::' socket as ::ffff:127.0.0.1) and taken as
    // an IPv4 announce: the advertised IPv4 address, trusted from loopback, is what it lists.
    const swarm = tracker!.snapshot().swarms.find((s) => s.infoHashHex === id);
    expect(swarm?.peers).toEqual([
      expect.objectContaining({ ip: ADVERTISED_HOST, port: service.session.peerPort, seeder: true }),
    ]);
    // Another IPv4 client on this machine gets that peer back in the IPv4 list.
    const client = new UdpTrackerClient(`udp://127.0.0.1:${port}`, { baseTimeoutMs: 1000 });
    cleanups.push(() => client.close());
    const answer = await client.announce({
      infoHash: new Uint8Array(Buffer.from(id, 'hex')),
      peerId: new Uint8Array(20).fill(0x61),
      port: 6301,
      uploaded: 0,
      downloaded: 0,
      left: 1,
      event: 'started',
      numWant: 10,
    });
    expect(answer.peers).toEqual([{ host: ADVERTISED_HOST, port: service.session.peerPort }]);
    expect(hosts).toContain('127.0.0.1');
    expect(hosts).not.toContain('::1');
    expect(hosts.filter((h) => !isLoopback(h) && !isMulticast(h))).toEqual([]);
  }, 30_000);

  it('with --bind 0.0.0.0 (IPv4 only), the first screen leaves IPv6 addresses out', async () => {
    const t = await makeTempDir();
    cleanups.push(() => t.remove());
    const service = await AppService.open(
      {
        host: 'daemon',
        version: 'test',
        dataDir: t.dir,
        defaultDownloadDir: path.join(t.dir, 'downloads'),
        overrides: { peerPort: 0, embeddedTracker: 0, bindHost: '0.0.0.0' },
        log: () => undefined,
      },
      { ...realServiceDeps(), networkInterfaces: withIpv6Interfaces },
    );
    cleanups.push(() => service.close());
    const port = service.appInfo().embeddedTracker.port!;
    // The tracker is really not reachable over IPv6: ::1 gets no answer.
    const v6 = new UdpTrackerClient(`udp://[::1]:${port}`, { baseTimeoutMs: 300, maxRetransmits: 0 });
    cleanups.push(() => v6.close());
    await expect(v6.scrape([new Uint8Array(20)])).rejects.toMatchObject({ name: 'TrackerError' });
    expect(service.appInfo().embeddedTracker.shareAddresses).toEqual([`udp://${ADVERTISED_HOST}:${port}`]);
  }, 30_000);
});
