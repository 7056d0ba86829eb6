// Transmission (Debian's transmission-daemon 3.x) announces a torrent to our UDP tracker
// on 127.0.0.1 and gets back the peers we put in the swarm. Everything stays on loopback:
// DHT, LPD, PEX, uTP, port mapping and blocklists are off, RPC and peers bind 127.0.0.1.
import { execFile } from 'node:child_process';
import { writeFile, mkdir, chmod } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeTcpPort } from '../harness/ports.ts';
import { TrackedChild } from '../harness/tracked-child.ts';
import { UdpTrackerClient } from '../src-main/tracker/client/udp-tracker-client.ts';
import { TrackerServer } from '../src-main/tracker/server/tracker-server.ts';
import { requireTool } from './support/external-tool.ts';
import { transmissionRpc } from '../harness/transmission-rpc.ts';
import { makeTempDir } from './support/temp-dir.ts';

const run = promisify(execFile);
const daemon = requireTool('transmission-daemon', 'transmission-daemon');
const remote = requireTool('transmission-remote', 'transmission-cli');
const create = requireTool('transmission-create', 'transmission-cli');
const show = requireTool('transmission-show', 'transmission-cli');
const tools = Boolean(daemon && remote && create && show);

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface TrackerStat {
  announce: string;
  lastAnnounceSucceeded: boolean;
  lastAnnouncePeerCount: number;
  lastAnnounceResult: string;
  seederCount: number;
  leecherCount: number;
}

// Skipped only where the Debian tools are missing and CI is not set (requireTool prints
// which); under CI a missing tool throws, so these always run there.
describe.skipIf(!tools)('Transmission announcing to our tracker', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let server: TrackerServer;
  let child: TrackedChild | undefined;
  const fakes: UdpTrackerClient[] = [];

  beforeAll(async () => {
    temp = await makeTempDir('swarmdrop-tracker-transmission-');
    server = new TrackerServer({ intervalSec: 15 });
    await server.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    fakes.forEach((f) => f.close());
    await child?.stop();
    await server?.close();
    await temp?.remove();
  });

  it('gets the swarm we seeded back from our tracker', async () => {
    const announceUrl = `udp://127.0.0.1:${server.address()?.port}/announce`;
    // A payload Transmission does not have, so it joins as a leecher wanting peers.
    const payload = path.join(temp.dir, 'payload.bin');
    await writeFile(payload, Buffer.alloc(256 * 1024, 7));
    const torrent = path.join(temp.dir, 'payload.torrent');
    await run(create!, ['-o', torrent, '-t', announceUrl, '-s', '64', payload]);
    const infoHashHex = /Hash:\s*([0-9a-f]{40})/i
      .exec((await run(show!, [torrent])).stdout)?.[1]
      ?.toLowerCase();
    expect(infoHashHex).toMatch(/^[0-9a-f]{40}$/);
    const infoHash = Buffer.from(infoHashHex!, 'hex');

    // Three seeders announced through the real protocol (ports nobody listens on: this
    // test is about the tracker, not the transfer).
    for (let i = 0; i < 3; i++) {
      const c = new UdpTrackerClient(announceUrl, { baseTimeoutMs: 500 });
      fakes.push(c);
      await c.announce({
        infoHash,
        peerId: Buffer.alloc(20, i + 1),
        port: 41_000 + i,
        uploaded: 0,
        downloaded: 0,
        left: 0,
        event: 'started',
      });
    }

    const configDir = path.join(temp.dir, 'config');
    const downloadDir = path.join(temp.dir, 'downloads');
    await mkdir(configDir, { recursive: true });
    await mkdir(downloadDir, { recursive: true });
    await chmod(temp.dir, 0o755);
    const rpcPort = await freeTcpPort();
    const peerPort = await freeTcpPort();
    await writeFile(
      path.join(configDir, 'settings.json'),
      JSON.stringify({
        'dht-enabled': false,
        'lpd-enabled': false,
        'pex-enabled': false,
        'utp-enabled': false,
        'port-forwarding-enabled': false,
        'blocklist-enabled': false,
        'peer-port': peerPort,
        'peer-port-random-on-start': false,
        'bind-address-ipv4': '127.0.0.1',
        'bind-address-ipv6': '::1',
        'rpc-enabled': true,
        'rpc-bind-address': '127.0.0.1',
        'rpc-port': rpcPort,
        'rpc-authentication-required': false,
        'rpc-whitelist': '127.0.0.1',
        'download-dir': downloadDir,
        'start-added-torrents': true,
        'message-level': 2,
      }),
    );
    const transmission = new TrackedChild('transmission-daemon', daemon!, [
      '-f',
      '-g',
      configDir,
      '-p',
      String(rpcPort),
      '-P',
      String(peerPort),
      '--no-dht',
      '--no-lpd',
      '--no-portmap',
      '-T',
      '-r',
      '127.0.0.1',
      '-i',
      '127.0.0.1',
      '-w',
      downloadDir,
    ]);
    child = transmission;
    const rpcTarget = `127.0.0.1:${rpcPort}`;
    await waitFor(
      'transmission RPC',
      async () =>
        await run(remote!, [rpcTarget, '-l']).then(
          () => true,
          () => undefined,
        ),
      20_000,
    );
    await run(remote!, [rpcTarget, '-a', torrent]);

    // The announce arrives at our tracker from Transmission's peer port…
    const joined = await waitFor(
      'Transmission in the swarm',
      () =>
        server
          .snapshot()
          .swarms.find((s) => s.infoHashHex === infoHashHex)
          ?.peers.find((p) => p.port === peerPort),
      30_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${transmission.stderr()}`, { cause: err });
    });
    expect(joined).toMatchObject({ ip: '127.0.0.1', seeder: false });

    // …and Transmission reports the three seeders it got back.
    const rpc = transmissionRpc(rpcPort);
    const stat = await waitFor(
      'Transmission tracker stats',
      async () => {
        const s = (await rpc('torrent-get', { fields: ['trackerStats'] })) as {
          torrents: { trackerStats: TrackerStat[] }[];
        };
        const t = s.torrents[0]?.trackerStats[0];
        return t && t.lastAnnounceSucceeded && t.lastAnnouncePeerCount >= 3 ? t : undefined;
      },
      30_000,
    );
    expect(stat).toMatchObject({
      announce: announceUrl,
      lastAnnouncePeerCount: 3,
      seederCount: 3,
      leecherCount: 1,
    });
  });
});
