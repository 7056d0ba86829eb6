// Interop with WebTorrent (`webtorrent@1`, the Node client) both ways: WebTorrent
// downloads from `swarmdrop share`, and `swarmdrop get` downloads from a WebTorrent seed,
// including magnet-only (metadata from the peer, BEP 9) each way. Everything on 127.0.0.1
// through Swarmdrop's own tracker; WebTorrent runs with DHT, LSD, uTP and web seeds off
// (harness/peers/webtorrent-peer.mjs, one process per peer).
import { afterAll, describe, it } from 'vitest';
import { requireTool } from './support/external-tool.ts';
import { useInteropHarness } from './support/interop-harness.ts';
import { makeFolderPayload, makeSingleFilePayload } from './support/interop-payload.ts';
import { clientDownloadsFromShare, getDownloadsFromClient } from './support/interop-scenarios.ts';
import { buildCliFor } from './support/swarmdrop-cli.ts';

const MIB = 1024 * 1024;
// transmission-create only writes the .torrent a WebTorrent seed serves: a third
// implementation's metainfo, so the test does not rest on our encoder.
const create = requireTool('transmission-create', 'transmission-cli');
const cli = await buildCliFor(Boolean(create), 'share', 'get');

afterAll(async () => {
  await cli?.remove();
});

// Skipped only when the CLI bundle or its Debian peer is missing (buildCliFor prints why);
// under CI a missing tool throws instead, so this always runs there.
describe.skipIf(!cli)('interop: Swarmdrop <-> WebTorrent', () => {
  const harness = useInteropHarness('interop-webtorrent', (h) => h.webtorrent.unavailable());

  it('WebTorrent downloads from `swarmdrop share` (.torrent from --torrent-out)', async () => {
    const h = harness();
    const payload = await makeSingleFilePayload(
      await h.folder('s1-src'),
      'share-to-webtorrent.bin',
      6 * MIB + 4321,
    );
    await clientDownloadsFromShare(h, cli!, {
      tag: 's1',
      payload,
      client: 'webtorrent',
      via: 'torrent-file',
    });
  });

  it('WebTorrent downloads a folder from `swarmdrop share` given only its magnet (metadata from us)', async () => {
    const h = harness();
    const payload = await makeFolderPayload(await h.folder('s2-src'), 'shared-to-webtorrent', {
      'one.bin': 2 * MIB + 3,
      'two/three.bin': 2 * MIB + 7,
    });
    await clientDownloadsFromShare(h, cli!, { tag: 's2', payload, client: 'webtorrent', via: 'magnet' });
  });

  it('`swarmdrop get` downloads from a WebTorrent seed (.torrent)', async () => {
    const h = harness();
    const payload = await makeSingleFilePayload(
      await h.folder('g1-src'),
      'from-webtorrent.bin',
      6 * MIB - 4321,
    );
    await getDownloadsFromClient(h, cli!, {
      tag: 'g1',
      payload,
      client: 'webtorrent',
      createTool: create!,
      source: 'torrent-file',
    });
  });

  it('`swarmdrop get <info-hash>` downloads from a WebTorrent seed (metadata from WebTorrent, BEP 9)', async () => {
    const h = harness();
    const payload = await makeFolderPayload(await h.folder('g2-src'), 'webtorrent-folder', {
      'p.bin': 3 * MIB + 11,
      'q/r.bin': MIB + 13,
    });
    // A bare info-hash: `get` accepts it like a magnet; everything else comes
    // from the WebTorrent peer.
    await getDownloadsFromClient(h, cli!, {
      tag: 'g2',
      payload,
      client: 'webtorrent',
      createTool: create!,
      source: 'info-hash',
    });
  });
});
