// uTP (BEP 29) against libtorrent 2.0 with TCP switched off in both directions
// (`enable_incoming_tcp` / `enable_outgoing_tcp` false): whatever crosses went over our
// uTP. libtorrent downloads from `swarmdrop share` (it dials our UDP peer port) and seeds
// to `swarmdrop get` (we dial its), plain and with MSE required on both sides; a control
// shows that `--no-utp` indeed leaves such a peer with nothing. Everything on 127.0.0.1
// through Swarmdrop's own tracker (test/support/interop-harness.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { requireTool } from './support/external-tool.ts';
import { useInteropHarness } from './support/interop-harness.ts';
import { makeFolderPayload, makeSingleFilePayload } from './support/interop-payload.ts';
import { clientDownloadsFromShare, getDownloadsFromClient } from './support/interop-scenarios.ts';
import { buildCliFor, spawnCli } from './support/swarmdrop-cli.ts';

const MIB = 1024 * 1024;
const create = requireTool('transmission-create', 'transmission-cli');
const cli = await buildCliFor(Boolean(create), 'share', 'get');

afterAll(async () => {
  await cli?.remove();
});

describe.skipIf(!cli)('interop: uTP only, against libtorrent', () => {
  const harness = useInteropHarness('interop-utp', (h) => h.libtorrent.unavailable());

  it('libtorrent over uTP only downloads a magnet from `swarmdrop share`', async () => {
    const h = harness();
    const payload = await makeSingleFilePayload(
      await h.folder('u1-src'),
      'utp-to-libtorrent.bin',
      6 * MIB + 77,
    );
    await clientDownloadsFromShare(h, cli!, {
      tag: 'u1',
      payload,
      client: 'libtorrent',
      via: 'magnet',
      clientTransport: 'utp-only',
    });
  });

  it('`swarmdrop get` downloads from a libtorrent seed that speaks uTP only', async () => {
    const h = harness();
    const payload = await makeFolderPayload(await h.folder('u2-src'), 'utp-from-libtorrent', {
      'a.bin': 3 * MIB + 5,
      'sub/b.bin': MIB - 9,
    });
    await getDownloadsFromClient(h, cli!, {
      tag: 'u2',
      payload,
      client: 'libtorrent',
      createTool: create!,
      source: 'magnet',
      clientTransport: 'utp-only',
    });
  });

  it('uTP with MSE required both ways: libtorrent downloads from `swarmdrop share --encryption require`', async () => {
    const h = harness();
    const payload = await makeSingleFilePayload(await h.folder('u3-src'), 'utp-rc4-to-lt.bin', 4 * MIB + 1);
    await clientDownloadsFromShare(h, cli!, {
      tag: 'u3',
      payload,
      client: 'libtorrent',
      via: 'torrent-file',
      clientTransport: 'utp-only',
      clientEncryption: 'require',
      cliEncryption: 'require',
    });
  });

  it('uTP with MSE required both ways: `swarmdrop get --encryption require` downloads from libtorrent', async () => {
    const h = harness();
    const payload = await makeSingleFilePayload(await h.folder('u4-src'), 'utp-rc4-from-lt.bin', 4 * MIB - 3);
    await getDownloadsFromClient(h, cli!, {
      tag: 'u4',
      payload,
      client: 'libtorrent',
      createTool: create!,
      source: 'torrent-file',
      clientTransport: 'utp-only',
      clientEncryption: 'require',
      cliEncryption: 'require',
    });
  });

  it('control: with `--no-utp` a uTP-only libtorrent gets nothing from `swarmdrop share`', async () => {
    const h = harness();
    const payload = await makeSingleFilePayload(await h.folder('u5-src'), 'no-utp.bin', MIB);
    const share = h.track(
      spawnCli(cli!, 'swarmdrop share', [
        'share',
        payload.root,
        '--tracker',
        h.tracker.announceUrl,
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--data-dir',
        await h.folder('u5-data'),
        '--no-utp',
      ]),
    );
    const magnet = (
      await share.waitFor((e) => /^magnet:\?\S+$/.test(e.line.trim()), 30_000, 'magnet')
    ).line.trim();
    const infoHashHex = /xt=urn:btih:([0-9a-fA-F]{40})/.exec(magnet)![1]!.toLowerCase();
    await h.tracker.waitForPeers(infoHashHex, (p) => p.some((x) => x.seeder), 15_000, 'the seeder');
    const leech = h.track(
      await h.libtorrent.launch({
        magnet,
        saveDir: await h.folder('u5-out'),
        workDir: await h.folder('u5-out'),
        seed: false,
        transport: 'utp-only',
      }),
    );
    await expect(leech.waitFinished(8_000)).rejects.toThrow();
  });
});
