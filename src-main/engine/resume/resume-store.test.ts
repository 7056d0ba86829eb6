import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.ts';
import type { ResumeRecord } from './resume-record.ts';
import { ResumeStore } from './resume-store.ts';
import { isVersionedDataError } from './versioned-json-store.ts';

const hash = (n: number) => n.toString(16).padStart(40, '0');
const record = (n: number, extra: Partial<ResumeRecord> = {}): ResumeRecord => ({
  version: 3,
  infoHashHex: hash(n),
  name: `t${n}`,
  savePath: '/srv/data',
  addedAtMs: 1_700_000_000_000 + n,
  state: 'active',
  verifiedPieces: btoa('\xf0'),
  pieceCount: 4,
  files: [{ sizeBytes: 40, mtimeMs: 1_700_000_000_000.25 }],
  uploadedBytes: n,
  downloadedBytes: 2 * n,
  trackers: [[`udp://127.0.0.1:${6000 + n}`]],
  ...extra,
});

describe('ResumeStore', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  const store = async () => {
    const temp = await makeTempDir('swarmdrop-resume-');
    cleanups.push(temp.remove);
    return new ResumeStore({ dataDir: temp.dir });
  };

  it('writes a record only after the metadata copy being saved for it is on disk', async () => {
    const s = await store();
    const r = record(2);
    const copied = s.saveMetadata(r.infoHashHex, { kind: 'torrent', bytes: new Uint8Array(64 * 1024) });
    let copyDone = false;
    void copied.then(() => (copyDone = true));
    await s.save(r);
    expect(copyDone).toBe(true);
    expect(await s.load(r.infoHashHex)).toEqual(r);
    expect((await s.loadMetadata(r.infoHashHex))?.bytes.length).toBe(64 * 1024);
  });

  it('writes no record while a failed metadata copy stands, and keeps the earlier one', async () => {
    const s = await store();
    const earlier = record(3);
    await s.save(earlier);
    // A file where the torrents/ folder goes: the copy cannot be written.
    await writeFile(path.join(s.dataDir, 'torrents'), 'not a folder');
    await expect(
      s.saveMetadata(earlier.infoHashHex, { kind: 'torrent', bytes: new Uint8Array([1]) }),
    ).rejects.toThrow();
    const newer = record(3, { uploadedBytes: 999 });
    await expect(s.save(newer)).rejects.toThrow();
    expect(await s.load(earlier.infoHashHex)).toEqual(earlier);
    s.forgetFailedMetadata(earlier.infoHashHex);
    await s.save(newer);
    expect(await s.load(earlier.infoHashHex)).toEqual(newer);
  });

  it('round-trips a record and the metadata beside it; remove deletes both', async () => {
    const s = await store();
    const r = record(1, { state: 'paused', completedAtMs: 1_700_000_500_000 });
    await s.save(r);
    expect(await s.load(r.infoHashHex)).toEqual(r);
    expect(await s.loadMetadata(r.infoHashHex)).toBeUndefined();
    await s.saveMetadata(r.infoHashHex, { kind: 'info', bytes: new Uint8Array([100, 101]) });
    expect(await s.loadMetadata(r.infoHashHex)).toEqual({ kind: 'info', bytes: new Uint8Array([100, 101]) });
    await s.saveMetadata(r.infoHashHex, { kind: 'torrent', bytes: new Uint8Array([1, 2, 3]) });
    expect(await s.loadMetadata(r.infoHashHex)).toEqual({
      kind: 'torrent',
      bytes: new Uint8Array([1, 2, 3]),
    });
    expect(await readdir(path.join(s.dataDir, 'torrents'))).toEqual(
      [`${hash(1)}.info`, `${hash(1)}.torrent`].sort(),
    );
    await s.remove(r.infoHashHex);
    expect(await s.load(r.infoHashHex)).toBeUndefined();
    expect(await s.loadMetadata(r.infoHashHex)).toBeUndefined();
  });

  it('loads 500 records in parallel and reports the broken ones by info-hash', async () => {
    const s = await store();
    await Promise.all(Array.from({ length: 500 }, (_, n) => s.save(record(n + 1))));
    const dir = path.join(s.dataDir, 'resume');
    await writeFile(path.join(dir, `${hash(9001)}.json`), '{ not json');
    await writeFile(path.join(dir, `${hash(9002)}.json`), JSON.stringify({ ...record(9002), version: 7 }));
    await writeFile(path.join(dir, `${hash(9003)}.json`), JSON.stringify(record(1))); // names another torrent
    const { records, problems } = await s.loadAll();
    expect(records).toHaveLength(500);
    expect(records[41]).toEqual(record(42));
    expect(problems.map((p) => [p.infoHashHex, p.code]).sort()).toEqual([
      [hash(9001), 'corrupt'],
      [hash(9002), 'unsupported-version'],
      [hash(9003), 'invalid'],
    ]);
    const err = await s.load(hash(9003)).catch((e: unknown) => e);
    expect(isVersionedDataError(err) && err.code).toBe('invalid');
  });

  it('loadAll of a fresh data folder is empty', async () => {
    const s = await store();
    expect(await s.loadAll()).toEqual({ records: [], problems: [] });
  });

  it('refuses info-hashes that are not 40 lower-case hex characters', async () => {
    const s = await store();
    await expect(s.save(record(1, { infoHashHex: '../../etc' }))).rejects.toThrow(RangeError);
    await expect(s.load('AB'.repeat(20))).rejects.toThrow(RangeError);
  });
});
