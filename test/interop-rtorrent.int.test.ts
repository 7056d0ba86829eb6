// Interop with rtorrent 0.9.8 (Debian rtorrent) as a seeder: Swarmdrop fetches a magnet's
// metadata from it (BEP 9) and then the payload. rtorrent answers one ut_metadata request
// at a time and ignores a second while the first is pending, which stalled magnets when
// we asked for every metadata piece at once. On loopback the stall did not show here (the
// old code passed this test too), so the deterministic regression test for it is the
// strict raw seeder in engine-metadata.int.test.ts; this one checks the real client.
// rtorrent runs as a daemon (no terminal), DHT and PEX off, announcing to our tracker on
// 127.0.0.1. It is not among the packages `.ci/run` installs: without it (or mktorrent)
// the test is skipped, and says why.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TrackedChild } from '../harness/tracked-child.ts';
import type { EngineEvent } from '../src-main/engine/session-api.ts';
import { parseTorrent } from '../src-main/protocol/metainfo/parse-torrent.ts';
import { METADATA_PIECE_BYTES } from '../src-main/protocol/wire/ut-metadata.ts';
import {
  cleanupAfterEach,
  isComplete,
  openTestSession,
  startTracker,
  waitFor,
  writeRandomFile,
} from './engine-harness.ts';
import { findTool } from './support/external-tool.ts';
import { makeTempDir } from './support/temp-dir.ts';

const run = promisify(execFile);
const rtorrent = findTool('rtorrent');
const mktorrent = findTool('mktorrent');
if (!rtorrent || !mktorrent)
  console.warn(`SKIPPED: ${rtorrent ? 'mktorrent' : 'rtorrent'} not found (Debian package of that name)`);

async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.skipIf(!rtorrent || !mktorrent)(
  'interop: Swarmdrop fetches a magnet from an rtorrent seeder',
  () => {
    const defer = cleanupAfterEach();

    it('`add magnet:` gets the metadata (two pieces) and the payload from rtorrent', async () => {
      const tmp = await makeTempDir();
      defer(tmp.remove);
      const tracker = await startTracker();
      defer(() => tracker.server.close());
      const seedDir = path.join(tmp.dir, 'rtorrent');
      const session = path.join(seedDir, 'session');
      await mkdir(session, { recursive: true });
      const payload = path.join(seedDir, 'payload.bin');
      // 16 KiB pieces: ~3000 piece hashes make an info dict of 4 metadata pieces.
      await writeRandomFile(payload, 48 * 1024 * 1024 + 17);
      const torrentFile = path.join(tmp.dir, 'payload.torrent');
      await run(mktorrent!, ['-a', tracker.url, '-l', '15', '-o', torrentFile, payload]);
      const metainfo = parseTorrent(new Uint8Array(await readFile(torrentFile)));
      expect(Math.ceil(metainfo.infoBytes.length / METADATA_PIECE_BYTES)).toBeGreaterThanOrEqual(2);
      const infoHashHex = createHash('sha1').update(metainfo.infoBytes).digest('hex');

      const port = await freeTcpPort();
      const child = new TrackedChild('rtorrent', rtorrent!, [
        '-n',
        '-o',
        'system.daemon.set=true',
        '-o',
        `directory.default.set=${seedDir}`,
        '-o',
        `session.path.set=${session}`,
        '-o',
        `network.port_range.set=${port}-${port}`,
        '-o',
        'network.port_random.set=no',
        '-o',
        'network.bind_address.set=127.0.0.1',
        '-o',
        'dht.mode.set=disable',
        '-o',
        'protocol.pex.set=no',
        '-o',
        'trackers.use_udp.set=yes',
        '-o',
        `load.start=${torrentFile}`,
      ]);
      defer(() => child.stop(2000));

      const leecher = await openTestSession(tmp.dir, 'leecher', { defaultTrackers: [tracker.url] });
      defer(() => leecher.close());
      const warnings: EngineEvent[] = [];
      leecher.on('warning', (w) => warnings.push(w));
      await leecher.add({ kind: 'magnet', uri: `magnet:?xt=urn:btih:${infoHashHex}` });
      await waitFor(
        leecher,
        infoHashHex,
        (s) => s.state !== 'fetching-metadata',
        60_000,
        'metadata from rtorrent',
      );
      await waitFor(leecher, infoHashHex, isComplete, 90_000, 'payload from rtorrent');
      expect(warnings.filter((w) => w.code === 'metadata-unsupported')).toEqual([]);
      const got = await readFile(path.join(tmp.dir, 'leecher', 'downloads', 'payload.bin'));
      const want = await readFile(payload);
      expect(got.equals(want)).toBe(true);
    }, 180_000);
  },
);
