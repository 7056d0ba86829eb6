// libtorrent 2.0 (python3-libtorrent, harness/peers/libtorrent_peer.py) against in-process
// Swarmdrop sessions: both directions over ::1 (IPv6 peer wire, magnet `x.pe=[::1]:port`),
// and libtorrent receiving our BEP 11 messages: it is given one Swarmdrop's address and
// must reach a second one it only hears of through PEX (libtorrent's `peer_info.source`
// has the pex bit for it).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { libtorrentVersion, SYSTEM_PYTHON } from '../harness/clients/libtorrent-client.ts';
import { TrackedChild } from '../harness/tracked-child.ts';
import { repoRoot } from './support/interop-harness.ts';
import { makeTempDir } from './support/temp-dir.ts';
import {
  cleanupAfterEach,
  isComplete,
  openTestSession,
  sha256File,
  startEngineEnv,
  waitFor,
  writeRandomFile,
} from './engine-harness.ts';

const MiB = 1024 * 1024;
/** libtorrent's peer_info.source bit for peers learned through peer exchange. */
const LT_SOURCE_PEX = 0x4;
const version = libtorrentVersion();
const script = path.join(repoRoot, 'harness/peers/libtorrent_peer.py');

afterAll(() => TrackedChild.killAll());

describe.skipIf(!version)('interop: libtorrent over IPv6 and as a PEX receiver', () => {
  const defer = cleanupAfterEach();

  function libtorrent(name: string, args: string[]): TrackedChild {
    const child = new TrackedChild(name, SYSTEM_PYTHON, [script, ...args]);
    defer(() => child.stop());
    return child;
  }

  async function folder() {
    const tmp = await makeTempDir();
    defer(tmp.remove);
    return tmp.dir;
  }

  it('libtorrent on ::1 downloads a magnet from a Swarmdrop seed on ::1', async () => {
    const dir = await folder();
    const source = path.join(dir, 'src', 'v6.bin');
    await writeRandomFile(source, 3 * MiB + 11);
    const seed = await openTestSession(dir, 'seed', { peerHost: '::1' });
    defer(() => seed.close());
    const shared = await seed.share([source], { pieceLengthBytes: 64 * 1024 });
    const save = path.join(dir, 'lt');
    const lt = libtorrent('libtorrent leecher', [
      '--magnet',
      `magnet:?xt=urn:btih:${shared.id}`,
      '--save',
      save,
      '--listen',
      '::1',
      '--peer',
      `[::1]:${seed.peerPort}`,
    ]);
    await lt.waitForEvent('finished', 60_000);
    expect(await sha256File(path.join(save, 'v6.bin'))).toBe(await sha256File(source));
    expect(seed.detail(shared.id).peers.every((p) => p.address.startsWith('[::1]:'))).toBe(true);
  }, 90_000);

  it('a Swarmdrop on ::1 downloads from a libtorrent seed on ::1 named by magnet x.pe=[::1]:port', async () => {
    const dir = await folder();
    // Swarmdrop makes the .torrent; libtorrent seeds it from a copy of the data.
    const source = path.join(dir, 'seed', 'v6-seed.bin');
    await writeRandomFile(source, 2 * MiB + 5);
    const maker = await openTestSession(dir, 'maker', { peerHost: '::1' });
    const shared = await maker.share([source], { pieceLengthBytes: 32 * 1024 });
    const torrentFile = path.join(dir, 'v6-seed.torrent');
    await writeFile(torrentFile, maker.torrentFile(shared.id)!);
    await maker.close();
    const lt = libtorrent('libtorrent seeder', [
      '--torrent',
      torrentFile,
      '--save',
      path.dirname(source),
      '--seed',
      '--listen',
      '::1',
    ]);
    const port = Number((await lt.waitForEvent('listening', 30_000)).json!.port);
    await lt.waitForEvent('seeding', 30_000);
    const leecher = await openTestSession(dir, 'leecher', { peerHost: '::1' });
    defer(() => leecher.close());
    await leecher.add({ kind: 'magnet', uri: `magnet:?xt=urn:btih:${shared.id}&x.pe=%5B::1%5D:${port}` });
    await waitFor(leecher, shared.id, isComplete, 60_000, 'download from libtorrent over ::1');
    expect(await sha256File(path.join(dir, 'leecher', 'downloads', 'v6-seed.bin'))).toBe(
      await sha256File(source),
    );
  }, 90_000);

  it('libtorrent told only of Swarmdrop A connects to Swarmdrop B, which A named in a PEX message', async () => {
    const { dir, open } = await startEngineEnv(defer);
    const source = path.join(dir, 'src', 'pex.bin');
    await writeRandomFile(source, 6 * MiB);
    const a = await open('a', { rateLimits: { uploadBps: 768 * 1024 } });
    const shared = await a.share([source], { pieceLengthBytes: 64 * 1024 });
    const b = await open('b');
    await b.add({ kind: 'magnet', uri: shared.magnet });
    await waitFor(b, shared.id, (s) => s.progress >= 0.2, 30_000, 'B to hold a fifth of the file');
    const lt = libtorrent('libtorrent leecher', [
      '--magnet',
      `magnet:?xt=urn:btih:${shared.id}`,
      '--save',
      path.join(dir, 'lt'),
      '--peer',
      `127.0.0.1:${a.peerPort}`,
      // Listening on 127.0.0.3 but dialing from 127.0.0.1: the address A learns for it does
      // not accept connections (as behind NAT), so B cannot dial it first; libtorrent meets
      // B only by dialing the address A's PEX message gives it.
      '--listen',
      '127.0.0.3',
      '--outgoing-interface',
      '127.0.0.1',
      '--report-peers',
    ]);
    const viaPex = await lt.waitFor(
      (e) => e.json?.event === 'peer' && e.json.address === `127.0.0.1:${b.peerPort}`,
      30_000,
      'a connection to B',
    );
    expect(Number(viaPex.json!.source) & LT_SOURCE_PEX).toBe(LT_SOURCE_PEX);
  }, 90_000);
});
