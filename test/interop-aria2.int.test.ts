// Interop with aria2 (Debian aria2), leeching from a swarm where Swarmdrop is the only
// seeder. aria2 announces its pieces as HAVE NONE, HAVEs, and later a BITFIELD when many
// finish at once; a Swarmdrop that closed on a "second bitfield" stalled it, unless a
// short tracker interval made it reconnect — so this tracker's interval is long.
// aria2 is not among the packages `.ci/run` installs: without it the test is skipped,
// and says why.
import { createSocket } from 'node:dgram';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrackedChild } from '../harness/tracked-child.ts';
import { TrackerServer } from '../src-main/tracker/server/index.ts';
import { cleanupAfterEach, openTestSession, sha256File, writeRandomFile } from './engine-harness.ts';
import { findTool } from './support/external-tool.ts';
import { makeTempDir } from './support/temp-dir.ts';

const aria2c = findTool('aria2c');
if (!aria2c) console.warn('SKIPPED: aria2c not found (Debian package aria2)');

const MiB = 1024 * 1024;

/** A UDP port free on 127.0.0.1 right now. */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** A TCP port free on 127.0.0.1 right now (aria2 wants a port number, not 0). */
async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.skipIf(!aria2c)('interop: aria2 leeches from a Swarmdrop-only swarm', () => {
  const defer = cleanupAfterEach();

  it('aria2c downloads a whole torrent from a Swarmdrop seeder through our tracker', async () => {
    const tmp = await makeTempDir();
    defer(tmp.remove);
    // A long interval: aria2 must not get the seeder back through a quick re-announce.
    const tracker = new TrackerServer({ intervalSec: 600 });
    const { port } = await tracker.listen({ host: '127.0.0.1', port: 0 });
    defer(() => tracker.close());
    const trackerUrl = `udp://127.0.0.1:${port}`;
    const source = path.join(tmp.dir, 'src', 'payload.bin');
    await writeRandomFile(source, 16 * MiB + 4321);
    const seeder = await openTestSession(tmp.dir, 'seeder', { defaultTrackers: [trackerUrl] });
    defer(() => seeder.close());
    const shared = await seeder.share([source], { pieceLengthBytes: 32 * 1024 });
    const torrentFile = path.join(tmp.dir, 'payload.torrent');
    await writeFile(torrentFile, shared.torrentBytes);
    const out = path.join(tmp.dir, 'aria2');
    await mkdir(out, { recursive: true });

    const child = new TrackedChild('aria2c', aria2c!, [
      `--dir=${out}`,
      '--seed-time=0',
      // aria2 speaks UDP trackers only through its DHT socket; with no entry point and a
      // fresh routing-table file the DHT contacts nobody.
      '--enable-dht=true',
      `--dht-listen-port=${await freeUdpPort()}`,
      `--dht-file-path=${path.join(tmp.dir, 'dht.dat')}`,
      '--enable-dht6=false',
      '--bt-enable-lpd=false',
      '--enable-peer-exchange=false',
      `--listen-port=${await freeTcpPort()}`,
      '--check-integrity=true',
      '--summary-interval=0',
      '--console-log-level=warn',
      '--no-conf=true',
      '--bt-stop-timeout=60',
      torrentFile,
    ]);
    defer(() => child.stop(2000));
    const timer = setTimeout(() => void child.stop(1000), 100_000);
    const exit = await child.exited;
    clearTimeout(timer);
    expect(exit, `aria2c: ${child.stderr()}`).toEqual({ code: 0, signal: null });
    expect(await sha256File(path.join(out, 'payload.bin'))).toBe(await sha256File(source));
  }, 120_000);
});
