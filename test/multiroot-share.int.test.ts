// One torrent from several paths (`swarmdrop share a.bin album/ b.txt --name pack`), checked
// by real clients: libtorrent downloads it and gets every file byte for byte under pack/,
// libtorrent and transmission-show read the same info-hash and file list, libtorrent's own
// create_torrent and mktorrent over the same files arranged under pack/ give the same
// info-hash, and the resume record keeps where each top-level entry lives.
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SYSTEM_PYTHON } from '../harness/clients/libtorrent-client.ts';
import { requireTool } from './support/external-tool.ts';
import { explained, useInteropHarness } from './support/interop-harness.ts';
import {
  expectSamePayload,
  makeFolderPayload,
  makeSingleFilePayload,
  torrentInfoHashHex,
  type InteropPayload,
} from './support/interop-payload.ts';
import { buildCliFor, startShare } from './support/swarmdrop-cli.ts';

const run = promisify(execFile);
const transmissionShow = requireTool('transmission-show', 'transmission-cli');
const mktorrent = requireTool('mktorrent', 'mktorrent');
const python = requireTool(SYSTEM_PYTHON, 'python3-libtorrent');
const cli = await buildCliFor(Boolean(transmissionShow && mktorrent && python), 'share');
const PIECE = 32 * 1024;

/** What libtorrent reads from a .torrent: v1 info-hash and each file's path and size. */
async function libtorrentReads(file: string): Promise<{ hash: string; files: [string, number][] }> {
  const script = `
import json, sys, libtorrent as lt
ti = lt.torrent_info(sys.argv[1])
fs = ti.files()
print(json.dumps({"hash": str(ti.info_hashes().v1), "files": [[fs.file_path(i), fs.file_size(i)] for i in range(fs.num_files())]}))`;
  const { stdout } = await run(python!, ['-c', script, file], { timeout: 30_000 });
  return JSON.parse(stdout) as { hash: string; files: [string, number][] };
}

/**
 * The v1 info-hash libtorrent's create_torrent gives the folder `parent/name`, hashed with
 * `pieceBytes` pieces. The files are listed in byte-wise order of their paths, as mktorrent
 * and Swarmdrop list a folder (lt.add_files would take them in directory order instead).
 */
async function libtorrentCreates(parent: string, name: string, pieceBytes: number): Promise<string> {
  const script = `
import sys, os, libtorrent as lt
parent, name, piece = sys.argv[1], sys.argv[2], int(sys.argv[3])
found = []
for d, _, files in os.walk(os.path.join(parent, name)):
    for f in files:
        full = os.path.join(d, f)
        found.append((os.path.relpath(full, parent).encode(), os.path.getsize(full)))
fs = lt.file_storage()
for rel, size in sorted(found):
    fs.add_file(rel.decode(), size)
ct = lt.create_torrent(fs, piece, flags=lt.create_torrent.v1_only)
lt.set_piece_hashes(ct, parent)
print(lt.torrent_info(ct.generate()).info_hashes().v1)`;
  const { stdout } = await run(python!, ['-c', script, parent, name, String(pieceBytes)], {
    timeout: 30_000,
  });
  return stdout.trim();
}

/** transmission-show's info-hash and file list, in torrent order. */
async function transmissionReads(file: string): Promise<{ hash: string | undefined; paths: string[] }> {
  const { stdout } = await run(transmissionShow!, [file], { timeout: 30_000 });
  const hash = /^\s*Hash(?: v1)?: ([0-9a-f]{40})$/m.exec(stdout)?.[1];
  const paths = (stdout.split(/^FILES$/m)[1] ?? '')
    .split('\n')
    .map((line) => /^\s+(.*) \([^)]*\)$/.exec(line)?.[1])
    .filter((p): p is string => p !== undefined);
  return { hash, paths };
}

