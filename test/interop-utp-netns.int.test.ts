// Transmission 3.00 on its default transports (µTP enabled; it tries µTP first) and its
// default encryption (MSE preferred), against Swarmdrop on its defaults, both directions:
// Transmission downloading from `swarmdrop share`, and `swarmdrop get` downloading from a
// Transmission seed. Transmission never dials 127.x peers it learns from a tracker, so it
// runs in a network namespace of its own joined to ours by a veth pair
// (test/support/netns.ts). Its RPC says per peer whether the connection is µTP, encrypted
// and who dialed it; the tests require the transport they are about, and the bytes to
// arrive identical.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TrackedChild } from '../harness/tracked-child.ts';
import { requireTool } from './support/external-tool.ts';
import { expectSamePayload, makeSingleFilePayload, transmissionCreate } from './support/interop-payload.ts';
import { startLocalTracker, type LocalTracker } from './support/local-tracker.ts';
import { createNetnsLink, netnsUnavailable, type NetnsLink } from './support/netns.ts';
import { buildCliFor, runGet, startShare } from './support/swarmdrop-cli.ts';
import { makeTempDir } from './support/temp-dir.ts';
import { transmissionRpc, type TransmissionRpc } from '../harness/transmission-rpc.ts';

const MIB = 1024 * 1024;
const daemon = requireTool('transmission-daemon', 'transmission-daemon');
const create = requireTool('transmission-create', 'transmission-cli');
const noNetns = netnsUnavailable();
if (noNetns) console.warn(`SKIPPED: ${noNetns}`);
const cli = await buildCliFor(Boolean(daemon) && Boolean(create) && !noNetns, 'share');

interface TransmissionPeer {
  address: string;
  isUTP: boolean;
  isIncoming: boolean;
  isEncrypted: boolean;
}

