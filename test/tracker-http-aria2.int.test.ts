// Our tracker's HTTP face for a client that only speaks it here: aria2 is given a .torrent
// whose only tracker is http://…/announce on our tracker, finds a Swarmdrop seeder there
// (which announced over UDP to the same port number) and downloads the file.
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrackedChild } from '../harness/tracked-child.ts';
import { bdecode, bencode, isDict } from '../src-main/protocol/bencode.ts';
import { TrackerServer } from '../src-main/tracker/server/index.ts';
import { cleanupAfterEach, openTestSession, sha256File, writeRandomFile } from './engine-harness.ts';
import { requireTool } from './support/external-tool.ts';
import { makeTempDir } from './support/temp-dir.ts';
import { torrentInfoHashHex } from './support/interop-payload.ts';

const aria2 = requireTool('aria2c', 'aria2');

/** A TCP port free right now (aria2 takes no 0 for "any"). */
async function freeTcpPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

describe.skipIf(!aria2)('aria2 against the HTTP face of our tracker', () => {
  const defer = cleanupAfterEach();

  it('aria2 announces over HTTP, gets our UDP-announced seeder and downloads the file', async () => {
    const tmp = await makeTempDir();
    defer(tmp.remove);
    const server = new TrackerServer({ intervalSec: 5, http: true });
    const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
    defer(() => server.close());

    const source = path.join(tmp.dir, 'src', 'payload.bin');
    await writeRandomFile(source, 2 * 1024 * 1024 + 123);
    const seeder = await openTestSession(tmp.dir, 'seeder', { defaultTrackers: [`udp://127.0.0.1:${port}`] });
    defer(() => seeder.close());
    const shared = await seeder.share([source], { pieceLengthBytes: 64 * 1024, publish: false });

    // The same torrent (the same info dictionary) with only the HTTP tracker in it.
    const metainfo = bdecode(shared.torrentBytes);
    if (!isDict(metainfo)) throw new Error('torrent is not a dictionary');
    delete metainfo['announce-list'];
    metainfo.announce = new TextEncoder().encode(`http://127.0.0.1:${port}/announce`);
    const torrentFile = path.join(tmp.dir, 'http-only.torrent');
    await writeFile(torrentFile, bencode(metainfo));
    expect(await torrentInfoHashHex(torrentFile)).toBe(shared.id);

    const out = path.join(tmp.dir, 'out');
    const child = new TrackedChild('aria2c', aria2!, [
      `--dir=${out}`,
      '--seed-time=0',
      '--enable-dht=false',
      '--enable-dht6=false',
      '--bt-enable-lpd=false',
      '--enable-peer-exchange=false',
      `--listen-port=${await freeTcpPort()}`,
      '--summary-interval=0',
      '--console-log-level=warn',
      '--bt-stop-timeout=60',
      torrentFile,
    ]);
    defer(() => child.stop());
    const outcome = await Promise.race([
      child.exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 90_000)),
    ]);
    if (outcome === 'timeout' || outcome.code !== 0)
      throw new Error(`aria2c did not finish: ${JSON.stringify(outcome)}: ${child.stderr()}`);
    expect(await sha256File(path.join(out, 'payload.bin'))).toBe(await sha256File(source));
    expect(server.stats().httpRequests).toBeGreaterThan(0);
    expect(server.stats().internalErrors).toBe(0);
  }, 120_000);
});
