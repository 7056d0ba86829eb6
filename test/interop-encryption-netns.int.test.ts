// Transmission dialing us with Message Stream Encryption, on its default setting
// (encryption preferred) and with encryption required, against `swarmdrop share` on its
// default (`--encryption prefer`). Transmission 3.00 never dials 127.x peers it learns
// from a tracker, so it runs in a network namespace of its own joined to ours by a veth
// pair (test/support/netns.ts): the tracker and the Swarmdrop seeder listen on our end,
// Transmission on the other. Its RPC reports per peer whether the connection is
// encrypted, and the test requires that; the bytes must arrive identical.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TrackedChild } from '../harness/tracked-child.ts';
import { requireTool } from './support/external-tool.ts';
import { expectSamePayload, makeSingleFilePayload } from './support/interop-payload.ts';
import { startLocalTracker, type LocalTracker } from './support/local-tracker.ts';
import { createNetnsLink, netnsUnavailable, type NetnsLink } from './support/netns.ts';
import { buildCliFor, startShare } from './support/swarmdrop-cli.ts';
import { makeTempDir } from './support/temp-dir.ts';
import { transmissionRpc, type TransmissionRpc } from '../harness/transmission-rpc.ts';

const MIB = 1024 * 1024;
const daemon = requireTool('transmission-daemon', 'transmission-daemon');
const noNetns = netnsUnavailable();
if (noNetns) console.warn(`SKIPPED: ${noNetns}`);
const cli = await buildCliFor(Boolean(daemon) && !noNetns, 'share');

interface TransmissionPeer {
  address: string;
  isEncrypted: boolean;
  isIncoming: boolean;
}

describe.skipIf(!cli)('interop: Transmission dials `swarmdrop share` with MSE (namespace link)', () => {
  let link: NetnsLink;
  let tracker: LocalTracker;
  let temp: { dir: string; remove(): Promise<void> };
  const running: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    link = createNetnsLink('mse');
    tracker = await startLocalTracker(2, link.outsideIp);
    temp = await makeTempDir('swarmdrop-mse-netns-');
  });
  afterEach(async () => {
    await Promise.allSettled(running.splice(0).map((p) => p.stop()));
  });
  afterAll(async () => {
    await tracker?.close();
    link?.remove();
    await cli?.remove();
    await temp?.remove();
  });

  /** transmission-daemon inside the namespace, RPC on the namespace's address. */
  async function startTransmission(tag: string, encryption: 1 | 2): Promise<TransmissionRpc> {
    const configDir = path.join(temp.dir, `${tag}-transmission`);
    await mkdir(configDir, { recursive: true });
    const rpcPort = 19091;
    await writeFile(
      path.join(configDir, 'settings.json'),
      JSON.stringify({
        'dht-enabled': false,
        'lpd-enabled': false,
        'utp-enabled': false,
        'pex-enabled': false,
        'port-forwarding-enabled': false,
        'peer-port': 51413,
        'peer-port-random-on-start': false,
        'bind-address-ipv4': link.insideIp,
        'rpc-enabled': true,
        'rpc-bind-address': link.insideIp,
        'rpc-port': rpcPort,
        'rpc-authentication-required': false,
        'rpc-whitelist-enabled': false,
        'rpc-host-whitelist-enabled': false,
        'incomplete-dir-enabled': false,
        'blocklist-enabled': false,
        'ratio-limit-enabled': false,
        encryption,
        'message-level': 1,
      }),
    );
    const { command, args } = link.wrap(daemon!, ['-f', '-g', configDir]);
    const child = new TrackedChild(`transmission (${tag})`, command, args);
    running.push(child);
    const rpc = transmissionRpc(rpcPort, link.insideIp);
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        await rpc('session-get', {});
        return rpc;
      } catch (err) {
        if (Date.now() > deadline)
          throw new Error(`transmission RPC not up: ${child.stderr()}`, { cause: err });
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  async function transmissionDownloads(tag: string, encryption: 1 | 2): Promise<TransmissionPeer[]> {
    const payload = await makeSingleFilePayload(
      path.join(temp.dir, `${tag}-src`),
      `${tag}.bin`,
      3 * MIB + 77,
    );
    const torrentOut = path.join(temp.dir, `${tag}.torrent`);
    const share = await startShare(cli!, [payload.root], {
      tracker: tracker.announceUrl,
      dataDir: path.join(temp.dir, `${tag}-share-data`),
      host: link.outsideIp,
      torrentOut,
    });
    running.push(share);
    await tracker.waitForPeers(share.infoHashHex, (p) => p.some((x) => x.seeder), 15_000, 'the seeder');
    const rpc = await startTransmission(tag, encryption);
    const out = path.join(temp.dir, `${tag}-out`);
    await mkdir(out, { recursive: true });
    const added = await rpc('torrent-add', {
      metainfo: (await readFile(torrentOut)).toString('base64'),
      'download-dir': out,
      paused: false,
    });
    const id = (added['torrent-added'] as { id: number }).id;
    const seen: TransmissionPeer[] = [];
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await rpc('torrent-get', { ids: [id], fields: ['percentDone', 'leftUntilDone', 'peers'] });
      const t = (
        r.torrents as { percentDone: number; leftUntilDone: number; peers: TransmissionPeer[] }[]
      )[0]!;
      for (const p of t.peers)
        seen.push({ address: p.address, isEncrypted: p.isEncrypted, isIncoming: p.isIncoming });
      if (t.percentDone === 1 && t.leftUntilDone === 0) break;
      if (Date.now() > deadline)
        throw new Error(
          `transmission: ${(t.percentDone * 100).toFixed(1)}% after 60 s; ${share.child.stderr()}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
    await expectSamePayload(payload, out);
    return seen;
  }

  it('Transmission on its default (encryption preferred) downloads over an encrypted connection', async () => {
    const peers = await transmissionDownloads('pref', 1);
    expect(peers.length).toBeGreaterThan(0);
    expect(peers.every((p) => p.address === link.outsideIp && p.isEncrypted)).toBe(true);
    // Transmission dialed us (its own outgoing connection): our MSE responder answered it.
    // It dials on its first tracker answer; our seeder learns its address only at a later
    // announce, so Transmission's connection is there first.
    expect(peers.some((p) => !p.isIncoming)).toBe(true);
  });

  it('Transmission requiring encryption downloads from a Swarmdrop seed on its default', async () => {
    const peers = await transmissionDownloads('req', 2);
    expect(peers.length).toBeGreaterThan(0);
    expect(peers.every((p) => p.isEncrypted)).toBe(true);
  });
});
