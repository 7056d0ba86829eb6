// Mainline DHT (BEP 5) between real sessions on 127.0.0.1: a small DHT whose only
// bootstrap node is a bittorrent-dht node started here (never a public router), no tracker.
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client as DhtClient } from 'bittorrent-dht';
import { describe, expect, it } from 'vitest';
import type { Session, SessionOptions } from '../src-main/engine/session-api.ts';
import { formatMagnet } from '../src-main/protocol/magnet.ts';
import {
  cleanupAfterEach,
  isComplete,
  openTestSession,
  sha256File,
  waitFor,
  writeRandomFile,
  type Defer,
} from './engine-harness.ts';
import { makeTempDir } from './support/temp-dir.ts';

const DHT_TUNING = { dhtRetryBaseMs: 300, dhtAnnounceIntervalMs: 5_000 };

interface BootstrapNode {
  address: string;
  /** Info-hashes (hex) this node was asked about or told of. */
  seen: Set<string>;
}

async function startBootstrapNode(defer: Defer): Promise<BootstrapNode> {
  const node = new DhtClient({ bootstrap: false });
  const seen = new Set<string>();
  node.on('get_peers', (infoHash: Buffer) => seen.add(infoHash.toString('hex')));
  node.on('announce_peer', (infoHash: Buffer) => seen.add(infoHash.toString('hex')));
  await new Promise<void>((resolve) => node.listen(0, resolve));
  defer(() => new Promise<void>((resolve) => node.destroy(resolve)));
  const port = (node as unknown as { address(): { port: number } }).address().port;
  return { address: `127.0.0.1:${port}`, seen };
}

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Mainline DHT (BEP 5) between sessions', () => {
  const defer = cleanupAfterEach();

  async function setup() {
    const tmp = await makeTempDir();
    defer(tmp.remove);
    const open = async (name: string, extra: Partial<SessionOptions>): Promise<Session> => {
      const s = await openTestSession(tmp.dir, name, { ...extra, tuning: DHT_TUNING });
      defer(() => s.close());
      return s;
    };
    return { dir: tmp.dir, open };
  }

  it('a magnet with no tracker downloads from a seeder found through the DHT', async () => {
    const { dir, open } = await setup();
    const bootstrap = await startBootstrapNode(defer);
    const dht = { enabled: true, bootstrap: [bootstrap.address] };
    const seeder = await open('seeder', { dht });
    const file = path.join(dir, 'payload', 'found-by-dht.bin');
    await writeRandomFile(file, 3 * 1024 * 1024 + 123);
    const shared = await seeder.share([file], { publish: false, pieceLengthBytes: 256 * 1024 });
    expect(shared.magnet).not.toContain('tr=');

    const leecher = await open('leecher', { dht });
    const added = await leecher.add({ kind: 'magnet', uri: formatMagnet({ infoHashHex: shared.id }) });
    await waitFor(leecher, added.id, isComplete, 60_000, 'the download via DHT');
    expect(await sha256File(path.join(dir, 'leecher', 'downloads', 'found-by-dht.bin'))).toBe(
      await sha256File(file),
    );
    expect(leecher.dhtStatus()?.nodes).toBeGreaterThan(0);
  });

  it('a session whose DHT opens in the background downloads a magnet found through it', async () => {
    const { dir, open } = await setup();
    const bootstrap = await startBootstrapNode(defer);
    const seeder = await open('seeder', { dht: { enabled: true, bootstrap: [bootstrap.address] } });
    const file = path.join(dir, 'payload', 'found-later.bin');
    await writeRandomFile(file, 2 * 1024 * 1024 + 7);
    const shared = await seeder.share([file], { publish: false, pieceLengthBytes: 256 * 1024 });

    const leecher = await open('leecher', {
      dht: { enabled: true, bootstrap: [bootstrap.address], background: true },
    });
    // Added straight after openSession; whether the DHT is up by then is a race the test
    // does not control (the session announces the torrents started before it either way).
    const added = await leecher.add({ kind: 'magnet', uri: formatMagnet({ infoHashHex: shared.id }) });
    await waitFor(leecher, added.id, isComplete, 60_000, 'the download via a background DHT');
    expect(await sha256File(path.join(dir, 'leecher', 'downloads', 'found-later.bin'))).toBe(
      await sha256File(file),
    );
    expect(leecher.dhtStatus()?.nodes).toBeGreaterThan(0);
  });

  it('a private torrent is never looked up or announced on the DHT', async () => {
    const { dir, open } = await setup();
    const bootstrap = await startBootstrapNode(defer);
    const seeder = await open('seeder', { dht: { enabled: true, bootstrap: [bootstrap.address] } });
    const privateFile = path.join(dir, 'payload', 'private.bin');
    const publicFile = path.join(dir, 'payload', 'public.bin');
    await writeRandomFile(privateFile, 100_000);
    await writeRandomFile(publicFile, 100_000);
    const secret = await seeder.share([privateFile], { publish: false, private: true });
    const open_ = await seeder.share([publicFile], { publish: false });
    // The public one shared after the private one reaching the DHT is the point by which
    // the private one would have, too.
    await until(() => bootstrap.seen.has(open_.id), 'the public torrent on the DHT');
    await new Promise((r) => setTimeout(r, 1000));
    expect(bootstrap.seen.has(secret.id)).toBe(false);
  });

  it('the routing table is saved in the data folder and a restart rejoins without bootstrap nodes', async () => {
    const { dir, open } = await setup();
    const bootstrap = await startBootstrapNode(defer);
    const first = await open('node', { dht: { enabled: true, bootstrap: [bootstrap.address] } });
    await until(() => (first.dhtStatus()?.nodes ?? 0) > 0, 'a node in the routing table');
    await first.close();
    const saved = JSON.parse(await readFile(path.join(dir, 'node', 'data', 'dht.json'), 'utf8')) as {
      version: number;
      nodes: { host: string; port: number }[];
    };
    expect(saved.version).toBe(1);
    expect(saved.nodes).toContainEqual(
      expect.objectContaining({ host: '127.0.0.1', port: Number(bootstrap.address.split(':')[1]) }),
    );

    const second = await open('node', { dht: { enabled: true, bootstrap: [] } });
    expect(second.dhtStatus()?.nodes).toBeGreaterThan(0);
  });

  it("the BEP 5 PORT message puts a connected peer's DHT node into the routing table", async () => {
    const { dir, open } = await setup();
    // No bootstrap at all: the only way either node learns of the other is PORT.
    const dht = { enabled: true, bootstrap: [] };
    const seeder = await open('seeder', { dht });
    const file = path.join(dir, 'payload', 'port.bin');
    await writeRandomFile(file, 50_000);
    const shared = await seeder.share([file], { publish: false });
    const leecher = await open('leecher', { dht });
    expect(leecher.dhtStatus()?.nodes).toBe(0);
    // The DHT rides on the uTP socket: PORT names the peer port itself.
    expect(seeder.dhtStatus()?.port).toBe(seeder.peerPort);
    expect(leecher.dhtStatus()?.port).toBe(leecher.peerPort);
    const magnet = `${formatMagnet({ infoHashHex: shared.id })}&x.pe=127.0.0.1:${seeder.peerPort}`;
    const added = await leecher.add({ kind: 'magnet', uri: magnet });
    await waitFor(leecher, added.id, isComplete, 30_000, 'the download from x.pe');
    await until(() => (leecher.dhtStatus()?.nodes ?? 0) > 0, "the seeder's DHT node at the leecher");
    await until(() => (seeder.dhtStatus()?.nodes ?? 0) > 0, "the leecher's DHT node at the seeder");
  });

  it('a DHT port another program holds moves the DHT to a free port instead of failing the session', async () => {
    const { open } = await setup();
    const holder = createSocket('udp4');
    await new Promise<void>((resolve) => holder.bind(0, '127.0.0.1', resolve));
    defer(() => new Promise<void>((resolve) => holder.close(() => resolve())));
    const taken = holder.address().port;
    const s = await open('moved', { dht: { enabled: true, bootstrap: [], port: taken } });
    const status = s.dhtStatus();
    expect(status).not.toBeNull();
    expect(status?.port).not.toBe(taken);
    expect(status?.port).toBeGreaterThan(0);
  });

  it('with DHT off the session runs no DHT node', async () => {
    const { open } = await setup();
    const s = await open('off', {});
    expect(s.dhtStatus()).toBeNull();
  });
});
