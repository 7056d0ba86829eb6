import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/temp-dir.ts';
import { ContractError } from '../../src-shared/contract/error-codes.ts';
import {
  DEFAULT_UPLOAD_LIMITS,
  findClash,
  freeName,
  isSafeSegment,
  UploadManager,
  type UploadLimits,
} from './upload-manager.ts';

const temps: { remove(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((t) => t.remove()));
});

async function setup(
  limits: Partial<UploadLimits> = {},
): Promise<{ mgr: UploadManager; shareDir: string; stagingDir: string }> {
  const t = await makeTempDir();
  temps.push(t);
  const stagingDir = path.join(t.dir, 'uploads');
  const shareDir = path.join(t.dir, 'shared');
  return {
    mgr: new UploadManager(stagingDir, shareDir, { ...DEFAULT_UPLOAD_LIMITS, ...limits }),
    shareDir,
    stagingDir,
  };
}

const bytes = (s: string) => new TextEncoder().encode(s);
/** Two connections, as the service hands them over (compared by identity). */
const me = {};
const other = {};

/** Every file and folder below `dir` (what a failed upload must not leave behind). */
async function entries(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true })).map(String);
  } catch {
    return [];
  }
}

describe('isSafeSegment', () => {
  it.each(['a.txt', 'photo 1.jpg', 'ünïcode', '.hidden', 'x'.repeat(255), 'é'.repeat(127)])(
    'accepts %s',
    (s) => expect(isSafeSegment(s)).toBe(true),
  );
  it.each([
    '',
    '.',
    '..',
    'a/b',
    'a\\b',
    'nul',
    'CON.txt',
    'com1',
    'trailing.',
    'x'.repeat(256),
    'a\0b',
    'é'.repeat(128),
    'é'.repeat(200),
  ])('rejects %j', (s) => expect(isSafeSegment(s)).toBe(false));
});

describe('findClash', () => {
  it('finds the same path twice, a file where a folder is needed, and names that differ only in case', () => {
    expect(findClash([['a'], ['b']])).toBeNull();
    expect(
      findClash([
        ['d', 'a'],
        ['d', 'b'],
      ]),
    ).toBeNull();
    expect(findClash([['a'], ['a']])).toBe('a');
    expect(findClash([['d', 'x'], ['d']])).toBe('d');
    expect(findClash([['d'], ['d', 'x']])).toBe('d');
    expect(findClash([['Photo.JPG'], ['photo.jpg']])).toBe('photo.jpg');
  });
});

