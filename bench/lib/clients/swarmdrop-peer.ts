// Swarmdrop as a benchmark peer, through the built CLI: `swarmdrop get <.torrent|magnet>
// --out DIR --json` on 127.0.0.1 with an ephemeral port and its own data folder. Given the
// complete payload folder as --out it verifies the data and seeds; given an empty folder it
// downloads. Either way it prints one JSON document ({infoHash, name, sizeBytes, path,
// peerPort}) once every piece is verified, then seeds until SIGTERM; `--events` adds JSON
// lines for the metadata and the first verified piece.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BenchContext } from '../context.ts';
import type { LaunchOptions, PeerClient, RunningPeer } from '../../../harness/peer-client.ts';
import { TrackedChild, type LineEvent } from '../../../harness/tracked-child.ts';

const isComplete = (e: LineEvent): boolean =>
  typeof e.json?.infoHash === 'string' && typeof e.json?.sizeBytes === 'number';

/** `superSeed`: a seeder started with `--super-seed` (BEP 16). */
export function swarmdropPeer(ctx: BenchContext, { superSeed = false } = {}): PeerClient {
  return {
    name: 'swarmdrop',
    unavailable: () => ctx.swarmdrop.missing('get'),
    async launch(o: LaunchOptions): Promise<RunningPeer> {
      const source = o.torrentFile ?? o.magnet;
      if (!source) throw new Error('the swarmdrop peer needs a .torrent or a magnet');
      const dataDir = path.join(o.workDir, 'swarmdrop-data');
      await mkdir(dataDir, { recursive: true });
      const args = [
        ctx.swarmdrop.bin,
        'get',
        source,
        '--out',
        o.saveDir,
        '--data-dir',
        dataDir,
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--json',
        // JSON lines for the moments the magnet figure times (metadata, first-piece), and
        // the upload totals the swarm figure reads.
        '--events',
        // Every peer of the benchmark is 127.0.0.1 (libtorrent's peer script likewise sets
        // allow_multiple_connections_per_ip).
        '--peers-per-ip',
        '64',
        ...(superSeed && o.seed ? ['--super-seed'] : []),
        ...(o.transport === 'tcp-only' ? ['--no-utp'] : []),
        ...(o.transport === 'utp-only' ? ['--prefer-utp'] : []),
      ];
      const child = new TrackedChild(`swarmdrop ${o.seed ? 'seeder' : 'leecher'}`, process.execPath, args, {
        sampleMemory: o.sampleMemory ?? false,
      });
      const complete = async (timeoutMs: number): Promise<number> =>
        (await child.waitFor(isComplete, timeoutMs, 'completion document')).atMs;
      return {
        child,
        waitSeeding: complete,
        waitFinished: complete,
        waitFirstPiece: async (timeoutMs) => (await child.waitForEvent('first-piece', timeoutMs)).atMs,
        firstPieceTransport: async (timeoutMs) =>
          String((await child.waitForEvent('first-piece', timeoutMs)).json?.transport),
        stop: () => child.stop(),
      };
    },
  };
}