// Skipped only where the Debian tools are missing and CI is not set (requireTool prints
// which); under CI a missing tool throws.
describe.skipIf(!cli)('one share from several paths, checked by libtorrent and Transmission', () => {
  const harness = useInteropHarness('multiroot', (h) => h.libtorrent.unavailable());

  it('libtorrent downloads `share a.bin album/ b.txt --name pack` into pack/ byte for byte, and agrees on the info-hash', async () => {
    const h = harness();
    // Three places, as a user's picks would be: two files and a folder, none under the others.
    const a = await makeSingleFilePayload(await h.folder('x'), 'a.bin', 7 * PIECE + 123);
    const album = await makeFolderPayload(await h.folder('y'), 'album', {
      'cd1/01 intro.flac': 3 * PIECE - 1,
      'z.jpg': 40_000,
    });
    const b = await makeSingleFilePayload(await h.folder('w'), 'b.txt', 1234);
    const pack: InteropPayload = {
      parentDir: '',
      name: 'pack',
      root: '',
      files: [a, album, b].flatMap((p) =>
        p.files.map((f) => ({ ...f, relativePath: `pack/${f.relativePath}` })),
      ),
    };
    const torrentOut = path.join(h.dir, 'pack.torrent');
    const dataDir = await h.folder('share-data');
    const shareOptions = {
      tracker: h.tracker.announceUrl,
      dataDir,
      torrentOut,
      pieceLength: '32K',
      extraArgs: ['--name', 'pack'],
    };
    const share = h.track(await startShare(cli!, [a.root, album.root, b.root], shareOptions));
    expect(share.infoHashHex).toBe(await torrentInfoHashHex(torrentOut));

    const expectedFiles = ['pack/a.bin', 'pack/album/cd1/01 intro.flac', 'pack/album/z.jpg', 'pack/b.txt'];
    const lt = await libtorrentReads(torrentOut);
    expect(lt.hash).toBe(share.infoHashHex);
    expect(lt.files).toEqual(
      expectedFiles.map((p) => [p, pack.files.find((f) => f.relativePath === p)!.lengthBytes]),
    );
    expect(await transmissionReads(torrentOut)).toEqual({ hash: share.infoHashHex, paths: expectedFiles });

    // The same files arranged under pack/ by hand, hashed by libtorrent itself.
    const arranged = await h.folder('arranged');
    await mkdir(path.join(arranged, 'pack'));
    for (const p of [a, album, b]) await cp(p.root, path.join(arranged, 'pack', p.name), { recursive: true });
    expect(await libtorrentCreates(arranged, 'pack', PIECE)).toBe(share.infoHashHex);
    const mk = path.join(h.dir, 'mk-pack.torrent');
    await run(mktorrent!, ['-l', String(Math.log2(PIECE)), '-o', mk, path.join(arranged, 'pack')], {
      timeout: 30_000,
    });
    expect(await torrentInfoHashHex(mk)).toBe(share.infoHashHex);

    await h.tracker.waitForPeers(
      share.infoHashHex,
      (p) => p.some((x) => x.seeder),
      15_000,
      'the swarmdrop seeder',
    );
    const out = await h.folder('lt-out');
    const leech = h.track(
      await h.libtorrent.launch({ torrentFile: torrentOut, saveDir: out, seed: false, workDir: out }),
    );
    await explained(leech.waitFinished(50_000), share.child);
    await expectSamePayload(pack, out);
    await leech.stop();

    // What a restart needs (test/engine-multiroot.int.test.ts restarts a session on it):
    // the resume record names where each top-level entry lives.
    await share.stop();
    const record = JSON.parse(
      await readFile(path.join(dataDir, 'resume', `${share.infoHashHex}.json`), 'utf8'),
    ) as { version: number; roots?: { name: string; path: string }[] };
    expect(record.version).toBe(3);
    expect(record.roots).toEqual([
      { name: 'a.bin', path: a.root },
      { name: 'album', path: album.root },
      { name: 'b.txt', path: b.root },
    ]);
  });

  it('refuses two paths with the same name in one share, naming both, before seeding anything', async () => {
    const h = harness();
    const one = await makeSingleFilePayload(await h.folder('c1'), 'same.bin', 1000);
    const two = await makeSingleFilePayload(await h.folder('c2'), 'same.bin', 2000);
    const result = await run(
      process.execPath,
      [
        cli!.script,
        'share',
        one.root,
        two.root,
        '--name',
        'pack',
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--data-dir',
        await h.folder('c-data'),
      ],
      { timeout: 30_000 },
    ).catch((err: { code: number; stderr: string }) => err);
    expect('code' in result && result.code).toBe(1);
    expect(result.stderr).toContain(one.root);
    expect(result.stderr).toContain(two.root);
    expect(result.stderr).toContain('"same.bin"');
  });
});
