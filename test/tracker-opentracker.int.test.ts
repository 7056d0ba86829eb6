// Our clients against Debian's opentracker on 127.0.0.1: UDP (BEP 15) and HTTP (BEP 3 +
// compact BEP 23). Debian's build only tracks whitelisted info-hashes (`-w FILE`, hex, one
// per line) and drops privileges to `nobody`, so the file and its folder are world-readable;
// it chroots to `-d DIR`, so the whitelist is named relative to that folder.
import { createSocket } from 'node:dgram';
import { chmod, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackedChild } from '../harness/tracked-child.ts';
import { HttpTrackerClient } from '../src-main/tracker/client/http-tracker-client.ts';
import type { AnnounceParams } from '../src-main/tracker/client/tracker-client-api.ts';
import { UdpTrackerClient } from '../src-main/tracker/client/udp-tracker-client.ts';
import { requireTool } from './support/external-tool.ts';
import { makeTempDir } from './support/temp-dir.ts';

const opentracker = requireTool('opentracker', 'opentracker');

/** A port free for both TCP and UDP on 127.0.0.1 right now. */
async function freePort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const udp = createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    const { port } = udp.address();
    const tcp = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) await new Promise((r) => tcp.close(r));
    udp.close();
    if (ok) return port;
  }
  throw new Error('no port free for both TCP and UDP');
}

const whitelisted = Buffer.alloc(20, 0x5d);
const other = Buffer.alloc(20, 0x6e);
const params = (v: number, extra: Partial<AnnounceParams> = {}): AnnounceParams => ({
  infoHash: whitelisted,
  peerId: Buffer.alloc(20, v),
  port: 30_000 + v,
  uploaded: 0,
  downloaded: 0,
  left: v === 1 ? 0 : 100,
  event: 'started',
  numWant: 50,
  ...extra,
});

// Skipped only where the Debian tools are missing and CI is not set (requireTool prints
// which); under CI a missing tool throws, so these always run there.
describe.skipIf(!opentracker)("our clients against Debian's opentracker", () => {
  let temp: { dir: string; remove(): Promise<void> };
  let child: TrackedChild | undefined;
  let port = 0;
  const clients: { close(): void }[] = [];

  beforeAll(async () => {
    temp = await makeTempDir('swarmdrop-opentracker-');
    await writeFile(path.join(temp.dir, 'whitelist'), `${whitelisted.toString('hex')}\n`);
    await chmod(temp.dir, 0o755);
    await chmod(path.join(temp.dir, 'whitelist'), 0o644);
    port = await freePort();
    child = new TrackedChild(
      'opentracker',
      opentracker!,
      ['-i', '127.0.0.1', '-p', String(port), '-P', String(port), '-d', temp.dir, '-w', 'whitelist'],
      { cwd: temp.dir },
    );
    // Ready once it answers a BEP 15 connect (bounded).
    const probe = new UdpTrackerClient(`udp://127.0.0.1:${port}`, { baseTimeoutMs: 100, maxRetransmits: 6 });
    try {
      await probe.scrape([whitelisted]);
    } catch (err) {
      throw new Error(`opentracker did not start: ${(err as Error).message}\n${child.stderr()}`, {
        cause: err,
      });
    } finally {
      probe.close();
    }
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await child?.stop();
    await temp?.remove();
  });

  const udp = () => {
    const c = new UdpTrackerClient(`udp://127.0.0.1:${port}/announce`, {
      baseTimeoutMs: 500,
      maxRetransmits: 3,
    });
    clients.push(c);
    return c;
  };

  it('UDP: announcing gets the other peers back, and scrape counts them', async () => {
    const seeder = udp();
    const leecher = udp();
    await seeder.announce(params(1));
    const r = await leecher.announce(params(2));
    expect(r.intervalSec).toBeGreaterThan(0);
    // opentracker hands the asker its own address too (ours never does); the other peer
    // is what matters.
    expect(r.peers).toContainEqual({ host: '127.0.0.1', port: 30_001 });
    expect(r).toMatchObject({ seeders: 1, leechers: 1 });
    expect(await leecher.scrape([whitelisted])).toEqual([{ seeders: 1, completed: 0, leechers: 1 }]);
    // completed turns the leecher into a seeder; stopped removes it
    await leecher.announce(params(2, { event: 'completed', left: 0 }));
    expect((await leecher.scrape([whitelisted]))[0]).toMatchObject({ seeders: 2, completed: 1, leechers: 0 });
    await leecher.announce(params(2, { event: 'stopped', left: 0 }));
    expect((await leecher.scrape([whitelisted]))[0]).toMatchObject({ seeders: 1, leechers: 0 });
  });

  it('UDP: a torrent outside the whitelist gets no answer, which the client reports as a timeout', async () => {
    // Debian's opentracker drops announces for torrents not on its whitelist silently.
    const c = new UdpTrackerClient(`udp://127.0.0.1:${port}/announce`, {
      baseTimeoutMs: 100,
      maxRetransmits: 1,
    });
    clients.push(c);
    const err = await c.announce(params(3, { infoHash: other })).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'TrackerError', code: 'timeout' });
  });

  it('HTTP: compact announce gets the peers back', async () => {
    await udp().announce(params(4, { left: 0 }));
    const http = new HttpTrackerClient(`http://127.0.0.1:${port}/announce`, { timeoutMs: 5000 });
    clients.push(http);
    const r = await http.announce(params(5));
    expect(r.peers).toContainEqual({ host: '127.0.0.1', port: 30_004 });
    expect(r.intervalSec).toBeGreaterThan(0);
    const [stats] = await http.scrape([whitelisted]);
    expect(stats?.leechers).toBeGreaterThanOrEqual(1);
  });
});
