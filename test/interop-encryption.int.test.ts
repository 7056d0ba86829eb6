// Message Stream Encryption against real peers, every side set to require it (RC4 only):
// Swarmdrop with itself, Transmission 3.00 (`encryption: 2`) and libtorrent 2.0
// (`out_enc_policy` and `in_enc_policy` pe_forced, `allowed_enc_level` rc4), each
// downloading from `swarmdrop share --encryption require` and seeding to `swarmdrop get
// --encryption require`. Since no side accepts a plaintext connection, a transfer that
// finishes byte-identical went through our MSE handshake and RC4 stream; the control
// test shows that a plaintext-only Swarmdrop indeed gets nothing from a requiring one.
// Everything on 127.0.0.1 through Swarmdrop's own tracker (test/support/interop-harness.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { requireTool } from './support/external-tool.ts';
import { useInteropHarness } from './support/interop-harness.ts';
import { expectSamePayload, makeFolderPayload, makeSingleFilePayload } from './support/interop-payload.ts';
import { clientDownloadsFromShare, getDownloadsFromClient } from './support/interop-scenarios.ts';
import { buildCliFor, runGet, startShare } from './support/swarmdrop-cli.ts';

const MIB = 1024 * 1024;
const daemon = requireTool('transmission-daemon', 'transmission-daemon');
const create = requireTool('transmission-create', 'transmission-cli');
const cli = await buildCliFor(Boolean(daemon && create), 'share', 'get');

afterAll(async () => {
  await cli?.remove();
});

describe.skipIf(!cli)('interop: encryption required on both sides (MSE, RC4)', () => {
  const harness = useInteropHarness('interop-encryption', (h) => h.libtorrent.unavailable());

  /** `share --encryption require` seeds; `get` with `getMode` downloads (or must not). */
  async function swarmdropToSwarmdrop(tag: string, getMode: 'require' | 'off', timeoutMs: number) {
    const h = harness();
    const payload = await makeSingleFilePayload(await h.folder(`${tag}-src`), `${tag}.bin`, 3 * MIB + 333);
    const share = h.track(
      await startShare(cli!, [payload.root], {
        tracker: h.tracker.announceUrl,
        dataDir: await h.folder(`${tag}-share-data`),
        encryption: 'require',
      }),
    );
    await h.tracker.waitForPeers(share.infoHashHex, (p) => p.some((x) => x.seeder), 15_000, 'the seeder');
    const out = await h.folder(`${tag}-out`);
    const get = runGet(cli!, share.magnet, {
      tracker: h.tracker.announceUrl,
      out,
      dataDir: await h.folder(`${tag}-get-data`),
      encryption: getMode,
      timeoutMs,
      track: (c) => h.track(c),
    });
    return { payload, out, get };
  }

  it('`swarmdrop get` downloads a magnet from `swarmdrop share`, both requiring encryption', async () => {
    const { payload, out, get } = await swarmdropToSwarmdrop('ss', 'require', 45_000);
    await get;
    await expectSamePayload(payload, out);
  });

  it('control: a plaintext-only `swarmdrop get` gets nothing from a seeder that requires encryption', async () => {
    const { get } = await swarmdropToSwarmdrop('sc', 'off', 8_000);
    await expect(get).rejects.toThrow(/did not finish within/);
  });

  it('Transmission (encryption required) downloads from `swarmdrop share --encryption require`', async () => {
    const h = harness();
    const payload = await makeSingleFilePayload(
      await h.folder('t1-src'),
      'to-transmission.bin',
      4 * MIB + 17,
    );
    await clientDownloadsFromShare(h, cli!, {
      tag: 't1',
      payload,
      client: 'transmission',
      via: 'torrent-file',
      clientEncryption: 'require',
      cliEncryption: 'require',
    });
  });

  it('`swarmdrop get --encryption require` downloads from a Transmission seed that requires encryption', async () => {
    const h = harness();
    const payload = await makeFolderPayload(await h.folder('t2-src'), 'from-transmission', {
      'a.bin': 2 * MIB + 3,
      'sub/b.bin': MIB - 5,
    });
    await getDownloadsFromClient(h, cli!, {
      tag: 't2',
      payload,
      client: 'transmission',
      createTool: create!,
      source: 'torrent-file',
      clientEncryption: 'require',
      cliEncryption: 'require',
    });
  });

  it('`swarmdrop get --encryption require` downloads from a Transmission seed on its default (encryption preferred)', async () => {
    // Transmission's default answers our MSE (RC4 picked) instead of failing over to plaintext.
    const h = harness();
    const payload = await makeSingleFilePayload(
      await h.folder('t3-src'),
      'transmission-default.bin',
      3 * MIB + 1,
    );
    await getDownloadsFromClient(h, cli!, {
      tag: 't3',
      payload,
      client: 'transmission',
      createTool: create!,
      source: 'magnet',
      clientEncryption: 'prefer',
      cliEncryption: 'require',
    });
  });

  it('libtorrent (pe_forced both ways, rc4) downloads a magnet from `swarmdrop share --encryption require`', async () => {
    const h = harness();
    const payload = await makeSingleFilePayload(await h.folder('l1-src'), 'to-libtorrent.bin', 4 * MIB + 99);
    await clientDownloadsFromShare(h, cli!, {
      tag: 'l1',
      payload,
      client: 'libtorrent',
      via: 'magnet',
      clientEncryption: 'require',
      cliEncryption: 'require',
    });
  });

  it('`swarmdrop get --encryption require` downloads from a libtorrent seed forcing encryption', async () => {
    const h = harness();
    const payload = await makeSingleFilePayload(await h.folder('l2-src'), 'from-libtorrent.bin', 4 * MIB - 7);
    await getDownloadsFromClient(h, cli!, {
      tag: 'l2',
      payload,
      client: 'libtorrent',
      createTool: create!,
      source: 'magnet',
      clientEncryption: 'require',
      cliEncryption: 'require',
    });
  });
});
