// The control for the engine interop tests (engine-interop*.int.test.ts): the same
// harness (Swarmdrop's tracker, the bench drivers, payloads from transmission-create)
// moving a payload between Transmission and WebTorrent with no Swarmdrop peer at all.
// When these pass and an engine test fails, the engine is at fault, not the harness.
import path from 'node:path';
import { describe, it } from 'vitest';
import { freeTcpPort } from '../harness/ports.ts';
import { requireTool } from './support/external-tool.ts';
import { useInteropHarness } from './support/interop-harness.ts';
import {
  expectSamePayload,
  magnetLink,
  makeSingleFilePayload,
  torrentInfoHashHex,
  transmissionCreate,
} from './support/interop-payload.ts';

const daemon = requireTool('transmission-daemon', 'transmission-daemon');
const create = requireTool('transmission-create', 'transmission-cli');

// Skipped only where the Debian tools are missing and CI is not set (requireTool prints
// which); under CI a missing tool throws, so these always run there.
describe.skipIf(!daemon || !create)('interop harness: Transmission <-> WebTorrent, no Swarmdrop peer', () => {
  const harness = useInteropHarness('interop-harness');

  it('WebTorrent downloads from a Transmission seed (magnet, metadata from the peer)', async () => {
    const h = harness();
    const payload = await makeSingleFilePayload(
      await h.folder('t-seed'),
      'control-a.bin',
      4 * 1024 * 1024 + 4321,
    );
    const torrentFile = path.join(h.dir, 'control-a.torrent');
    await transmissionCreate(create!, payload, h.tracker.announceUrl, torrentFile);
    const seed = h.track(
      await h.transmission.launch({
        torrentFile,
        saveDir: payload.parentDir,
        seed: true,
        workDir: await h.folder('t-seed-work'),
      }),
    );
    await seed.waitSeeding(20_000);
    const infoHashHex = await torrentInfoHashHex(torrentFile);
    await h.tracker.waitForPeers(
      infoHashHex,
      (p) => p.some((x) => x.seeder),
      15_000,
      'the Transmission seeder',
    );
    const out = await h.folder('wt-leech');
    const magnet = magnetLink(infoHashHex, payload.name, h.tracker.announceUrl);
    const leech = h.track(await h.webtorrent.launch({ magnet, saveDir: out, seed: false, workDir: out }));
    await leech.waitFinished(40_000);
    await expectSamePayload(payload, out);
  });

  it('Transmission downloads from a WebTorrent seed that dials it (Transmission ignores 127.x tracker peers)', async () => {
    const h = harness();
    const payload = await makeSingleFilePayload(
      await h.folder('wt-seed'),
      'control-b.bin',
      4 * 1024 * 1024 - 777,
    );
    const torrentFile = path.join(h.dir, 'control-b.torrent');
    await transmissionCreate(create!, payload, h.tracker.announceUrl, torrentFile);
    const out = await h.folder('t-leech');
    const peerPort = await freeTcpPort();
    const leech = h.track(
      await h.transmission.launch({
        torrentFile,
        saveDir: out,
        seed: false,
        workDir: await h.folder('t-leech-work'),
        peerPort,
      }),
    );
    const seed = h.track(
      await h.webtorrent.launch({
        torrentFile,
        saveDir: payload.parentDir,
        seed: true,
        workDir: payload.parentDir,
        connectTo: [`127.0.0.1:${peerPort}`],
      }),
    );
    await seed.waitSeeding(20_000);
    await leech.waitFinished(40_000);
    await expectSamePayload(payload, out);
  });
});
