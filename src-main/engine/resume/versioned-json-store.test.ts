import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { VersionedDataError, VersionedJsonStore, isVersionedDataError } from './versioned-json-store.ts';

interface Doc {
  version: 1;
  n: number;
}
const migrate = (raw: unknown): Doc => {
  const r = raw as { version?: unknown; n?: unknown };
  if (r.version !== 1) throw new VersionedDataError('unsupported-version', `version ${String(r.version)}`);
  if (typeof r.n !== 'number') throw new VersionedDataError('invalid', 'n');
  return { version: 1, n: r.n };
};

describe('VersionedJsonStore', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  const store = async () => {
    const temp = await makeTempDir('swarmdrop-store-');
    cleanups.push(temp.remove);
    return new VersionedJsonStore<Doc>({ dir: path.join(temp.dir, 'docs'), migrate });
  };

  it('loads a lazy decoder only when a document is read, once, and still rejects bad documents', async () => {
    const temp = await makeTempDir('swarmdrop-store-');
    cleanups.push(temp.remove);
    let loads = 0;
    const s = new VersionedJsonStore<Doc>({
      dir: path.join(temp.dir, 'docs'),
      migrate: {
        load: async () => {
          loads++;
          return migrate;
        },
      },
    });
    expect(await s.load('a')).toBeUndefined();
    expect(await s.loadAll()).toEqual({ values: [], problems: [] });
    await s.save('a', { version: 1, n: 1 });
    expect(loads).toBe(0);
    await writeFileAtomic(s.pathOf('b'), JSON.stringify({ version: 1, n: 'x' }));
    const all = await s.loadAll();
    expect(all.values).toEqual([{ key: 'a', value: { version: 1, n: 1 } }]);
    expect(all.problems).toEqual([{ key: 'b', code: 'invalid', message: expect.stringContaining('n') }]);
    expect(loads).toBe(1);
  });

  it('reports a lazy decoder that cannot load as an io-error, and retries it', async () => {
    const temp = await makeTempDir('swarmdrop-store-');
    cleanups.push(temp.remove);
    let fail = true;
    const s = new VersionedJsonStore<Doc>({
      dir: path.join(temp.dir, 'docs'),
      migrate: {
        load: async () => {
          if (fail) throw new Error('module missing');
          return migrate;
        },
      },
    });
    await s.save('a', { version: 1, n: 1 });
    await expect(s.load('a')).rejects.toMatchObject({ code: 'io-error' });
    fail = false;
    expect(await s.load('a')).toEqual({ version: 1, n: 1 });
  });

  it('saves, loads, lists and removes; a missing key loads as undefined', async () => {
    const s = await store();
    expect(await s.load('a')).toBeUndefined();
    expect(await s.keys()).toEqual([]);
    await s.save('a', { version: 1, n: 1 });
    await s.save('b', { version: 1, n: 2 });
    expect(await s.load('a')).toEqual({ version: 1, n: 1 });
    expect(await s.keys()).toEqual(['a', 'b']);
    await s.remove('a');
    await s.remove('a');
    expect(await s.keys()).toEqual(['b']);
  });

  it('lands concurrent saves of one key in call order and leaves no temp files', async () => {
    const s = await store();
    await Promise.all(Array.from({ length: 25 }, (_, n) => s.save('k', { version: 1, n })));
    expect(await s.load('k')).toEqual({ version: 1, n: 24 });
    expect(await readdir(s.dir)).toEqual(['k.json']);
  });

  it('reports corrupt, unknown-version and invalid documents without stopping loadAll', async () => {
    const s = await store();
    await s.save('good', { version: 1, n: 5 });
    await writeFile(path.join(s.dir, 'broken.json'), '{"version": 1, "n": ');
    await writeFile(path.join(s.dir, 'future.json'), '{"version": 9, "n": 1}');
    await writeFile(path.join(s.dir, 'wrong.json'), '{"version": 1}');
    await writeFile(path.join(s.dir, 'Not A Key.json'), '{}');
    await writeFile(path.join(s.dir, '.good.json.123.abcd.tmp'), 'half-written');
    const { values, problems } = await s.loadAll();
    expect(values).toEqual([{ key: 'good', value: { version: 1, n: 5 } }]);
    expect(problems.map((p) => [p.key, p.code]).sort()).toEqual([
      ['broken', 'corrupt'],
      ['future', 'unsupported-version'],
      ['wrong', 'invalid'],
    ]);
    const err = await s.load('broken').catch((e: unknown) => e);
    expect(isVersionedDataError(err) && err.code).toBe('corrupt');
  });

  it('refuses keys that are not plain file names', async () => {
    const s = await store();
    for (const key of ['../x', 'a/b', '', 'UPPER', '.hidden']) {
      expect(() => s.pathOf(key)).toThrow(RangeError);
    }
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file whole, and on failure keeps the old content and no temp file', async () => {
    const temp = await makeTempDir('swarmdrop-atomic-');
    try {
      const target = path.join(temp.dir, 'nested', 'doc.json');
      await writeFileAtomic(target, 'one');
      await writeFileAtomic(target, 'two');
      expect(await readFile(target, 'utf8')).toBe('two');
      // rename() onto a non-empty folder fails: the folder (the "old file") must survive.
      const blocked = path.join(temp.dir, 'blocked');
      await mkdir(path.join(blocked, 'child'), { recursive: true });
      await expect(writeFileAtomic(blocked, 'three')).rejects.toThrow();
      expect(await readdir(blocked)).toEqual(['child']);
      expect((await readdir(temp.dir)).sort()).toEqual(['blocked', 'nested']);
    } finally {
      await temp.remove();
    }
  });
});

describe('VersionedJsonStore size cap', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('an oversize document is not read and loads as corrupt; one at the cap loads', async () => {
    const temp = await makeTempDir('swarmdrop-store-');
    cleanups.push(temp.remove);
    const dir = path.join(temp.dir, 'docs');
    const s = new VersionedJsonStore<Doc>({ dir, migrate, maxDocumentBytes: 64 });
    await mkdir(dir, { recursive: true });
    const atCap = JSON.stringify({ version: 1, n: 1 }).padEnd(64, ' ');
    await writeFile(path.join(dir, 'fits.json'), atCap);
    expect(await s.load('fits')).toEqual({ version: 1, n: 1 });
    await writeFile(path.join(dir, 'big.json'), atCap + ' ');
    const err = await s.load('big').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isVersionedDataError(err) && err.code).toBe('corrupt');
    expect((err as Error).message).toContain('65 bytes, more than the 64');
    const all = await s.loadAll();
    expect(all.values.map((v) => v.key)).toEqual(['fits']);
    expect(all.problems).toEqual([
      { key: 'big', code: 'corrupt', message: expect.stringContaining('65 bytes') },
    ]);
  });
});
