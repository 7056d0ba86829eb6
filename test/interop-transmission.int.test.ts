// Interop with Transmission 3.00 (Debian transmission-daemon), both ways, issue #5:
// Transmission downloads from `swarmdrop share`, and `swarmdrop get` downloads from a
// Transmission seed; with a magnet (metadata from the peer, BEP 9) each way. Everything
// on 127.0.0.1 through Swarmdrop's own tracker; Transmission has DHT, LPD, uTP, PEX and
// port mapping off (bench/lib/clients/transmission-client.ts).
//
// Transmission 3.00 drops 127.x peers it gets from a tracker ("martian" addresses) but
// accepts incoming connections on loopback, so when it leeches, the Swarmdrop seeder has
// to dial it: the seeder learns its address from the tracker on a (re-)announce, as any
// seeder does. The control test interop-harness.int.test.ts proves the harness itself.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { freeTcpPort } from '../bench/lib/ports.ts';
import { requireTool } from './support/external-tool.ts';
import { explained, startInteropHarness, type InteropHarness } from './support/interop-harness.ts';
import {
  expectSamePayload,
  makeFolderPayload,
  makeSingleFilePayload,
  torrentInfoHashHex,
  transmissionCreate,
} from './support/interop-payload.ts';
import { buildCli, runGet, startShare, type BuiltCli } from './support/swarmdrop-cli.ts';

const MIB = 1024 * 1024;
const daemon = requireTool('transmission-daemon', 'transmission-daemon');
const create = requireTool('transmission-create', 'transmission-cli');
const cli: BuiltCli | undefined = daemon && create ? await buildCli() : undefined;
const notReady = cli?.missing('share', 'get');
if (notReady && process.env.CI) throw new Error(notReady);
if (notReady) {
  console.warn(`SKIPPED: ${notReady}`);
  await cli?.remove();
}

afterAll(async () => {
  await cli?.remove();
});

describe.skipIf(!cli || notReady !== undefined)('interop: Swarmdrop <-> Transmission 3.00', () => {
  let h: InteropHarness;
  beforeAll(async () => {
    h = await startInteropHarness('interop-transmission');
  });
  afterEach(async () => {
    await h.stopAll();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('Transmission downloads from `swarmdrop share` given only its magnet (metadata from us, we dial it)', async () => {
    const payload = await makeSingleFilePayload(
      await h.folder('s1-src'),
      'share-to-transmission.bin',
      6 * MIB + 12_345,
    );
    const share = h.track(
      await startShare(cli!, [payload.root], {
        tracker: h.tracker.announceUrl,
        dataDir: await h.folder('s1-data'),
      }),
    );
    await h.tracker.waitForPeers(
      share.infoHashHex,
      (p) => p.some((x) => x.seeder),
      15_000,
      'the swarmdrop seeder',
    );
    const out = await h.folder('s1-out');
    const leech = h.track(
      await h.transmission.launch({
        magnet: share.magnet,
        saveDir: out,
        seed: false,
        workDir: await h.folder('s1-transmission'),
        peerPort: await freeTcpPort(),
      }),
    );
    await explained(leech.waitFinished(50_000), share.child);
    await expectSamePayload(payload, out);
  });

  it('Transmission downloads a folder with nested files from `swarmdrop share` (.torrent from --torrent-out)', async () => {
    const payload = await makeFolderPayload(await h.folder('s2-src'), 'shared-folder', {
      'a.bin': 3 * MIB + 5,
      'sub/deeper/b.bin': MIB + 77,
      'sub/c.txt': 1000,
    });
    const torrentOut = path.join(h.dir, 's2.torrent');
    const share = h.track(
      await startShare(cli!, [payload.root], {
        tracker: h.tracker.announceUrl,
        dataDir: await h.folder('s2-data'),
        torrentOut,
      }),
    );
    await h.tracker.waitForPeers(
      share.infoHashHex,
      (p) => p.some((x) => x.seeder),
      15_000,
      'the swarmdrop seeder',
    );
    const out = await h.folder('s2-out');
    const leech = h.track(
      await h.transmission.launch({
        torrentFile: torrentOut,
        saveDir: out,
        seed: false,
        workDir: await h.folder('s2-transmission'),
        peerPort: await freeTcpPort(),
      }),
    );
    await explained(leech.waitFinished(50_000), share.child);
    await expectSamePayload(payload, out);
  });

  it('`swarmdrop get` downloads from a Transmission seed (.torrent made by transmission-create)', async () => {
    const payload = await makeSingleFilePayload(
      await h.folder('g1-src'),
      'from-transmission.bin',
      6 * MIB - 999,
    );
    const torrentFile = path.join(h.dir, 'g1.torrent');
    await transmissionCreate(create!, payload, h.tracker.announceUrl, torrentFile);
    const infoHashHex = await torrentInfoHashHex(torrentFile);
    const seed = h.track(
      await h.transmission.launch({
        torrentFile,
        saveDir: payload.parentDir,
        seed: true,
        workDir: await h.folder('g1-transmission'),
      }),
    );
    await seed.waitSeeding(20_000);
    await h.tracker.waitForPeers(
      infoHashHex,
      (p) => p.some((x) => x.seeder),
      15_000,
      'the Transmission seeder',
    );
    const out = await h.folder('g1-out');
    await runGet(cli!, torrentFile, {
      tracker: h.tracker.announceUrl,
      out,
      dataDir: await h.folder('g1-data'),
      timeoutMs: 45_000,
      track: (c) => h.track(c),
    });
    await expectSamePayload(payload, out);
  });

  it('`swarmdrop get magnet:` downloads from a Transmission seed (metadata from Transmission, BEP 9)', async () => {
    const payload = await makeFolderPayload(await h.folder('g2-src'), 'transmission-folder', {
      'x.bin': 2 * MIB + 1,
      'nested/y.bin': 2 * MIB - 1,
    });
    const torrentFile = path.join(h.dir, 'g2.torrent');
    await transmissionCreate(create!, payload, h.tracker.announceUrl, torrentFile);
    const infoHashHex = await torrentInfoHashHex(torrentFile);
    const seed = h.track(
      await h.transmission.launch({
        torrentFile,
        saveDir: payload.parentDir,
        seed: true,
        workDir: await h.folder('g2-transmission'),
      }),
    );
    await seed.waitSeeding(20_000);
    await h.tracker.waitForPeers(
      infoHashHex,
      (p) => p.some((x) => x.seeder),
      15_000,
      'the Transmission seeder',
    );
    const out = await h.folder('g2-out');
    // Only the info-hash: name, size and pieces must come from Transmission.
    await runGet(cli!, `magnet:?xt=urn:btih:${infoHashHex}`, {
      tracker: h.tracker.announceUrl,
      out,
      dataDir: await h.folder('g2-data'),
      timeoutMs: 45_000,
      track: (c) => h.track(c),
    });
    await expectSamePayload(payload, out);
  });
});
