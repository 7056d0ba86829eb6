// libtorrent (Debian python3-libtorrent) through harness/peers/libtorrent_peer.py, run by
// Debian's /usr/bin/python3: the pyenv python on PATH does not have the binding.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { jsonLinePeer, type LaunchOptions, type PeerClient, type RunningPeer } from '../peer-client.ts';
import { TrackedChild } from '../tracked-child.ts';

export const SYSTEM_PYTHON = '/usr/bin/python3';

export function libtorrentVersion(): string | undefined {
  try {
    return execFileSync(SYSTEM_PYTHON, ['-c', 'import libtorrent; print(libtorrent.__version__)'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

export function libtorrentClient(repoRoot: string): PeerClient {
  const script = path.join(repoRoot, 'harness/peers/libtorrent_peer.py');
  let version: string | undefined | null = null;
  return {
    name: 'libtorrent',
    unavailable() {
      if (version === null) version = libtorrentVersion();
      return version
        ? undefined
        : `${SYSTEM_PYTHON} cannot import libtorrent (Debian package python3-libtorrent)`;
    },
    async launch(o: LaunchOptions): Promise<RunningPeer> {
      const args = [script, '--save', o.saveDir];
      if (o.torrentFile) args.push('--torrent', o.torrentFile);
      if (o.magnet) args.push('--magnet', o.magnet);
      if (o.seed) args.push('--seed');
      if (o.encryption === 'require') args.push('--require-encryption');
      for (const node of o.dhtBootstrap ?? []) args.push('--dht-bootstrap', node);
      if (o.transport === 'utp-only') args.push('--utp-only');
      const child = new TrackedChild(`libtorrent ${o.seed ? 'seeder' : 'leecher'}`, SYSTEM_PYTHON, args, {
        sampleMemory: o.sampleMemory ?? false,
      });
      return jsonLinePeer(child);
    },
  };
}
