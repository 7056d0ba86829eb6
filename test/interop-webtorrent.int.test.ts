// Interop with WebTorrent (`webtorrent@1`, the Node client) both ways, issue #5: WebTorrent
// downloads from `swarmdrop share`, and `swarmdrop get` downloads from a WebTorrent seed,
// including magnet-only (metadata from the peer, BEP 9) each way. Everything on 127.0.0.1
// through Swarmdrop's own tracker; WebTorrent runs with DHT, LSD, uTP and web seeds off
// (bench/peers/webtorrent-peer.mjs, one process per peer).
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { explained, startInteropHarness, type InteropHarness } from './support/interop-harness.ts';
import {
  expectSamePayload,
  makeFolderPayload,
  makeSingleFilePayload,
  torrentInfoHashHex,
  transmissionCreate,
} from './support/interop-payload.ts';
import { requireTool } from './support/external-tool.ts';
import { buildCli, runGet, startShare, type BuiltCli } from './support/swarmdrop-cli.ts';

const MIB = 1024 * 1024;
// transmission-create only writes the .torrent a WebTorrent seed serves: a third
// implementation's metainfo, so the test does not rest on our encoder.
const create = requireTool('transmission-create', 'transmission-cli');
const cli: BuiltCli | undefined = create ? await buildCli() : undefined;
const notReady = cli?.missing('share', 'get');
if (notReady && process.env.CI) throw new Error(notReady);
if (notReady) {
  console.warn(`SKIPPED: ${notReady}`);
  await cli?.remove();
}

afterAll(async () => {
  await cli?.remove();
});

describe.skipIf(!cli || notReady !== undefined)('interop: Swarmdrop <-> WebTorrent', () => {
  let h: InteropHarness;
  beforeAll(async () => {
    h = await startInteropHarness('interop-webtorrent');
    const missing = h.webtorrent.unavailable();
    if (missing) throw new Error(missing);
  });
  afterEach(async () => {
    await h.stopAll();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('WebTorrent downloads from `swarmdrop share` (.torrent from --torrent-out)', async () => {
    const payload = await makeSingleFilePayload(
      await h.folder('s1-src'),
      'share-to-webtorrent.bin',
      6 * MIB + 4321,
    );
    const torrentOut = path.join(h.dir, 's1.torrent');
    const share = h.track(
      await startShare(cli!, [payload.root], {
        tracker: h.tracker.announceUrl,
        dataDir: await h.folder('s1-data'),
        torrentOut,
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
      await h.webtorrent.launch({ torrentFile: torrentOut, saveDir: out, seed: false, workDir: out }),
    );
    await explained(leech.waitFinished(50_000), share.child);
    await expectSamePayload(payload, out);
  });

  it('WebTorrent downloads a folder from `swarmdrop share` given only its magnet (metadata from us)', async () => {
    const payload = await makeFolderPayload(await h.folder('s2-src'), 'shared-to-webtorrent', {
      'one.bin': 2 * MIB + 3,
      'two/three.bin': 2 * MIB + 7,
    });
    const share = h.track(
      await startShare(cli!, [payload.root], {
        tracker: h.tracker.announceUrl,
        dataDir: await h.folder('s2-data'),
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
      await h.webtorrent.launch({ magnet: share.magnet, saveDir: out, seed: false, workDir: out }),
    );
    await explained(leech.waitFinished(50_000), share.child);
    await expectSamePayload(payload, out);
  });

  it('`swarmdrop get` downloads from a WebTorrent seed (.torrent)', async () => {
    const payload = await makeSingleFilePayload(
      await h.folder('g1-src'),
      'from-webtorrent.bin',
      6 * MIB - 4321,
    );
    const torrentFile = path.join(h.dir, 'g1.torrent');
    await transmissionCreate(create!, payload, h.tracker.announceUrl, torrentFile);
    const infoHashHex = await torrentInfoHashHex(torrentFile);
    const seed = h.track(
      await h.webtorrent.launch({
        torrentFile,
        saveDir: payload.parentDir,
        seed: true,
        workDir: payload.parentDir,
      }),
    );
    await seed.waitSeeding(20_000);
    await h.tracker.waitForPeers(
      infoHashHex,
      (p) => p.some((x) => x.seeder),
      15_000,
      'the WebTorrent seeder',
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

  it('`swarmdrop get <info-hash>` downloads from a WebTorrent seed (metadata from WebTorrent, BEP 9)', async () => {
    const payload = await makeFolderPayload(await h.folder('g2-src'), 'webtorrent-folder', {
      'p.bin': 3 * MIB + 11,
      'q/r.bin': MIB + 13,
    });
    const torrentFile = path.join(h.dir, 'g2.torrent');
    await transmissionCreate(create!, payload, h.tracker.announceUrl, torrentFile);
    const infoHashHex = await torrentInfoHashHex(torrentFile);
    const seed = h.track(
      await h.webtorrent.launch({
        torrentFile,
        saveDir: payload.parentDir,
        seed: true,
        workDir: payload.parentDir,
      }),
    );
    await seed.waitSeeding(20_000);
    await h.tracker.waitForPeers(
      infoHashHex,
      (p) => p.some((x) => x.seeder),
      15_000,
      'the WebTorrent seeder',
    );
    const out = await h.folder('g2-out');
    // A bare info-hash: `get` accepts it like a magnet (issue #5); everything else comes
    // from the WebTorrent peer.
    await runGet(cli!, infoHashHex, {
      tracker: h.tracker.announceUrl,
      out,
      dataDir: await h.folder('g2-data'),
      timeoutMs: 45_000,
      track: (c) => h.track(c),
    });
    await expectSamePayload(payload, out);
  });
});
