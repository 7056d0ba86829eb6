import { randomBytes } from 'node:crypto';
import { appendFileSync, truncateSync, unlinkSync, utimesSync } from 'node:fs';
import { mkdir, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.ts';
import { parseTorrent } from '../../protocol/metainfo/parse-torrent.ts';
import { ProtocolError } from '../../protocol/protocol-error.ts';
import { HashPool } from '../workers/hash-pool.ts';
import { CreateInputError } from './collect-files.ts';
import { createTorrent, type CreateProgress } from './create-torrent.ts';
import { expectedPieceHashes } from '../workers/piece-hashes-test-support.ts';

const KiB16 = 16 * 1024;
let temp: { dir: string; remove(): Promise<void> };
let pool: HashPool;

beforeAll(async () => {
  temp = await makeTempDir('swarmdrop-create-');
  pool = new HashPool({ size: 2 });
});
afterAll(async () => {
  await pool.close();
  await temp.remove();
});

let n = 0;
const fresh = async () => {
  const dir = path.join(temp.dir, `case-${n++}`);
  await mkdir(dir, { recursive: true });
  return dir;
};

// Each case changes a file from the progress callback, i.e. after it was listed; the first
// callback (0 bytes) comes before any job, a later one while other batches are still queued.
const MUTATIONS: [string, (file: string, p: CreateProgress) => void, string][] = [
  ['grows while hashed', (file, p) => p.bytesHashed > 0 && appendFileSync(file, 'x'), 'changed'],
  ['shrinks while hashed', (file, p) => p.bytesHashed > 0 && truncateSync(file, 1024 * 1024), 'changed'],
  [
    'is rewritten in place (same size, new mtime)',
    (file, p) => p.bytesHashed > 0 && utimesSync(file, new Date(), new Date(2001, 0, 1)),
    'changed',
  ],
  ['disappears before it is read', (file, p) => p.bytesHashed === 0 && unlinkSync(file), 'unreadable'],
];

describe('createTorrent', () => {
  afterEach(() => expect(pool.pendingCount).toBe(0));

  it('hashes a single file into the right pieces and a parseable .torrent', async () => {
    const dir = await fresh();
    const data = randomBytes(5 * KiB16 + 1234);
    await writeFile(path.join(dir, 'movie.bin'), data);
    const progress: CreateProgress[] = [];
    const { metainfo, torrentBytes } = await createTorrent(
      path.join(dir, 'movie.bin'),
      {
        pieceLengthBytes: KiB16,
        hashPool: pool,
        announceList: [['udp://127.0.0.1:6969/announce']],
        comment: 'c',
        private: true,
      },
      (p) => progress.push(p),
    );
    expect(metainfo).toMatchObject({
      name: 'movie.bin',
      multiFile: false,
      totalLengthBytes: data.length,
      pieceCount: 6,
      private: true,
      comment: 'c',
    });
    expect(metainfo.files).toEqual([{ path: ['movie.bin'], lengthBytes: data.length, offsetBytes: 0 }]);
    expect(metainfo.pieceHashes).toEqual(expectedPieceHashes(data, KiB16));
    expect(metainfo.announceList).toEqual([['udp://127.0.0.1:6969/announce']]);
    expect(parseTorrent(torrentBytes).infoHashHex).toBe(metainfo.infoHashHex);
    expect(progress[0]).toEqual({ bytesHashed: 0, totalBytes: data.length });
    expect(progress.at(-1)).toEqual({ bytesHashed: data.length, totalBytes: data.length });
  });

  it('hashes a folder with pieces spanning files, in byte-wise path order', async () => {
    const dir = await fresh();
    const root = path.join(dir, 'album');
    await mkdir(path.join(root, 'a'), { recursive: true });
    await mkdir(path.join(root, 'B', 'deep'), { recursive: true });
    await mkdir(path.join(root, 'empty-dir'));
    const contents: Record<string, Buffer> = {
      'a-c': randomBytes(KiB16 + 7),
      'a/b': randomBytes(3),
      'B/deep/x': randomBytes(2 * KiB16 - 5),
      Z: randomBytes(0),
      'é.txt': randomBytes(100),
    };
    for (const [rel, data] of Object.entries(contents)) await writeFile(path.join(root, rel), data);
    const { metainfo } = await createTorrent(root, { pieceLengthBytes: KiB16, hashPool: pool });
    const order = ['B/deep/x', 'Z', 'a-c', 'a/b', 'é.txt'];
    expect(metainfo.multiFile).toBe(true);
    expect(metainfo.name).toBe('album');
    expect(metainfo.files.map((f) => f.path.join('/'))).toEqual(order);
    const all = Buffer.concat(order.map((rel) => contents[rel]!));
    expect(metainfo.totalLengthBytes).toBe(all.length);
    expect(metainfo.pieceHashes).toEqual(expectedPieceHashes(all, KiB16));
  });

  it('streams many batches through a one-worker pool (more than its in-flight slots)', async () => {
    const one = new HashPool({ size: 1 });
    try {
      const dir = await fresh();
      const data = randomBytes(13 * 1024 * 1024 + 999);
      await writeFile(path.join(dir, 'big'), data);
      const { metainfo } = await createTorrent(path.join(dir, 'big'), {
        pieceLengthBytes: KiB16,
        hashPool: one,
      });
      expect(metainfo.pieceCount).toBe(Math.ceil(data.length / KiB16));
      expect(metainfo.pieceHashes).toEqual(expectedPieceHashes(data, KiB16));
    } finally {
      await one.close();
    }
  });

  it('gives the same info-hash for the same content, whatever the creation date', async () => {
    const dir = await fresh();
    await writeFile(path.join(dir, 'f'), randomBytes(40_000));
    const a = await createTorrent(path.join(dir, 'f'), { hashPool: pool, creationDate: 1 });
    const b = await createTorrent(path.join(dir, 'f'), { hashPool: pool, creationDate: null });
    expect(a.metainfo.infoHashHex).toBe(b.metainfo.infoHashHex);
    expect(b.metainfo.creationDate).toBeUndefined();
    expect(a.metainfo.pieceLengthBytes).toBe(KiB16);
  });

  it('follows symlinks to files inside the folder and skips the others', async () => {
    const dir = await fresh();
    const root = path.join(dir, 'share');
    await mkdir(path.join(root, 'sub'), { recursive: true });
    await writeFile(path.join(dir, 'secret'), 'outside');
    await writeFile(path.join(root, 'real.txt'), 'inside');
    await symlink(path.join(root, 'real.txt'), path.join(root, 'link.txt'));
    await symlink(path.join(dir, 'secret'), path.join(root, 'escape'));
    await symlink('../..', path.join(root, 'sub', 'up'));
    await symlink(path.join(root, 'sub'), path.join(root, 'loop'));
    await symlink(path.join(root, 'missing'), path.join(root, 'dangling'));
    const { metainfo, skipped } = await createTorrent(root, { hashPool: pool });
    expect(metainfo.files.map((f) => [f.path.join('/'), f.lengthBytes])).toEqual([
      ['link.txt', 6],
      ['real.txt', 6],
    ]);
    expect(skipped.sort((x, y) => x.path.localeCompare(y.path))).toEqual([
      { path: 'dangling', reason: 'dangling-symlink' },
      { path: 'escape', reason: 'symlink-outside' },
      { path: 'loop', reason: 'symlink-to-folder' },
      { path: 'sub/up', reason: 'symlink-outside' },
    ]);
  });

  it('uses a given name and chooses ~1000–2000 pieces by default', async () => {
    const dir = await fresh();
    const file = path.join(dir, 'sparse');
    await writeFile(file, '');
    await truncate(file, 40 * 1024 * 1024);
    const { metainfo } = await createTorrent(file, { hashPool: pool, name: 'renamed.img' });
    expect(metainfo.name).toBe('renamed.img');
    expect(metainfo.files[0]!.path).toEqual(['renamed.img']);
    expect(metainfo.pieceLengthBytes).toBe(32 * 1024);
    expect(metainfo.pieceCount).toBe(1280);
  });

  it.each<[string, (dir: string) => Promise<string>, string]>([
    ['a missing path', async (dir) => path.join(dir, 'nope'), 'not-found'],
    [
      'an empty folder',
      async (dir) => (await mkdir(path.join(dir, 'e', 'f'), { recursive: true }), path.join(dir, 'e')),
      'empty',
    ],
    ['only empty files', async (dir) => (await writeFile(path.join(dir, 'z'), ''), dir), 'empty'],
    [
      'a file name with a backslash',
      async (dir) => (await writeFile(path.join(dir, 'a\\b'), 'x'), dir),
      'bad-name',
    ],
    [
      'a reserved device name',
      async (dir) => (await writeFile(path.join(dir, 'aux.txt'), 'x'), dir),
      'bad-name',
    ],
  ])('refuses %s with a clear error', async (_name, setup, code) => {
    const target = await setup(await fresh());
    await expect(createTorrent(target, { hashPool: pool })).rejects.toSatisfy(
      (err: unknown) => err instanceof CreateInputError && err.code === code && err.message.length > 10,
    );
  });

  it('refuses a piece length that is not a power of two ≥ 16 KiB', async () => {
    const dir = await fresh();
    await writeFile(path.join(dir, 'f'), 'x');
    await expect(
      createTorrent(path.join(dir, 'f'), { hashPool: pool, pieceLengthBytes: 10_000 }),
    ).rejects.toBeInstanceOf(ProtocolError);
  });

  it.each(MUTATIONS)('notices a file that %s', async (_name, mutate, code) => {
    const dir = await fresh();
    const file = path.join(dir, 'f');
    await writeFile(file, randomBytes(20 * 1024 * 1024));
    const run = createTorrent(file, { hashPool: pool, pieceLengthBytes: KiB16 }, (p) => mutate(file, p));
    await expect(run).rejects.toSatisfy(
      (err: unknown) => err instanceof CreateInputError && err.code === code && err.message.includes(file),
    );
  });

  it('notices the second file of a folder shrinking before it is read', async () => {
    const dir = await fresh();
    await mkdir(path.join(dir, 'share'));
    await writeFile(path.join(dir, 'share', 'a'), randomBytes(100));
    await writeFile(path.join(dir, 'share', 'b'), randomBytes(40_000));
    const run = createTorrent(path.join(dir, 'share'), { hashPool: pool, pieceLengthBytes: KiB16 }, (p) => {
      if (p.bytesHashed === 0) truncateSync(path.join(dir, 'share', 'b'), 10);
    });
    await expect(run).rejects.toMatchObject({ name: 'CreateInputError', code: 'changed' });
  });

  it.each([false, true])(
    'stops when aborted, leaving no job behind (calling thread hashes: %s)',
    async (here) => {
      const dir = await fresh();
      await writeFile(path.join(dir, 'f'), randomBytes(12 * 1024 * 1024));
      const controller = new AbortController();
      const run = createTorrent(
        path.join(dir, 'f'),
        { hashPool: pool, pieceLengthBytes: KiB16, signal: controller.signal, hashOnCallingThread: here },
        (p) => {
          if (p.bytesHashed > 0) controller.abort();
        },
      );
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    },
  );
});

describe('createTorrent hashing on the calling thread too', () => {
  afterEach(() => {
    expect(pool.pendingCount).toBe(0);
    vi.restoreAllMocks();
  });

  it('gives the pieces the workers alone give, sharing the batches with them', async () => {
    const dir = await fresh();
    const root = path.join(dir, 'share');
    await mkdir(root);
    const contents = [randomBytes(3 * 1024 * 1024 + 5), randomBytes(7), randomBytes(9 * 1024 * 1024 + 1)];
    for (const [i, data] of contents.entries()) await writeFile(path.join(root, `f${i}`), data);
    const here = vi.spyOn(pool, 'sha1FilePiecesHere');
    const progress: CreateProgress[] = [];
    const options = { pieceLengthBytes: KiB16, hashPool: pool, creationDate: 1 };
    const shared = await createTorrent(root, { ...options, hashOnCallingThread: true }, (p) =>
      progress.push(p),
    );
    expect(here).toHaveBeenCalled();
    const alone = await createTorrent(root, options);
    expect(shared.torrentBytes).toEqual(alone.torrentBytes);
    expect(shared.metainfo.pieceHashes).toEqual(expectedPieceHashes(Buffer.concat(contents), KiB16));
    const total = contents.reduce((sum, c) => sum + c.length, 0);
    expect(progress.at(-1)).toEqual({ bytesHashed: total, totalBytes: total });
  });

  it.each(MUTATIONS)('notices a file that %s', async (_name, mutate, code) => {
    const dir = await fresh();
    const file = path.join(dir, 'f');
    await writeFile(file, randomBytes(20 * 1024 * 1024));
    const run = createTorrent(
      file,
      { hashPool: pool, pieceLengthBytes: KiB16, hashOnCallingThread: true },
      (p) => mutate(file, p),
    );
    await expect(run).rejects.toSatisfy(
      (err: unknown) => err instanceof CreateInputError && err.code === code && err.message.includes(file),
    );
  });
});

describe('createTorrent from several paths', () => {
  afterEach(() => expect(pool.pendingCount).toBe(0));

  /** a.bin and b.txt in one folder, album/ (with a subfolder) in another. */
  async function scattered() {
    const dir = await fresh();
    const files = {
      'x/a.bin': randomBytes(KiB16 + 17),
      'y/album/cd1/01.flac': randomBytes(2 * KiB16 + 3),
      'y/album/z.jpg': randomBytes(999),
      'x/b.txt': randomBytes(5),
    };
    for (const [rel, data] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), data);
    }
    const inputs = ['x/a.bin', 'y/album', 'x/b.txt'].map((p) => path.join(dir, p));
    return { dir, files, inputs };
  }

  it('makes one multi-file torrent: files at the top under their names, folders with their structure', async () => {
    const { files, inputs } = await scattered();
    const { metainfo, roots } = await createTorrent(inputs, {
      name: 'pack',
      pieceLengthBytes: KiB16,
      hashPool: pool,
    });
    expect(metainfo.name).toBe('pack');
    expect(metainfo.multiFile).toBe(true);
    // Sorted byte-wise as one folder would be, whatever order the paths came in.
    expect(metainfo.files.map((f) => f.path.join('/'))).toEqual([
      'a.bin',
      'album/cd1/01.flac',
      'album/z.jpg',
      'b.txt',
    ]);
    const payload = Buffer.concat([
      files['x/a.bin'],
      files['y/album/cd1/01.flac'],
      files['y/album/z.jpg'],
      files['x/b.txt'],
    ]);
    expect(metainfo.pieceHashes).toEqual(expectedPieceHashes(payload, KiB16));
    expect(roots).toEqual([
      { name: 'a.bin', path: inputs[0] },
      { name: 'album', path: inputs[1] },
      { name: 'b.txt', path: inputs[2] },
    ]);
  });

  it('gives the same info-hash as the same files arranged in one folder', async () => {
    const { dir, files, inputs } = await scattered();
    const pack = path.join(dir, 'arranged', 'pack');
    for (const [rel, data] of Object.entries(files)) {
      const inPack = path.join(pack, rel.slice(2));
      await mkdir(path.dirname(inPack), { recursive: true });
      await writeFile(inPack, data);
    }
    const options = { pieceLengthBytes: KiB16, hashPool: pool, creationDate: null };
    const several = await createTorrent(inputs, { ...options, name: 'pack' });
    const folder = await createTorrent(pack, options);
    expect(several.metainfo.infoHashHex).toBe(folder.metainfo.infoHashHex);
    expect(folder.roots).toBeUndefined();
  });

  it('refuses two paths with the same base name, naming both', async () => {
    const { dir, inputs } = await scattered();
    await mkdir(path.join(dir, 'z'));
    const other = path.join(dir, 'z', 'a.bin');
    await writeFile(other, 'other');
    await expect(createTorrent([inputs[0]!, other], { name: 'pack', hashPool: pool })).rejects.toSatisfy(
      (err: unknown) =>
        err instanceof CreateInputError &&
        err.code === 'name-clash' &&
        err.message.includes(inputs[0]!) &&
        err.message.includes(other),
    );
  });

  it('refuses two paths whose names differ only in case (one name on Windows and macOS)', async () => {
    const { dir, inputs } = await scattered();
    await mkdir(path.join(dir, 'z'));
    const other = path.join(dir, 'z', 'A.BIN');
    await writeFile(other, 'other');
    await expect(createTorrent([inputs[0]!, other], { name: 'pack', hashPool: pool })).rejects.toSatisfy(
      (err: unknown) =>
        err instanceof CreateInputError && err.code === 'name-clash' && err.message.includes('"A.BIN"'),
    );
  });

  it('refuses several paths without a name, and an unsafe name', async () => {
    const { inputs } = await scattered();
    await expect(createTorrent(inputs, { hashPool: pool })).rejects.toSatisfy(
      (err: unknown) => err instanceof CreateInputError && err.code === 'name-required',
    );
    for (const name of ['..', 'a/b', ''])
      await expect(createTorrent(inputs, { name, hashPool: pool })).rejects.toSatisfy(
        (err: unknown) => err instanceof CreateInputError && ['bad-name', 'name-required'].includes(err.code),
      );
  });

  it('writes web seeds (BEP 19) outside the info dict: the info-hash does not change', async () => {
    const { inputs } = await scattered();
    const options = { name: 'pack', pieceLengthBytes: KiB16, hashPool: pool, creationDate: null };
    const plain = await createTorrent(inputs, options);
    const seeded = await createTorrent(inputs, { ...options, webSeeds: ['http://127.0.0.1:8080/pack/'] });
    expect(seeded.metainfo.webSeeds).toEqual(['http://127.0.0.1:8080/pack/']);
    expect(seeded.metainfo.infoHashHex).toBe(plain.metainfo.infoHashHex);
  });
});
