import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/temp-dir.ts';
import { ContractError } from '../../src-shared/contract/error-codes.ts';
import { freeName, isSafeSegment, UploadManager } from './upload-manager.ts';

const temps: { remove(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((t) => t.remove()));
});

async function setup(): Promise<{ mgr: UploadManager; shareDir: string; stagingDir: string }> {
  const t = await makeTempDir();
  temps.push(t);
  const stagingDir = path.join(t.dir, 'uploads');
  const shareDir = path.join(t.dir, 'shared');
  return { mgr: new UploadManager(stagingDir, shareDir), shareDir, stagingDir };
}

const bytes = (s: string) => new TextEncoder().encode(s);

describe('isSafeSegment', () => {
  it.each(['a.txt', 'photo 1.jpg', 'ünïcode', '.hidden'])('accepts %s', (s) => expect(isSafeSegment(s)).toBe(true));
  it.each(['', '.', '..', 'a/b', 'a\\b', 'nul', 'CON.txt', 'com1', 'trailing.', 'x'.repeat(256), 'a\0b'])('rejects %j', (s) =>
    expect(isSafeSegment(s)).toBe(false),
  );
});

describe('UploadManager', () => {
  it('assembles one file from ordered chunks into the share folder', async () => {
    const { mgr, shareDir, stagingDir } = await setup();
    const { uploadId } = await mgr.begin([{ relativePath: ['hello.txt'], sizeBytes: 11 }]);
    await mgr.chunk(uploadId, 0, 0, bytes('hello '));
    expect(await mgr.chunk(uploadId, 0, 6, bytes('world'))).toEqual({ receivedBytes: 11 });
    const done = await mgr.finish(uploadId);
    expect(done).toEqual({ path: path.join(shareDir, 'hello.txt'), name: 'hello.txt' });
    expect(await readFile(done.path, 'utf8')).toBe('hello world');
    expect(await readdir(stagingDir)).toEqual([]);
  });

  it('keeps a dropped folder as a folder, with empty files', async () => {
    const { mgr, shareDir } = await setup();
    const { uploadId } = await mgr.begin([
      { relativePath: ['album', 'a.txt'], sizeBytes: 1 },
      { relativePath: ['album', 'sub', 'empty'], sizeBytes: 0 },
    ]);
    await mgr.chunk(uploadId, 0, 0, bytes('A'));
    const done = await mgr.finish(uploadId);
    expect(done.path).toBe(path.join(shareDir, 'album'));
    expect(await readFile(path.join(shareDir, 'album', 'a.txt'), 'utf8')).toBe('A');
    expect(await readFile(path.join(shareDir, 'album', 'sub', 'empty'), 'utf8')).toBe('');
  });

  it('gathers loose files under the given name', async () => {
    const { mgr, shareDir } = await setup();
    const { uploadId } = await mgr.begin(
      [
        { relativePath: ['a'], sizeBytes: 1 },
        { relativePath: ['b'], sizeBytes: 1 },
      ],
      'Holiday',
    );
    await mgr.chunk(uploadId, 0, 0, bytes('1'));
    await mgr.chunk(uploadId, 1, 0, bytes('2'));
    expect((await mgr.finish(uploadId)).path).toBe(path.join(shareDir, 'Holiday'));
  });

  it('never overwrites: a second upload of the same name gets "(2)"', async () => {
    const { mgr, shareDir } = await setup();
    await mkdir(shareDir, { recursive: true });
    await writeFile(path.join(shareDir, 'x.txt'), 'old');
    const { uploadId } = await mgr.begin([{ relativePath: ['x.txt'], sizeBytes: 3 }]);
    await mgr.chunk(uploadId, 0, 0, bytes('new'));
    expect((await mgr.finish(uploadId)).name).toBe('x (2).txt');
    expect(await readFile(path.join(shareDir, 'x.txt'), 'utf8')).toBe('old');
  });

  it('rejects path tricks, out-of-order or oversized chunks, and early finish', async () => {
    const { mgr } = await setup();
    await expect(mgr.begin([{ relativePath: ['..', 'etc'], sizeBytes: 1 }])).rejects.toBeInstanceOf(ContractError);
    await expect(mgr.begin([{ relativePath: ['a/b'], sizeBytes: 1 }])).rejects.toBeInstanceOf(ContractError);
    const { uploadId } = await mgr.begin([{ relativePath: ['f'], sizeBytes: 4 }]);
    await expect(mgr.chunk(uploadId, 0, 2, bytes('xx'))).rejects.toMatchObject({ detail: expect.stringMatching(/expected 0/) });
    await expect(mgr.chunk(uploadId, 0, 0, bytes('12345'))).rejects.toMatchObject({ detail: expect.stringMatching(/more bytes/) });
    await expect(mgr.chunk(uploadId, 1, 0, bytes('1'))).rejects.toMatchObject({ detail: expect.stringMatching(/no file/) });
    await mgr.chunk(uploadId, 0, 0, bytes('12'));
    await expect(mgr.finish(uploadId)).rejects.toMatchObject({ detail: expect.stringMatching(/2 of 4/) });
    await expect(mgr.chunk('nope', 0, 0, bytes('1'))).rejects.toMatchObject({ detail: expect.stringMatching(/unknown upload/) });
  });

  it('cancel and close remove staged data; close is idempotent', async () => {
    const { mgr, stagingDir } = await setup();
    const a = await mgr.begin([{ relativePath: ['a'], sizeBytes: 2 }]);
    await mgr.chunk(a.uploadId, 0, 0, bytes('1'));
    await mgr.cancel(a.uploadId);
    await mgr.begin([{ relativePath: ['b'], sizeBytes: 2 }]);
    await mgr.close();
    await mgr.close();
    expect(await readdir(stagingDir)).toEqual([]);
    await expect(mgr.begin([{ relativePath: ['c'], sizeBytes: 1 }])).rejects.toThrow();
  });

  it('freeName counts up past taken names', async () => {
    const { shareDir } = await setup();
    await mkdir(shareDir, { recursive: true });
    await writeFile(path.join(shareDir, 'dir'), '');
    await writeFile(path.join(shareDir, 'dir (2)'), '');
    expect(await freeName(shareDir, 'dir')).toBe(path.join(shareDir, 'dir (3)'));
  });
});
