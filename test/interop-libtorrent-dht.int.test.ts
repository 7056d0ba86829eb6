// libtorrent (python3-libtorrent) as a DHT-only peer, both ways: no tracker anywhere, the
// torrent has none, and the only DHT node either side starts from is a bittorrent-dht node
// started here on 127.0.0.1. libtorrent's loopback restrictions are turned off in
// harness/peers/libtorrent_peer.py (--dht-bootstrap).
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client as DhtClient } from 'bittorrent-dht';
import { describe, expect, it } from 'vitest';
import { libtorrentClient, libtorrentVersion } from '../harness/clients/libtorrent-client.ts';
import { formatMagnet } from '../src-main/protocol/magnet.ts';
import { cleanupAfterEach, isComplete, openTestSession, waitFor } from './engine-harness.ts';
import { repoRoot } from './support/interop-harness.ts';
import { expectSamePayload, makeSingleFilePayload, torrentInfoHashHex } from './support/interop-payload.ts';
import { makeTempDir } from './support/temp-dir.ts';

const run = promisify(execFile);
const haveLibtorrent = libtorrentVersion() !== undefined;
const DHT_TUNING = { dhtRetryBaseMs: 500, dhtAnnounceIntervalMs: 5_000 };

describe.skipIf(!haveLibtorrent)('libtorrent as a DHT-only peer (BEP 5)', () => {
  const defer = cleanupAfterEach();

  /** The local DHT's one node, and the info-hashes announced to it (hex). */
  async function bootstrapNode(): Promise<{ address: string; announced: Set<string> }> {
    const node = new DhtClient({ bootstrap: false });
    const announced = new Set<string>();
    node.on('announce_peer', (infoHash: Buffer) => announced.add(infoHash.toString('hex')));
    await new Promise<void>((resolve) => node.listen(0, resolve));
    defer(() => new Promise<void>((resolve) => node.destroy(resolve)));
    const port = (node as unknown as { address(): { port: number } }).address().port;
    return { address: `127.0.0.1:${port}`, announced };
  }

  async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it(
    'libtorrent seeds a trackerless torrent; Swarmdrop finds it through the DHT and downloads it',
    {
      timeout: 180_000,
    },
    async () => {
      const tmp = await makeTempDir();
      defer(tmp.remove);
      const bootstrap = await bootstrapNode();
      const payload = await makeSingleFilePayload(
        path.join(tmp.dir, 'seed'),
        'from-libtorrent.bin',
        1_500_000,
      );
      const torrentFile = path.join(tmp.dir, 'trackerless.torrent');
      // No -t: the torrent names no tracker.
      await run('transmission-create', ['-s', '256', '-o', torrentFile, payload.root], { timeout: 30_000 });
      const infoHashHex = await torrentInfoHashHex(torrentFile);
      const seeder = await libtorrentClient(repoRoot).launch({
        torrentFile,
        saveDir: payload.parentDir,
        seed: true,
        workDir: tmp.dir,
        dhtBootstrap: [bootstrap.address],
      });
      defer(() => seeder.stop());
      await seeder.waitSeeding(30_000);

      const session = await openTestSession(tmp.dir, 'swarmdrop', {
        dht: { enabled: true, bootstrap: [bootstrap.address] },
        tuning: DHT_TUNING,
      });
      defer(() => session.close());
      const added = await session.add({ kind: 'magnet', uri: formatMagnet({ infoHashHex }) });
      await waitFor(session, added.id, isComplete, 120_000, 'the download from libtorrent via DHT');
      await expectSamePayload(payload, path.join(tmp.dir, 'swarmdrop', 'downloads'));
    },
  );

  it(
    'Swarmdrop seeds with no tracker; libtorrent finds it through the DHT and downloads it',
    {
      timeout: 180_000,
    },
    async () => {
      const tmp = await makeTempDir();
      defer(tmp.remove);
      const bootstrap = await bootstrapNode();
      const payload = await makeSingleFilePayload(
        path.join(tmp.dir, 'seed'),
        'from-swarmdrop.bin',
        1_500_000,
      );
      const session = await openTestSession(tmp.dir, 'swarmdrop', {
        dht: { enabled: true, bootstrap: [bootstrap.address] },
        tuning: DHT_TUNING,
      });
      defer(() => session.close());
      const shared = await session.share([payload.root], { publish: false, pieceLengthBytes: 256 * 1024 });
      expect(shared.magnet).not.toContain('tr=');
      // libtorrent looks a new torrent up once, then every 15 minutes: start it only when our
      // announce is in the DHT, or a lookup that came first finds nobody for the whole test.
      await until(() => bootstrap.announced.has(shared.id), 'our announce_peer at the DHT node');

      const out = path.join(tmp.dir, 'libtorrent-out');
      await mkdir(out, { recursive: true });
      const leecher = await libtorrentClient(repoRoot).launch({
        magnet: formatMagnet({ infoHashHex: shared.id }),
        saveDir: out,
        seed: false,
        workDir: tmp.dir,
        dhtBootstrap: [bootstrap.address],
      });
      defer(() => leecher.stop());
      await leecher.waitFinished(120_000);
      await expectSamePayload(payload, out);
    },
  );
});