describe.skipIf(!cli)('interop: Transmission on its defaults dials `swarmdrop share` over µTP', () => {
  let link: NetnsLink;
  let tracker: LocalTracker;
  let temp: { dir: string; remove(): Promise<void> };
  const running: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    link = createNetnsLink('utp');
    tracker = await startLocalTracker(2, link.outsideIp);
    temp = await makeTempDir('swarmdrop-utp-netns-');
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

  /** transmission-daemon inside the namespace, µTP at its default (on). */
  async function startTransmission(tag: string, encryption: 0 | 1): Promise<TransmissionRpc> {
    const configDir = path.join(temp.dir, `${tag}-transmission`);
    await mkdir(configDir, { recursive: true });
    const rpcPort = 19091;
    await writeFile(
      path.join(configDir, 'settings.json'),
      JSON.stringify({
        // Loopback-only test network: no DHT, LPD, PEX or port mapping (none reach anything).
        'dht-enabled': false,
        'lpd-enabled': false,
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
        'message-level': 1,
        encryption,
        // 'utp-enabled' left at Transmission's default (true): it dials µTP first.
      }),
    );
    const { command, args } = link.wrap(daemon!, ['-f', '-g', configDir]);
    const child = new TrackedChild(`transmission (${tag})`, command, args);
    running.push(child);
    const rpc = transmissionRpc(rpcPort, link.insideIp);
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        const session = await rpc('session-get', {});
        expect(session['utp-enabled']).toBe(true);
        return rpc;
      } catch (err) {
        if (Date.now() > deadline)
          throw new Error(`transmission RPC not up: ${child.stderr()}`, { cause: err });
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** Transmission (µTP on, `encryption` as given) downloads from `swarmdrop share`; its peers as its RPC saw them. */
  async function transmissionDownloads(tag: string, encryption: 0 | 1): Promise<TransmissionPeer[]> {
    const payload = await makeSingleFilePayload(
      path.join(temp.dir, `${tag}-src`),
      `${tag}.bin`,
      5 * MIB + 77,
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
        seen.push({
          address: p.address,
          isUTP: p.isUTP,
          isIncoming: p.isIncoming,
          isEncrypted: p.isEncrypted,
        });
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

  it('Transmission (µTP on, plaintext preferred) downloads from `swarmdrop share` over a µTP connection it opened', async () => {
    const seen = await transmissionDownloads('plain', 0);
    // Transmission's own dial, over µTP, answered by our uTP socket on the peer port.
    expect(seen.some((p) => p.address === link.outsideIp && p.isUTP && !p.isIncoming)).toBe(true);
  }, 120_000);

  // Regression: Transmission reads nothing that shares the uTP datagram completing its
  // handshake until another datagram arrives, so a HAVE ALL packed behind our handshake
  // (as it was whenever MSE's last step was still being written) was never read.
  it('Transmission on its defaults (µTP, encryption preferred) downloads over µTP with MSE', async () => {
    const seen = await transmissionDownloads('default', 1);
    expect(seen.some((p) => p.address === link.outsideIp && p.isUTP && p.isEncrypted && !p.isIncoming)).toBe(
      true,
    );
  }, 120_000);

  // Our dial tries TCP first (engine/peer/dialer.ts) and would reach Transmission over TCP:
  // its TCP peer port is filtered here (SYNs dropped, no answer), so the dial turns to µTP
  // once the head start runs out, as it would for a peer behind a UDP-only pinhole.
  it('`swarmdrop get` on its defaults downloads over µTP with MSE from a Transmission seed on its defaults whose TCP port is filtered', async () => {
    const tag = 'seed';
    const nft = (...args: string[]) => execFileSync('ip', ['netns', 'exec', link.name, 'nft', ...args]);
    nft('add', 'table', 'inet', 'utptest');
    nft('add', 'chain', 'inet', 'utptest', 'input', '{ type filter hook input priority 0 ; }');
    nft('add', 'rule', 'inet', 'utptest', 'input', 'tcp', 'dport', '51413', 'drop');
    running.push({ stop: async () => void nft('delete', 'table', 'inet', 'utptest') });
    const payload = await makeSingleFilePayload(
      path.join(temp.dir, `${tag}-src`),
      `${tag}.bin`,
      4 * MIB + 4321,
    );
    const torrentFile = path.join(temp.dir, `${tag}.torrent`);
    await transmissionCreate(create!, payload, tracker.announceUrl, torrentFile);
    const rpc = await startTransmission(tag, 1);
    const added = await rpc('torrent-add', {
      metainfo: (await readFile(torrentFile)).toString('base64'),
      'download-dir': payload.parentDir,
      paused: false,
    });
    const id = (added['torrent-added'] as { id: number }).id;
    const infoHashHex = (added['torrent-added'] as { hashString: string }).hashString;
    await tracker.waitForPeers(infoHashHex, (p) => p.some((x) => x.seeder), 30_000, 'the Transmission seed');
    // Transmission's view of its peers while the download runs: the transport is only
    // visible there (ours does not say which connection carried the bytes).
    const seen: TransmissionPeer[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const r = await rpc('torrent-get', { ids: [id], fields: ['peers'] });
        seen.push(...(r.torrents as { peers: TransmissionPeer[] }[])[0]!.peers);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const out = path.join(temp.dir, `${tag}-out`);
    try {
      await runGet(cli!, torrentFile, {
        tracker: tracker.announceUrl,
        dataDir: path.join(temp.dir, `${tag}-get-data`),
        host: link.outsideIp,
        out,
        timeoutMs: 60_000,
        track: (child) => running.push(child),
      });
    } finally {
      polling = false;
      await poll;
    }
    await expectSamePayload(payload, out);
    // Our dial (incoming for Transmission), over µTP, enciphered.
    expect(seen.some((p) => p.address === link.outsideIp && p.isUTP && p.isEncrypted && p.isIncoming)).toBe(
      true,
    );
  }, 120_000);
});
