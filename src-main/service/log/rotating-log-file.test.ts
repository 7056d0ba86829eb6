import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.ts';
import { RotatingLogFile } from './rotating-log-file.ts';

describe('RotatingLogFile', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  async function tempDir(): Promise<string> {
    const t = await makeTempDir('swarmdrop-log-');
    cleanups.push(t.remove);
    return t.dir;
  }

  it('appends whole lines and creates its folder', async () => {
    const dir = path.join(await tempDir(), 'logs');
    const file = new RotatingLogFile({ dir, name: 'cli' });
    file.write('one');
    file.write('two');
    file.close();
    expect(file.path).toBe(path.join(dir, 'cli.log'));
    expect(await readFile(file.path, 'utf8')).toBe('one\ntwo\n');
    // Logs name files and peers: the folder and the file are the owner's only.
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(file.path)).mode & 0o777).toBe(0o600);
  });

  it('keeps at most `keep` rotated files of at most maxBytes, newest lines in the current file', async () => {
    const dir = await tempDir();
    const file = new RotatingLogFile({ dir, name: 'daemon', maxBytes: 100, keep: 2 });
    // 60 lines of 10 bytes (9 + newline): 10 lines fit a file, so 6 files' worth.
    for (let i = 0; i < 60; i++) file.write(`line ${String(i).padStart(4, '0')}`);
    file.close();
    expect((await readdir(dir)).sort()).toEqual(['daemon.log', 'daemon.log.1', 'daemon.log.2']);
    for (const name of ['daemon.log', 'daemon.log.1', 'daemon.log.2'])
      expect((await stat(path.join(dir, name))).size).toBeLessThanOrEqual(100);
    const current = (await readFile(path.join(dir, 'daemon.log'), 'utf8')).trimEnd().split('\n');
    const previous = (await readFile(path.join(dir, 'daemon.log.1'), 'utf8')).trimEnd().split('\n');
    const oldest = (await readFile(path.join(dir, 'daemon.log.2'), 'utf8')).trimEnd().split('\n');
    expect(current).toEqual(Array.from({ length: 10 }, (_, i) => `line ${String(50 + i).padStart(4, '0')}`));
    expect(previous[0]).toBe('line 0040');
    expect(oldest[0]).toBe('line 0030');
  });

  it('continues the size count of a file left by an earlier run', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'cli.log'), 'x'.repeat(95) + '\n');
    const file = new RotatingLogFile({ dir, name: 'cli', maxBytes: 100, keep: 1 });
    file.write('next run');
    file.close();
    expect(await readFile(path.join(dir, 'cli.log'), 'utf8')).toBe('next run\n');
    expect((await readFile(path.join(dir, 'cli.log.1'), 'utf8')).length).toBe(96);
  });

  it('a file rotated by another process is not rotated again: lines go to the new file', async () => {
    const dir = await tempDir();
    const a = new RotatingLogFile({ dir, name: 'cli', maxBytes: 30, keep: 3 });
    const b = new RotatingLogFile({ dir, name: 'cli', maxBytes: 30, keep: 3 });
    a.write('a1 ........'); // 12 bytes
    b.write('b1 ........'); // b counts 12 (it opened an empty file)
    a.write('a2 ........'); // a: 24
    a.write('a3 ........'); // a: 36 > 30: a rotates cli.log -> cli.log.1 first
    b.write('b2 ........'); // b: 24, still into the file it has open (now cli.log.1)
    b.write('b3 ........'); // b: 36 > 30: already rotated by a, so b reopens cli.log
    a.close();
    b.close();
    expect((await readdir(dir)).sort()).toEqual(['cli.log', 'cli.log.1']);
    expect(await readFile(path.join(dir, 'cli.log.1'), 'utf8')).toBe(
      'a1 ........\nb1 ........\na2 ........\nb2 ........\n',
    );
    expect(await readFile(path.join(dir, 'cli.log'), 'utf8')).toBe('a3 ........\nb3 ........\n');
  });

  it('keep 0: the full file is dropped and a new one starts', async () => {
    const dir = await tempDir();
    const file = new RotatingLogFile({ dir, name: 'x', maxBytes: 10, keep: 0 });
    file.write('12345678');
    file.write('abcdefgh');
    file.close();
    expect(await readdir(dir)).toEqual(['x.log']);
    expect(await readFile(path.join(dir, 'x.log'), 'utf8')).toBe('abcdefgh\n');
  });

  it('throws the file system error when the folder cannot be made', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'not-a-folder'), '');
    expect(() => new RotatingLogFile({ dir: path.join(dir, 'not-a-folder', 'logs'), name: 'cli' })).toThrow(
      expect.objectContaining({ code: 'ENOTDIR' }),
    );
    await rm(path.join(dir, 'not-a-folder'));
  });
});
