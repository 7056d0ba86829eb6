// The two directions every real-client interop test runs, written once: a client
// downloading from `swarmdrop share`, and `swarmdrop get` downloading from a client's
// seed. Each waits until the tracker lists the seeder before starting the leecher, and
// passes only when every file arrives byte-identical (SHA-256 against the source).
import path from 'node:path';
import type { LaunchOptions, RunningPeer } from '../../harness/peer-client.ts';
import { explained, type InteropHarness } from './interop-harness.ts';
import {
  expectSamePayload,
  torrentInfoHashHex,
  transmissionCreate,
  type InteropPayload,
} from './interop-payload.ts';
import { runGet, startShare, type BuiltCli } from './swarmdrop-cli.ts';

export type InteropClient = 'transmission' | 'webtorrent' | 'libtorrent';

const clientLabel: Record<InteropClient, string> = {
  transmission: 'Transmission',
  webtorrent: 'WebTorrent',
  libtorrent: 'libtorrent',
};

/**
 * Message Stream Encryption per side: `clientEncryption` for the real client (see
 * LaunchOptions.encryption), `cliEncryption` for `swarmdrop --encryption`. With
 * 'require' on a side, that side talks MSE with RC4 only, so a finished transfer proves
 * the encrypted path.
 */
interface EncryptionChoice {
  clientEncryption?: 'require' | 'prefer';
  cliEncryption?: 'prefer' | 'require' | 'off';
  /** The client's transports (LaunchOptions.transport): 'utp-only' proves our uTP path. */
  clientTransport?: 'utp-only';
}

function cliEncryption(o: EncryptionChoice): { encryption?: 'prefer' | 'require' | 'off' } {
  return o.cliEncryption ? { encryption: o.cliEncryption } : {};
}

/**
 * Starts `client` (tracked by the harness). A Transmission daemon keeps its config in a
 * scratch folder `<tag>-transmission`; a WebTorrent process needs none beyond `saveDir`.
 */
async function launchClient(
  h: InteropHarness,
  client: InteropClient,
  tag: string,
  o: Omit<LaunchOptions, 'workDir'>,
): Promise<RunningPeer> {
  const workDir = client === 'transmission' ? await h.folder(`${tag}-transmission`) : o.saveDir;
  return h.track(await h[client].launch({ ...o, workDir }));
}

/**
 * `swarmdrop share` seeds `payload`; `client` downloads it into `<tag>-out`, given the
 * magnet `share` printed (metadata from us, BEP 9) or the .torrent `--torrent-out` wrote.
 */
export async function clientDownloadsFromShare(
  h: InteropHarness,
  cli: BuiltCli,
  o: {
    tag: string;
    payload: InteropPayload;
    client: InteropClient;
    via: 'magnet' | 'torrent-file';
  } & EncryptionChoice,
): Promise<void> {
  const torrentOut = o.via === 'torrent-file' ? path.join(h.dir, `${o.tag}.torrent`) : undefined;
  const share = h.track(
    await startShare(cli, [o.payload.root], {
      tracker: h.tracker.announceUrl,
      dataDir: await h.folder(`${o.tag}-data`),
      ...(torrentOut ? { torrentOut } : {}),
      ...cliEncryption(o),
    }),
  );
  await h.tracker.waitForPeers(
    share.infoHashHex,
    (p) => p.some((x) => x.seeder),
    15_000,
    'the swarmdrop seeder',
  );
  const out = await h.folder(`${o.tag}-out`);
  const leech = await launchClient(h, o.client, o.tag, {
    ...(torrentOut ? { torrentFile: torrentOut } : { magnet: share.magnet }),
    saveDir: out,
    seed: false,
    ...(o.clientEncryption ? { encryption: o.clientEncryption } : {}),
    ...(o.clientTransport ? { transport: o.clientTransport } : {}),
  });
  await explained(leech.waitFinished(50_000), share.child);
  await expectSamePayload(o.payload, out);
}

/**
 * `client` seeds `payload` from a .torrent written by transmission-create (`createTool`),
 * so no metainfo comes from our encoder; `swarmdrop get` downloads it into `<tag>-out`
 * given that .torrent, a magnet with nothing but the info-hash, or the bare info-hash (for
 * both of those, name, sizes and piece hashes must come from the client, BEP 9).
 */
export async function getDownloadsFromClient(
  h: InteropHarness,
  cli: BuiltCli,
  o: {
    tag: string;
    payload: InteropPayload;
    client: InteropClient;
    createTool: string;
    source: 'torrent-file' | 'magnet' | 'info-hash';
  } & EncryptionChoice,
): Promise<void> {
  const torrentFile = path.join(h.dir, `${o.tag}.torrent`);
  await transmissionCreate(o.createTool, o.payload, h.tracker.announceUrl, torrentFile);
  const infoHashHex = await torrentInfoHashHex(torrentFile);
  const seed = await launchClient(h, o.client, o.tag, {
    torrentFile,
    saveDir: o.payload.parentDir,
    seed: true,
    ...(o.clientEncryption ? { encryption: o.clientEncryption } : {}),
    ...(o.clientTransport ? { transport: o.clientTransport } : {}),
  });
  await seed.waitSeeding(20_000);
  await h.tracker.waitForPeers(
    infoHashHex,
    (p) => p.some((x) => x.seeder),
    15_000,
    `the ${clientLabel[o.client]} seeder`,
  );
  const out = await h.folder(`${o.tag}-out`);
  const source = {
    'torrent-file': torrentFile,
    magnet: `magnet:?xt=urn:btih:${infoHashHex}`,
    'info-hash': infoHashHex,
  }[o.source];
  await runGet(cli, source, {
    tracker: h.tracker.announceUrl,
    out,
    dataDir: await h.folder(`${o.tag}-data`),
    ...cliEncryption(o),
    timeoutMs: 45_000,
    track: (c) => h.track(c),
  });
  await expectSamePayload(o.payload, out);
}
