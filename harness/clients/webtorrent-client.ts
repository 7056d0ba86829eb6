// WebTorrent (`webtorrent@1`, devDependency) through harness/peers/webtorrent-peer.mjs.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { jsonLinePeer, type LaunchOptions, type PeerClient, type RunningPeer } from '../peer-client.ts';
import { TrackedChild } from '../tracked-child.ts';

export function webtorrentClient(repoRoot: string): PeerClient {
  const script = path.join(repoRoot, 'harness/peers/webtorrent-peer.mjs');
  return {
    name: 'webtorrent',
    unavailable() {
      return existsSync(path.join(repoRoot, 'node_modules/webtorrent/package.json'))
        ? undefined
        : 'node_modules/webtorrent is missing (devDependency webtorrent@1; run npm install)';
    },
    async launch(o: LaunchOptions): Promise<RunningPeer> {
      const args = [script, '--save', o.saveDir];
      if (o.torrentFile) args.push('--torrent', o.torrentFile);
      if (o.magnet) args.push('--magnet', o.magnet);
      if (o.seed) args.push('--seed');
      if (o.peerPort !== undefined) args.push('--port', String(o.peerPort));
      for (const peer of o.connectTo ?? []) args.push('--peer', peer);
      const child = new TrackedChild(`webtorrent ${o.seed ? 'seeder' : 'leecher'}`, process.execPath, args, {
        cwd: repoRoot,
        sampleMemory: o.sampleMemory ?? false,
      });
      return jsonLinePeer(child);
    },
  };
}
