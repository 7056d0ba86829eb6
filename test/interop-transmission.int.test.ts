// Interop with Transmission 3.00 (Debian transmission-daemon), both ways:
// Transmission downloads from `swarmdrop share`, and `swarmdrop get` downloads from a
// Transmission seed; with a magnet (metadata from the peer, BEP 9) each way. Everything
// on 127.0.0.1 through Swarmdrop's own tracker; Transmission has DHT, LPD, uTP, PEX and
// port mapping off (harness/clients/transmission-client.ts).
//
// Transmission 3.00 drops 127.x peers it gets from a tracker ("martian" addresses) but
// accepts incoming connections on loopback, so when it leeches, the Swarmdrop seeder has
// to dial it: the seeder learns its address from the tracker on a (re-)announce, as any
// seeder does. The control test interop-harness.int.test.ts proves the harness itself.
import { afterAll, describe, it } from 'vitest';
import { requireTool } from './support/external-tool.ts';
import { useInteropHarness } from './support/interop-harness.ts';
import { makeFolderPayload, makeSingleFilePayload } from './support/interop-payload.ts';
import { clientDownloadsFromShare, getDownloadsFromClient } from './support/interop-scenarios.ts';
import { buildCliFor } from './support/swarmdrop-cli.ts';

const MIB = 1024 * 1024;
const daemon = requireTool('transmission-daemon', 'transmission-daemon');
const create = requireTool('transmission-create', 'transmission-cli');
const cli = await buildCliFor(Boolean(daemon && create), 'share', 'get');

afterAll(async () => {
  await cli?.remove();
});

// Skipped only when the CLI bundle or its Debian peer is missing (buildCliFor prints why);
// under CI a missing tool throws instead, so this always runs there.
describe.skipIf(!cli)('interop: Swarmdrop <-> Transmission 3.00', () => {
  const harness = useInteropHarness('interop-transmission');

  it('Transmission downloads from `swarmdrop share` given only its magnet (metadata from us, we dial it)', async () => {
    const h = harness();
    const payload = await makeSingleFilePayload(
      await h.folder('s1-src'),
      'share-to-transmission.bin',
      6 * MIB + 12_345,
    );
    await clientDownloadsFromShare(h, cli!, { tag: 's1', payload, client: 'transmission', via: 'magnet' });
  });

  it('Transmission downloads a folder with nested files from `swarmdrop share` (.torrent from --torrent-out)', async () => {
    const h = harness();
    const payload = await makeFolderPayload(await h.folder('s2-src'), 'shared-folder', {
      'a.bin': 3 * MIB + 5,
      'sub/deeper/b.bin': MIB + 77,
      'sub/c.txt': 1000,
    });
    await clientDownloadsFromShare(h, cli!, {
      tag: 's2',
      payload,
      client: 'transmission',
      via: 'torrent-file',
    });
  });

  it('`swarmdrop get` downloads from a Transmission seed (.torrent made by transmission-create)', async () => {
    const h = harness();
    const payload = await makeSingleFilePayload(
      await h.folder('g1-src'),
      'from-transmission.bin',
      6 * MIB - 999,
    );
    await getDownloadsFromClient(h, cli!, {
      tag: 'g1',
      payload,
      client: 'transmission',
      createTool: create!,
      source: 'torrent-file',
    });
  });

  it('`swarmdrop get magnet:` downloads from a Transmission seed (metadata from Transmission, BEP 9)', async () => {
    const h = harness();
    const payload = await makeFolderPayload(await h.folder('g2-src'), 'transmission-folder', {
      'x.bin': 2 * MIB + 1,
      'nested/y.bin': 2 * MIB - 1,
    });
    // Only the info-hash: name, size and pieces must come from Transmission.
    await getDownloadsFromClient(h, cli!, {
      tag: 'g2',
      payload,
      client: 'transmission',
      createTool: create!,
      source: 'magnet',
    });
  });
});
