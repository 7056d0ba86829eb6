// Transmission 3.00 (Debian transmission-daemon): one daemon per peer with its own config
// folder, DHT/LPD/uTP/PEX/port mapping off, peer and RPC ports on 127.0.0.1. The harness
// talks JSON-RPC to it directly (what transmission-remote does) and polls progress every
// 50 ms: spawning transmission-remote that often would cost more CPU than the transfer.
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { findTool } from '../tools.ts';
import type { LaunchOptions, PeerClient, RunningPeer } from '../peer-client.ts';
import { freeTcpPort, waitForTcp } from '../ports.ts';
import { TrackedChild } from '../tracked-child.ts';
import { transmissionRpc } from '../transmission-rpc.ts';

const POLL_MS = 50;

interface TorrentState {
  percentDone: number;
  leftUntilDone: number;
  haveValid: number;
  status: number;
  error: number;
  errorString: string;
  /** For time-out messages: where a transfer stalled. */
  metadataPercentComplete: number;
  peersConnected: number;
}

export function transmissionClient(): PeerClient {
  const daemon = findTool('transmission-daemon');
  return {
    name: 'transmission',
    // Transmission 3.00 keys known peers by IP: once the first leecher (127.0.0.1) has
    // completed, it remembers 127.0.0.1 as a seed and refuses the next leecher from it.
    freshSeederPerRun:
      'Transmission 3.00 remembers 127.0.0.1 as a seed after the first leecher completes and refuses later ones from that address',
    unavailable: () =>
      daemon ? undefined : 'transmission-daemon not found (Debian package transmission-daemon)',
    async launch(o: LaunchOptions): Promise<RunningPeer> {
      if (!daemon) throw new Error('transmission-daemon not found');
      if (!o.torrentFile && !o.magnet) throw new Error('the transmission peer needs a .torrent or a magnet');
      if (o.connectTo?.length)
        throw new Error('transmission 3.00 cannot be told to dial a peer (no RPC for it)');
      const configDir = path.join(o.workDir, 'transmission');
      await mkdir(configDir, { recursive: true });
      const rpcPort = await freeTcpPort();
      const peerPort = o.peerPort ?? (await freeTcpPort());
      await writeFile(
        path.join(configDir, 'settings.json'),
        JSON.stringify(settings(rpcPort, peerPort, o.saveDir, o.encryption), null, 1),
      );
      const child = new TrackedChild(
        `transmission ${o.seed ? 'seeder' : 'leecher'}`,
        daemon,
        ['-f', '-g', configDir],
        {
          sampleMemory: o.sampleMemory ?? false,
        },
      );
      const rpc = transmissionRpc(rpcPort);
      await waitForTcp(rpcPort, 10_000);
      // A magnet goes in as `filename`; Transmission then fetches the info dict (BEP 9).
      const source = o.torrentFile
        ? { metainfo: (await readFile(o.torrentFile)).toString('base64') }
        : { filename: o.magnet };
      const added = await rpc('torrent-add', { ...source, 'download-dir': o.saveDir, paused: false });
      const entry = (added['torrent-added'] ?? added['torrent-duplicate']) as { id?: number } | undefined;
      if (entry?.id === undefined)
        throw new Error(`transmission refused the torrent: ${JSON.stringify(added)}`);
      const id = entry.id;
      const state = async (): Promise<TorrentState> => {
        const r = await rpc('torrent-get', {
          ids: [id],
          fields: [
            'percentDone',
            'leftUntilDone',
            'haveValid',
            'status',
            'error',
            'errorString',
            'metadataPercentComplete',
            'peersConnected',
          ],
        });
        const t = (r.torrents as TorrentState[] | undefined)?.[0];
        if (!t) throw new Error('transmission lost the torrent');
        if (t.error !== 0 && t.error !== 1) throw new Error(`transmission: ${t.errorString}`); // 1 = tracker warning
        return t;
      };
      const until = async (
        what: string,
        done: (t: TorrentState) => boolean,
        timeoutMs: number,
      ): Promise<number> => {
        const deadline = performance.now() + timeoutMs;
        for (;;) {
          const t = await state();
          if (done(t)) return performance.now();
          if (performance.now() > deadline) {
            const at = `metadata ${t.metadataPercentComplete * 100}%, ${(t.percentDone * 100).toFixed(1)}% done, ${t.peersConnected} peer(s), status ${t.status}`;
            throw new Error(`transmission: no ${what} within ${Math.round(timeoutMs / 1000)} s (${at})`);
          }
          await new Promise((r) => setTimeout(r, POLL_MS));
        }
      };
      // Status 6 = seeding; 2 = checking. A seeder whose check leaves pieces missing fails.
      const complete = (t: TorrentState): boolean =>
        t.leftUntilDone === 0 && t.percentDone === 1 && t.status !== 2;
      return {
        child,
        waitSeeding: (t) => until('complete seed', complete, t),
        waitFinished: (t) => until('completed download', complete, t),
        waitFirstPiece: (t) => until('verified piece', (s) => s.haveValid > 0, t),
        stop: () => child.stop(),
      };
    },
  };
}

function settings(
  rpcPort: number,
  peerPort: number,
  downloadDir: string,
  encryption: LaunchOptions['encryption'],
): Record<string, unknown> {
  return {
    'dht-enabled': false,
    'lpd-enabled': false,
    'utp-enabled': false,
    'pex-enabled': false,
    'port-forwarding-enabled': false,
    'peer-port': peerPort,
    'peer-port-random-on-start': false,
    'bind-address-ipv4': '127.0.0.1',
    'bind-address-ipv6': '::1',
    'rpc-enabled': true,
    'rpc-bind-address': '127.0.0.1',
    'rpc-port': rpcPort,
    'rpc-authentication-required': false,
    'rpc-whitelist-enabled': false,
    'rpc-host-whitelist-enabled': false,
    'download-dir': downloadDir,
    'incomplete-dir-enabled': false,
    'start-added-torrents': true,
    'speed-limit-down-enabled': false,
    'speed-limit-up-enabled': false,
    'alt-speed-enabled': false,
    'ratio-limit-enabled': false,
    'idle-seeding-limit-enabled': false,
    'blocklist-enabled': false,
    // Plaintext preferred, as libtorrent and WebTorrent use by default: no RC4 cost.
    // 1 = prefer encrypted (Transmission's default), 2 = encrypted only (MSE with RC4),
    // for the encryption interop tests.
    encryption: encryption === 'require' ? 2 : encryption === 'prefer' ? 1 : 0,
    'message-level': 1,
  };
}