describe('UploadManager', () => {
  it('assembles one file from ordered chunks into the share folder', async () => {
    const { mgr, shareDir, stagingDir } = await setup();
    const { uploadId } = await mgr.begin(me, [{ relativePath: ['hello.txt'], sizeBytes: 11 }]);
    await mgr.chunk(me, uploadId, 0, 0, bytes('hello '));
    expect(await mgr.chunk(me, uploadId, 0, 6, bytes('world'))).toEqual({ receivedBytes: 11 });
    const done = await mgr.finish(me, uploadId);
    expect(done).toEqual({ path: path.join(shareDir, 'hello.txt'), name: 'hello.txt' });
    expect(await readFile(done.path, 'utf8')).toBe('hello world');
    expect(await readdir(stagingDir)).toEqual([]);
  });

  it('keeps a dropped folder as a folder, with empty files', async () => {
    const { mgr, shareDir } = await setup();
    const { uploadId } = await mgr.begin(me, [
      { relativePath: ['album', 'a.txt'], sizeBytes: 1 },
      { relativePath: ['album', 'sub', 'empty'], sizeBytes: 0 },
    ]);
    await mgr.chunk(me, uploadId, 0, 0, bytes('A'));
    const done = await mgr.finish(me, uploadId);
    expect(done.path).toBe(path.join(shareDir, 'album'));
    expect(await readFile(path.join(shareDir, 'album', 'a.txt'), 'utf8')).toBe('A');
    expect(await readFile(path.join(shareDir, 'album', 'sub', 'empty'), 'utf8')).toBe('');
  });

  it('gathers loose files under the given name', async () => {
    const { mgr, shareDir } = await setup();
    const { uploadId } = await mgr.begin(
      me,
      [
        { relativePath: ['a'], sizeBytes: 1 },
        { relativePath: ['b'], sizeBytes: 1 },
      ],
      'Holiday',
    );
    await mgr.chunk(me, uploadId, 0, 0, bytes('1'));
    await mgr.chunk(me, uploadId, 1, 0, bytes('2'));
    expect((await mgr.finish(me, uploadId)).path).toBe(path.join(shareDir, 'Holiday'));
  });

  it("without a name, gathers loose items under the first one's name and a count, never a date", async () => {
    const { mgr, shareDir } = await setup();
    const { uploadId } = await mgr.begin(me, [
      { relativePath: ['song.flac'], sizeBytes: 1 },
      { relativePath: ['art', 'cover.jpg'], sizeBytes: 1 },
      { relativePath: ['lyrics.txt'], sizeBytes: 1 },
    ]);
    for (const i of [0, 1, 2]) await mgr.chunk(me, uploadId, i, 0, bytes('x'));
    expect((await mgr.finish(me, uploadId)).path).toBe(path.join(shareDir, 'song.flac and 2 more'));
  });

  it('never overwrites: a second upload of the same name gets "(2)"', async () => {
    const { mgr, shareDir } = await setup();
    await mkdir(shareDir, { recursive: true });
    await writeFile(path.join(shareDir, 'x.txt'), 'old');
    const { uploadId } = await mgr.begin(me, [{ relativePath: ['x.txt'], sizeBytes: 3 }]);
    await mgr.chunk(me, uploadId, 0, 0, bytes('new'));
    expect((await mgr.finish(me, uploadId)).name).toBe('x (2).txt');
    expect(await readFile(path.join(shareDir, 'x.txt'), 'utf8')).toBe('old');
  });

  it('refuses path tricks with upload-bad-name', async () => {
    const { mgr, stagingDir } = await setup();
    await expect(mgr.begin(me, [{ relativePath: ['..', 'etc'], sizeBytes: 1 }])).rejects.toMatchObject({
      code: 'upload-bad-name',
    });
    await expect(mgr.begin(me, [{ relativePath: ['a/b'], sizeBytes: 1 }])).rejects.toMatchObject({
      code: 'upload-bad-name',
    });
    await expect(
      mgr.begin(
        me,
        [
          { relativePath: ['a'], sizeBytes: 1 },
          { relativePath: ['b'], sizeBytes: 1 },
        ],
        'NUL',
      ),
    ).rejects.toMatchObject({ code: 'upload-bad-name' });
    expect(await entries(stagingDir)).toEqual([]);
  });

  it('counts names in UTF-8 bytes: 200 × "é" (400 bytes) is upload-name-too-long before anything is written', async () => {
    const { mgr, stagingDir } = await setup();
    await expect(mgr.begin(me, [{ relativePath: ['é'.repeat(200)], sizeBytes: 1 }])).rejects.toMatchObject({
      code: 'upload-name-too-long',
    });
    await expect(
      mgr.begin(me, [{ relativePath: ['d', `${'é'.repeat(127)}.txt`], sizeBytes: 1 }]),
    ).rejects.toMatchObject({ code: 'upload-name-too-long' });
    // 127 × "é" is 254 bytes: allowed, and the file system takes it.
    const { uploadId } = await mgr.begin(me, [{ relativePath: ['é'.repeat(127)], sizeBytes: 1 }]);
    await mgr.chunk(me, uploadId, 0, 0, bytes('1'));
    expect((await mgr.finish(me, uploadId)).name).toBe('é'.repeat(127));
    expect(await entries(stagingDir)).toEqual([]);
  });

  it('refuses a path nested deeper than the OS allows with upload-name-too-long', async () => {
    const { mgr } = await setup();
    const deep = Array.from({ length: 20 }, () => 'x'.repeat(250));
    await expect(mgr.begin(me, [{ relativePath: [...deep, 'f'], sizeBytes: 1 }])).rejects.toMatchObject({
      code: 'upload-name-too-long',
    });
  });

  it('a name clash is upload-name-clash, found before any folder is made', async () => {
    const { mgr, stagingDir } = await setup();
    const clashes = [
      [
        { relativePath: ['d', 'a'], sizeBytes: 1 },
        { relativePath: ['d', 'a'], sizeBytes: 1 },
      ],
      [
        { relativePath: ['d', 'a'], sizeBytes: 0 },
        { relativePath: ['d', 'a', 'b'], sizeBytes: 1 },
      ],
      [
        { relativePath: ['d', 'a', 'b'], sizeBytes: 1 },
        { relativePath: ['d', 'a'], sizeBytes: 0 },
      ],
    ];
    for (const files of clashes)
      await expect(mgr.begin(me, files)).rejects.toMatchObject({ code: 'upload-name-clash' });
    expect(await entries(stagingDir)).toEqual([]);
    expect(mgr.usage()).toEqual({ uploads: 0, files: 0, bytes: 0 });
  });

  it('rejects out-of-order or oversized chunks (upload-bad-chunk) and early finish (upload-incomplete)', async () => {
    const { mgr } = await setup();
    const { uploadId } = await mgr.begin(me, [{ relativePath: ['f'], sizeBytes: 4 }]);
    await expect(mgr.chunk(me, uploadId, 0, 2, bytes('xx'))).rejects.toMatchObject({
      code: 'upload-bad-chunk',
      detail: expect.stringMatching(/expected 0/),
    });
    await expect(mgr.chunk(me, uploadId, 0, 0, bytes('12345'))).rejects.toMatchObject({
      code: 'upload-bad-chunk',
      detail: expect.stringMatching(/more bytes/),
    });
    await expect(mgr.chunk(me, uploadId, 1, 0, bytes('1'))).rejects.toMatchObject({
      code: 'upload-bad-chunk',
      detail: expect.stringMatching(/no file/),
    });
    await mgr.chunk(me, uploadId, 0, 0, bytes('12'));
    await expect(mgr.finish(me, uploadId)).rejects.toMatchObject({
      code: 'upload-incomplete',
      detail: expect.stringMatching(/2 of 4/),
    });
    await expect(mgr.chunk(me, 'nope', 0, 0, bytes('1'))).rejects.toMatchObject({ code: 'upload-unknown' });
  });

  it("another connection's upload is unknown to it: no chunk, finish or cancel", async () => {
    const { mgr } = await setup();
    const { uploadId } = await mgr.begin(me, [{ relativePath: ['f'], sizeBytes: 1 }]);
    await expect(mgr.chunk(other, uploadId, 0, 0, bytes('1'))).rejects.toMatchObject({
      code: 'upload-unknown',
    });
    await expect(mgr.finish(other, uploadId)).rejects.toMatchObject({ code: 'upload-unknown' });
    await mgr.cancel(other, uploadId);
    expect(await mgr.chunk(me, uploadId, 0, 0, bytes('1'))).toEqual({ receivedBytes: 1 });
  });

  it('begin writes no files: 10 000 announced files stage nothing until their bytes arrive', async () => {
    const { mgr, stagingDir } = await setup();
    const files = Array.from({ length: 10_000 }, (_, i) => ({
      relativePath: ['big', `f${i}`],
      sizeBytes: i % 2,
    }));
    await mgr.begin(me, files);
    expect((await entries(stagingDir)).length).toBe(1); // the upload's own (empty) folder
  });

  it('caps open uploads, files and bytes per connection (upload-busy, upload-too-many-files, upload-too-large)', async () => {
    const { mgr } = await setup({
      uploadsPerOwner: 2,
      filesPerOwner: 5,
      bytesPerOwner: 100,
      filesTotal: 1000,
      bytesTotal: 10_000,
    });
    const file = (n: string, size = 1) => ({ relativePath: [n], sizeBytes: size });
    await expect(
      mgr.begin(
        me,
        Array.from({ length: 6 }, (_, i) => file(`x${i}`)),
        'six',
      ),
    ).rejects.toMatchObject({ code: 'upload-too-many-files' });
    await expect(mgr.begin(me, [file('huge', 101)])).rejects.toMatchObject({ code: 'upload-too-large' });
    const a = await mgr.begin(me, [file('a', 60)]);
    await expect(mgr.begin(me, [file('b', 41)])).rejects.toMatchObject({ code: 'upload-too-large' });
    await mgr.begin(me, [file('b', 40)]);
    await expect(mgr.begin(me, [file('c')])).rejects.toMatchObject({ code: 'upload-busy' });
    // Another connection has its own allowance.
    await mgr.begin(other, [file('c', 100)]);
    // Finishing or cancelling gives the allowance back.
    await mgr.cancel(me, a.uploadId);
    await mgr.begin(me, [file('d', 60)]);
  });

  it('caps files and bytes across all connections', async () => {
    const { mgr } = await setup({ filesPerOwner: 10, bytesPerOwner: 100, filesTotal: 12, bytesTotal: 150 });
    const files = (n: number, size: number) =>
      Array.from({ length: n }, (_, i) => ({ relativePath: [`f${i}`], sizeBytes: size }));
    await mgr.begin(me, files(10, 1), 'mine');
    await expect(mgr.begin(other, files(3, 1), 'theirs')).rejects.toMatchObject({
      code: 'upload-too-many-files',
    });
    await mgr.begin(other, [{ relativePath: ['x'], sizeBytes: 100 }]);
    await expect(mgr.begin({}, [{ relativePath: ['y'], sizeBytes: 41 }])).rejects.toMatchObject({
      code: 'upload-too-large',
    });
  });

  it('release (the connection closed) deletes what it staged and leaves other connections alone', async () => {
    const { mgr, stagingDir, shareDir } = await setup();
    const mine = await mgr.begin(me, [{ relativePath: ['m'], sizeBytes: 4 }]);
    await mgr.chunk(me, mine.uploadId, 0, 0, bytes('12'));
    const theirs = await mgr.begin(other, [{ relativePath: ['t'], sizeBytes: 1 }]);
    await mgr.release(me);
    expect(mgr.usage(me)).toEqual({ uploads: 0, files: 0, bytes: 0 });
    expect(await readdir(stagingDir)).toEqual([theirs.uploadId]);
    await expect(mgr.chunk(me, mine.uploadId, 0, 2, bytes('34'))).rejects.toMatchObject({
      code: 'upload-unknown',
    });
    await mgr.chunk(other, theirs.uploadId, 0, 0, bytes('1'));
    expect((await mgr.finish(other, theirs.uploadId)).path).toBe(path.join(shareDir, 't'));
  });

  it('clears what an earlier run left in the staging folder', async () => {
    const { mgr, stagingDir } = await setup();
    await mkdir(path.join(stagingDir, 'deadbeef', 'x'), { recursive: true });
    await writeFile(path.join(stagingDir, 'deadbeef', 'x', 'left'), 'old');
    const { uploadId } = await mgr.begin(me, [{ relativePath: ['n'], sizeBytes: 1 }]);
    expect(await readdir(stagingDir)).toEqual([uploadId]);
  });

  it('cancel and close remove staged data; close is idempotent', async () => {
    const { mgr, stagingDir } = await setup();
    const a = await mgr.begin(me, [{ relativePath: ['a'], sizeBytes: 2 }]);
    await mgr.chunk(me, a.uploadId, 0, 0, bytes('1'));
    await mgr.cancel(me, a.uploadId);
    await mgr.begin(me, [{ relativePath: ['b'], sizeBytes: 2 }]);
    await mgr.close();
    await mgr.close();
    expect(await readdir(stagingDir)).toEqual([]);
    await expect(mgr.begin(me, [{ relativePath: ['c'], sizeBytes: 1 }])).rejects.toBeInstanceOf(
      ContractError,
    );
  });

  it('freeName counts up past taken names', async () => {
    const { shareDir } = await setup();
    await mkdir(shareDir, { recursive: true });
    await writeFile(path.join(shareDir, 'dir'), '');
    await writeFile(path.join(shareDir, 'dir (2)'), '');
    expect(await freeName(shareDir, 'dir')).toBe(path.join(shareDir, 'dir (3)'));
  });
});
