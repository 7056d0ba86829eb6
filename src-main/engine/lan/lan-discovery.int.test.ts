// LSD and the LAN catalog over real sockets, kept on this machine by loopback multicast
// (interface 127.0.0.1): the namespace LAN test (test/lan-discovery-netns.int.test.ts)
// does the same across machines.
import dgram from 'node:dgram';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { LSD_IPV4_GROUP, LSD_IPV6_GROUP, encodeLsdAnnounce } from '../../protocol/lan/lsd-message.ts';
import { decodeNearbyMessage, encodeNearbyMessage } from '../../protocol/lan/nearby-message.ts';
import { LocalDiscovery } from './local-discovery.ts';
import { NearbyCatalog } from './nearby-catalog.ts';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const until = async (check: () => boolean, what: string, timeoutMs = 10_000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

const HASH_A = 'aa'.repeat(20);
const HASH_B = 'bb'.repeat(20);
const channel = (port: number) => ({
  ipv4Group: LSD_IPV4_GROUP,
  ipv6Group: LSD_IPV6_GROUP,
  port,
  interfaceAddress: '127.0.0.1',
});

describe('LSD on loopback multicast', () => {
  it('hands each announced info-hash to the peer sink and ignores its own announces', async () => {
    const port = await freeUdpPort();
    const heardByA: string[] = [];
    const heardByB: string[] = [];
    const warnings: string[] = [];
    const open = (peerPort: number, hashes: string[], heard: string[]) =>
      LocalDiscovery.open({
        ...channel(port),
        peerPort: () => peerPort,
        announceable: () => hashes,
        onPeer: (hash, peer) => heard.push(`${hash}@${peer.host}:${peer.port}`),
        warning: (code) => warnings.push(code),
      });
    const a = await open(1111, [HASH_A], heardByA);
    closers.push(() => a.close());
    const b = await open(2222, [HASH_A, HASH_B], heardByB);
    closers.push(() => b.close());
    a.announceSoon(HASH_A);
    await until(() => heardByA.length >= 2 && heardByB.length >= 1, 'both announces');
    expect(new Set(heardByA)).toEqual(new Set([`${HASH_A}@127.0.0.1:2222`, `${HASH_B}@127.0.0.1:2222`]));
    expect(new Set(heardByB)).toEqual(new Set([`${HASH_A}@127.0.0.1:1111`]));
    expect(warnings).toEqual([]);
  });

  it('announces a torrent at most once per interval', async () => {
    const port = await freeUdpPort();
    const lsd = await LocalDiscovery.open({
      ...channel(port),
      peerPort: () => 1,
      announceable: () => [HASH_A],
      onPeer: () => undefined,
      warning: () => undefined,
    });
    closers.push(() => lsd.close());
    const sent = lsd.announcesSent;
    expect(lsd.announceDue()).toBe(0);
    expect(lsd.announcesSent).toBe(sent);
  });

  it('drops garbage and foreign datagrams on the port without a warning', async () => {
    const port = await freeUdpPort();
    const heard: string[] = [];
    const warnings: string[] = [];
    const lsd = await LocalDiscovery.open({
      ...channel(port),
      peerPort: () => 1,
      announceable: () => [],
      onPeer: (hash) => heard.push(hash),
      warning: (code) => warnings.push(code),
    });
    closers.push(() => lsd.close());
    const sender = dgram.createSocket('udp4');
    closers.push(() => sender.close());
    const send = (bytes: Uint8Array) => new Promise((r) => sender.send(bytes, port, '127.0.0.1', r));
    await send(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'));
    await send(new Uint8Array(5000));
    await send(encodeLsdAnnounce({ host: '', port: 9, infoHashes: [HASH_B] }));
    await until(() => heard.length === 1, 'the one valid announce');
    expect(heard).toEqual([HASH_B]);
    expect(warnings).toEqual([]);
  });
});

// Two senders need two source addresses: 127.0.0.1 and ::1, both on the loopback interface.
const [loopbackName, loopbackInfos] = Object.entries(os.networkInterfaces()).find(([, infos]) =>
  infos?.some((i) => i.address === '127.0.0.1'),
) ?? ['', []];
const loopbackBothFamilies = (loopbackInfos ?? [])
  .filter((i) => i.address === '127.0.0.1' || i.address === '::1')
  .map((i) => ({ ...i, internal: false }));
const noIpv6Loopback = loopbackBothFamilies.length < 2;
if (noIpv6Loopback) console.warn('SKIPPED: the loopback interface has no ::1 (IPv6 off)');

describe('LSD incoming budget on loopback', () => {
  // Needs ::1 as the second sender's address; a machine with IPv6 off has only one.
  it.skipIf(noIpv6Loopback)(
    "a flooding sender does not keep an honest sender's announces from being handled",
    async () => {
      const port = await freeUdpPort();
      // 'all' takes every interface not marked internal, so the loopback interface, shown as
      // an ordinary one, gives the listener a socket of each family, and nothing leaves this
      // machine.
      const heard: string[] = [];
      const warnings: string[] = [];
      const listener = await LocalDiscovery.open({
        ...channel(port),
        interfaceAddress: 'all',
        networkInterfaces: () => ({ [loopbackName]: loopbackBothFamilies }),
        peerPort: () => 1,
        announceable: () => [],
        onPeer: (hash, peer) => heard.push(`${hash}@${peer.host}`),
        warning: (code) => warnings.push(code),
      });
      closers.push(() => listener.close());
      const flooder = dgram.createSocket('udp4');
      closers.push(() => flooder.close());
      await new Promise<void>((resolve) => flooder.bind(0, '127.0.0.1', resolve));
      flooder.setMulticastInterface('127.0.0.1');
      const honest = dgram.createSocket({ type: 'udp6', ipv6Only: true });
      closers.push(() => honest.close());
      await new Promise<void>((resolve) => honest.bind(0, '::1', resolve));
      const flood = encodeLsdAnnounce({ host: `${LSD_IPV4_GROUP}:${port}`, port: 9, infoHashes: [HASH_B] });
      const announce = encodeLsdAnnounce({
        host: `[${LSD_IPV6_GROUP}]:${port}`,
        port: 9,
        infoHashes: [HASH_A],
      });
      const sendOn = (socket: dgram.Socket, bytes: Uint8Array, host: string) =>
        new Promise((resolve) => socket.send(bytes, port, host, resolve));

      // Thousands of datagrams a second to the group, with an honest announce every 50 of
      // them. A turn of the event loop after each lets the listener read them as they come,
      // so the socket's receive buffer does not fill: what is dropped, the budget dropped.
      const startedMs = Date.now();
      let honestSent = 0;
      for (let i = 1; i <= 400; i++) {
        await sendOn(flooder, flood, LSD_IPV4_GROUP);
        if (i % 50 === 0) {
          await sendOn(honest, announce, '::1');
          honestSent++;
        }
        await new Promise((r) => setImmediate(r));
      }
      const fromHonest = () => heard.filter((h) => h === `${HASH_A}@::1`).length;
      await until(() => fromHonest() === honestSent, 'every honest announce', 3000);
      const elapsedS = (Date.now() - startedMs) / 1000;
      const fromFlooder = heard.filter((h) => h === `${HASH_B}@127.0.0.1`).length;
      // The flooder got its own share (a burst of 20, then 5 a second) and no more.
      expect(fromFlooder).toBeLessThanOrEqual(20 + Math.ceil(5 * elapsedS));
      expect(warnings).toEqual([]);
    },
  );
});

describe('Nearby on loopback multicast', () => {
  it('lists what another instance advertises, answers a query at once, and forgets it on bye', async () => {
    const port = await freeUdpPort();
    let shares = [{ infoHashHex: HASH_A, name: 'holiday photos', totalBytes: 1234 }];
    const seen: number[] = [];
    // A long round: anything the listener learns quickly came from the query's answer.
    const advertiser = await NearbyCatalog.open({
      ...channel(port),
      who: 'alice',
      peerPort: () => 7000,
      shares: () => shares,
      onChange: () => undefined,
      warning: () => undefined,
      announceIntervalMs: 600_000,
    });
    closers.push(() => advertiser.close());
    const listener = await NearbyCatalog.open({
      ...channel(port),
      who: 'bob',
      peerPort: () => 7001,
      shares: () => null,
      onChange: () => seen.push(Date.now()),
      warning: () => undefined,
      announceIntervalMs: 600_000,
    });
    closers.push(() => listener.close());
    await until(() => listener.list().length === 1, 'the advertised share');
    expect(listener.list()).toEqual([
      {
        infoHashHex: HASH_A,
        name: 'holiday photos',
        totalBytes: 1234,
        who: 'alice',
        host: '127.0.0.1',
        peerPort: 7000,
      },
    ]);
    expect(advertiser.list()).toEqual([]); // the listener advertises nothing
    shares = [...shares, { infoHashHex: HASH_B, name: 'notes', totalBytes: 5 }];
    await until(() => listener.list().length === 2, 'the changed list');
    await advertiser.close();
    await until(() => listener.list().length === 0, 'the goodbye');
  });

  it('a share un-listed and listed again is seen again, and leaves when its host stops', async () => {
    const port = await freeUdpPort();
    // Every announce on the group, read off the wire: one revision must name one list.
    const sniffer = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    closers.push(() => sniffer.close());
    const announces = new Map<number, Set<string>>();
    sniffer.on('message', (bytes) => {
      const m = decodeNearbyMessage(new Uint8Array(bytes));
      if (m.type !== 'announce' || m.who !== 'alice') return;
      const lists = announces.get(m.revision) ?? new Set<string>();
      lists.add(JSON.stringify(m.shares));
      announces.set(m.revision, lists);
    });
    await new Promise<void>((resolve) => sniffer.bind(port, '0.0.0.0', resolve));
    sniffer.addMembership(LSD_IPV4_GROUP, '127.0.0.1');
    const share = { infoHashHex: HASH_A, name: 'holiday photos', totalBytes: 1234 };
    let listed = true;
    // A long round: whatever the listener learns comes from a change or a query's answer.
    const advertiser = await NearbyCatalog.open({
      ...channel(port),
      who: 'alice',
      peerPort: () => 7000,
      shares: () => (listed ? [share] : []),
      onChange: () => undefined,
      warning: () => undefined,
      announceIntervalMs: 600_000,
    });
    let advertiserOpen = true;
    closers.push(() => advertiserOpen && advertiser.close());
    const changes: string[][] = [];
    const listener = await NearbyCatalog.open({
      ...channel(port),
      who: 'bob',
      peerPort: () => 7001,
      shares: () => null,
      onChange: () => changes.push(listener.list().map((s) => s.name)),
      warning: () => undefined,
      announceIntervalMs: 600_000,
    });
    closers.push(() => listener.close());
    const names = () => listener.list().map((s) => s.name);
    await until(() => names().length === 1, 'the listed share');
    for (let round = 0; round < 2; round++) {
      listed = false;
      // A query right after the change: its answer must carry the new list's revision.
      listener.query();
      await until(() => names().length === 0, 'the share un-listed');
      listed = true;
      listener.query();
      await until(() => names().length === 1, 'the share listed again');
      expect(names()).toEqual(['holiday photos']);
    }
    advertiserOpen = false;
    await advertiser.close();
    await until(() => names().length === 0, 'the share gone with its host');
    expect(changes.at(-1)).toEqual([]);
    for (const [revision, lists] of announces) expect([revision, lists.size]).toEqual([revision, 1]);
    // At least the first list, the un-listing and the re-listing, twice.
    expect(announces.size).toBeGreaterThanOrEqual(5);
  });

  it('sends a changed list again a moment later, so one lost datagram does not hide the change', async () => {
    const port = await freeUdpPort();
    const sniffer = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    closers.push(() => sniffer.close());
    const sent: { revision: number; atMs: number }[] = [];
    sniffer.on('message', (bytes) => {
      const m = decodeNearbyMessage(new Uint8Array(bytes));
      if (m.type === 'announce') sent.push({ revision: m.revision, atMs: Date.now() });
    });
    await new Promise<void>((resolve) => sniffer.bind(port, '0.0.0.0', resolve));
    sniffer.addMembership(LSD_IPV4_GROUP, '127.0.0.1');
    let shares = [{ infoHashHex: HASH_A, name: 'a', totalBytes: 1 }];
    const advertiser = await NearbyCatalog.open({
      ...channel(port),
      who: 'alice',
      peerPort: () => 7000,
      shares: () => shares,
      onChange: () => undefined,
      warning: () => undefined,
      announceIntervalMs: 600_000,
    });
    closers.push(() => advertiser.close());
    await until(() => sent.length >= 3, 'the first list, three times');
    shares = [...shares, { infoHashHex: HASH_B, name: 'b', totalBytes: 2 }];
    await until(
      () => sent.filter((s) => s.revision === 2).length >= 3,
      'the changed list, three times',
      15_000,
    );
    const times = sent.filter((s) => s.revision === 2).map((s) => s.atMs);
    // Spread out (nominally 1 s and 2 s apart), not a burst that one bad moment loses whole.
    expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(1500);
    // And then quiet until the round: no more than the three.
    await new Promise((r) => setTimeout(r, 2500));
    expect(sent.filter((s) => s.revision === 2)).toHaveLength(3);
  });

  it('drops a machine that stops announcing without a goodbye', async () => {
    const port = await freeUdpPort();
    const listener = await NearbyCatalog.open({
      ...channel(port),
      who: 'bob',
      peerPort: () => 7001,
      shares: () => null,
      onChange: () => undefined,
      warning: () => undefined,
      expireAfterMs: 1500,
    });
    closers.push(() => listener.close());
    // One announce from a machine that then vanishes (a crash, a cable pulled): no bye.
    const sender = dgram.createSocket('udp4');
    closers.push(() => sender.close());
    const announce = encodeNearbyMessage({
      type: 'announce',
      instanceId: '0102030405060708',
      who: 'gone',
      peerPort: 7000,
      revision: 1,
      page: 0,
      pageCount: 1,
      shares: [{ infoHashHex: HASH_A, name: 'x', totalBytes: 1 }],
    });
    await new Promise((r) => sender.send(announce, port, '127.0.0.1', r));
    await until(() => listener.list().length === 1, 'the share');
    await until(() => listener.list().length === 0, 'the expiry', 15_000);
  });
});
