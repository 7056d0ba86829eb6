// BEP 47 padding files in the torrents libtorrent 2.x makes by default (hybrid v1+v2,
// each file aligned to a piece with `.pad/<length>` entries): downloaded by Swarmdrop from
// a Swarmdrop seeder and from a libtorrent seeder, over real sockets on 127.0.0.1. No pad
// file may reach the disk; the executable attribute must.
import { execFile } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { libtorrentClient, libtorrentVersion, SYSTEM_PYTHON } from '../harness/clients/libtorrent-client.ts';
import { parseTorrent } from '../src-main/protocol/metainfo/parse-torrent.ts';
import { cleanupAfterEach, isComplete, sha256File, startEngineEnv, waitFor } from './engine-harness.ts';
import { repoRoot } from './support/interop-harness.ts';
import { startLocalTracker } from './support/local-tracker.ts';

const run = promisify(execFile);
const haveLibtorrent = libtorrentVersion() !== undefined;
if (!haveLibtorrent) {
  const reason = `${SYSTEM_PYTHON} cannot import libtorrent (Debian package python3-libtorrent)`;
  if (process.env.CI) throw new Error(reason);
  console.warn(`SKIPPED: ${reason}`);
}

/** Files of the payload (relative to its folder), sizes chosen so none ends on a piece boundary. */
const FILES: [string, number][] = [
  ['run.sh', 100_000],
  ['notes.txt', 5_000],
  ['sub/data.bin', 70_000],
];
const PIECE = 16 * 1024;

/** libtorrent's own create_torrent, on its defaults (hybrid v1+v2, pad files), announcing to `tracker`. */
async function makeHybridTorrent(parent: string, torrentFile: string, tracker: string): Promise<void> {
  const script = `
import sys, libtorrent as lt
parent, name, out, tracker, piece = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
fs = lt.file_storage()
lt.add_files(fs, parent + '/' + name)
ct = lt.create_torrent(fs, piece)
ct.add_tracker(tracker)
lt.set_piece_hashes(ct, parent)
open(out, 'wb').write(lt.bencode(ct.generate()))
`;
  await run(SYSTEM_PYTHON, ['-c', script, parent, 'album', torrentFile, tracker, String(PIECE)], {
    timeout: 30_000,
  });
}

/** Every path below `dir`, folders included, relative and sorted. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map((e) => e.split(path.sep).join('/')).sort();
}

describe.skipIf(!haveLibtorrent)('BEP 47 hybrid torrents made by libtorrent', () => {
  const defer = cleanupAfterEach();

  async function setup() {
    const env = await startEngineEnv(defer);
    const tracker = await startLocalTracker(5);
    defer(() => tracker.close());
    const parent = path.join(env.dir, 'seed');
    for (const [rel, size] of FILES) {
      const file = path.join(parent, 'album', rel);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, randomBytes(size));
    }
    await chmod(path.join(parent, 'album', 'run.sh'), 0o755);
    await chmod(path.join(parent, 'album', 'notes.txt'), 0o644);
    const torrentFile = path.join(env.dir, 'album.torrent');
    await makeHybridTorrent(parent, torrentFile, tracker.announceUrl);
    const metainfo = parseTorrent(new Uint8Array(await readFile(torrentFile)));
    return { ...env, tracker, parent, torrentFile, metainfo };
  }

  /** The leecher's copy: no pad file or folder, every byte right, run.sh executable. */
  async function expectCleanCopy(parent: string, downloads: string): Promise<void> {
    expect(await tree(path.join(downloads, 'album'))).toEqual(['notes.txt', 'run.sh', 'sub', 'sub/data.bin']);
    for (const [rel] of FILES) {
      expect(await sha256File(path.join(downloads, 'album', rel))).toBe(
        await sha256File(path.join(parent, 'album', rel)),
      );
    }
    expect((await stat(path.join(downloads, 'album', 'run.sh'))).mode & 0o100).toBe(0o100);
    expect((await stat(path.join(downloads, 'album', 'notes.txt'))).mode & 0o111).toBe(0);
  }

  it('the torrent really has pad files and the executable attribute (what the test relies on)', async () => {
    const { metainfo } = await setup();
    const pads = metainfo.files.filter((f) => f.padding);
    expect(pads.length).toBeGreaterThanOrEqual(2);
    expect(pads.every((f) => f.path[0] === '.pad')).toBe(true);
    expect(metainfo.files.find((f) => f.path.join('/') === 'run.sh')?.executable).toBe(true);
  });

  it('Swarmdrop seeds it from the original files and a Swarmdrop leecher writes no pad file', async () => {
    const { open, parent, torrentFile, metainfo, dir } = await setup();
    const seeder = await open('seeder');
    await seeder.add({ kind: 'torrent-file', path: torrentFile }, { savePath: parent });
    await waitFor(
      seeder,
      metainfo.infoHashHex,
      isComplete,
      60_000,
      'the seeder to check the files (pads read as zeros)',
    );
    const leecher = await open('leecher');
    await leecher.add({ kind: 'torrent-file', path: torrentFile });
    await waitFor(leecher, metainfo.infoHashHex, isComplete, 90_000, 'download');
    await expectCleanCopy(parent, path.join(dir, 'leecher', 'downloads'));
    // Nor did the seeder create one beside the user's files.
    expect(await tree(path.join(parent, 'album'))).toEqual(['notes.txt', 'run.sh', 'sub', 'sub/data.bin']);
    // The file list shows the real files only.
    const listed = leecher
      .detail(metainfo.infoHashHex)
      .files.map((f) => [f.path.join('/'), f.executable ?? false]);
    expect(listed.sort()).toEqual([
      ['notes.txt', false],
      ['run.sh', true],
      ['sub/data.bin', false],
    ]);
  }, 180_000);

  it('a Swarmdrop leecher downloads it from a libtorrent seeder, pads included in the pieces but not on disk', async () => {
    const { open, parent, torrentFile, metainfo, dir, tracker } = await setup();
    const seeder = await libtorrentClient(repoRoot).launch({
      torrentFile,
      saveDir: parent,
      seed: true,
      workDir: path.join(dir, 'lt'),
    });
    defer(() => seeder.stop());
    await seeder.waitSeeding(60_000);
    await tracker.waitForPeers(
      metainfo.infoHashHex,
      (peers) => peers.some((p) => p.seeder),
      30_000,
      'libtorrent seeder',
    );
    const leecher = await open('leecher');
    await leecher.add({ kind: 'torrent-file', path: torrentFile });
    await waitFor(leecher, metainfo.infoHashHex, isComplete, 90_000, 'download from libtorrent');
    await expectCleanCopy(parent, path.join(dir, 'leecher', 'downloads'));
  }, 180_000);
});
