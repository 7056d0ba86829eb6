import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import {
  migrateResume,
  RESUME_VERSION,
  verifiedBitfield,
  type ResumeRecord,
  type ResumeRecordV1,
  type ResumeRecordV2,
} from './resume-record.ts';
import { isVersionedDataError } from './versioned-json-store.ts';

const HASH = 'ab'.repeat(20);
const have = (() => {
  const b = new Bitfield(10);
  [0, 3, 9].forEach((i) => b.set(i));
  return b.toBase64();
})();

const v1: ResumeRecordV1 = {
  version: 1,
  infoHashHex: HASH,
  name: 'album',
  savePath: '/home/u/Downloads',
  addedAtMs: 1_700_000_000_000,
  state: 'paused',
  verifiedPieces: have,
  pieceCount: 10,
  files: [
    { sizeBytes: 100, mtimeMs: 1_700_000_000_123.456 },
    { sizeBytes: 0, mtimeMs: 0 },
  ],
  uploadedBytes: 5,
  downloadedBytes: 7,
  completedAtMs: 1_700_000_100_000,
};

const v2: ResumeRecordV2 = {
  ...v1,
  version: 2,
  trackers: [['udp://tracker.example:6969', 'http://backup.example/announce'], ['udp://10.0.0.2:6969']],
};

const v3: ResumeRecord = { ...v2, version: 3 };

/** A torrent shared from several paths: where each top-level entry is seeded from. */
const v3Roots: ResumeRecord = {
  ...v3,
  name: 'pack',
  roots: [
    { name: 'a.bin', path: '/home/u/a.bin' },
    { name: 'photos', path: '/srv/photos' },
  ],
};

// The pre-release shape: no version, seconds, `have`, [size, mtime] pairs, `paused`.
const v0 = {
  infoHash: 'AB'.repeat(20),
  name: 'album',
  savePath: '/home/u/Downloads',
  addedAt: 1_700_000_000,
  paused: true,
  have,
  pieceCount: 10,
  files: [
    [100, 1_700_000_000_123.456],
    [0, 0],
  ],
  uploaded: 5,
  downloaded: 7,
  completedAt: 1_700_000_100,
};

const json = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

describe('migrateResume', () => {
  it('the current version (v3) passes through unchanged (and survives a JSON round trip)', () => {
    expect(RESUME_VERSION).toBe(3);
    expect(migrateResume(json(v3))).toEqual(v3);
  });

  it('v3 with the roots of a share made from several paths round-trips', () => {
    expect(migrateResume(json(v3Roots))).toEqual(v3Roots);
  });

  it('v2 → v3: the same fields, no roots (files under savePath/name)', () => {
    const migrated = migrateResume(json(v2));
    expect(migrated).toEqual(v3);
    expect('roots' in migrated).toBe(false);
  });

  it('v2 with heldPieces (pieces whose file was edited while shared) round-trips', () => {
    const held = new Bitfield(10);
    held.set(4);
    const record = { ...v3, heldPieces: held.toBase64() };
    expect(migrateResume(json(record))).toEqual(record);
  });

  it('v3 with filePriorities (skip / normal / high per file) round-trips', () => {
    const record = { ...v3, filePriorities: [0, 1, 2, 1] };
    expect(migrateResume(json(record))).toEqual(record);
  });

  it.each([
    ['a priority above high', [0, 3]],
    ['a fraction', [0.5]],
    ['not an array', 'skip'],
  ])('filePriorities with %s is invalid', (_label, filePriorities) => {
    let err: unknown;
    try {
      migrateResume(json({ ...v3, filePriorities }));
    } catch (e) {
      err = e;
    }
    expect(isVersionedDataError(err) && err.code).toBe('invalid');
    expect((err as Error).message).toContain('filePriorities');
  });

  it.each([
    ['not base64 of the right length', 'AAAAAA=='],
    ['bits past pieceCount', Bitfield.full(16).toBase64()],
  ])('heldPieces %s is invalid', (_label, heldPieces) => {
    const err = (() => {
      try {
        migrateResume(json({ ...v2, heldPieces }));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(isVersionedDataError(err) && err.code).toBe('invalid');
    expect((err as Error).message).toContain('heldPieces');
  });

  it.each([
    ['v1 → v3: the same fields, no trackers known', v1],
    ['v1 with a stray trackers field → v3 with none', { ...v1, trackers: 'junk' }],
  ])('%s', (_label, raw) => {
    expect(migrateResume(json(raw))).toEqual({ ...v1, version: 3, trackers: [] });
  });

  it('v0 → v3: seconds to ms, paused to state, pairs to stamps, hash lower-cased, no trackers', () => {
    expect(migrateResume(v0)).toEqual({ ...v1, version: 3, trackers: [] });
    const active = { ...v0, paused: false, completedAt: undefined };
    const migrated = migrateResume(JSON.parse(JSON.stringify(active)));
    expect(migrated.state).toBe('active');
    expect('completedAtMs' in migrated).toBe(false);
  });

  it('keeps the verified bitfield readable', () => {
    const bits = verifiedBitfield(migrateResume(v0));
    expect([...Array(10).keys()].filter((i) => bits.get(i))).toEqual([0, 3, 9]);
  });

  it.each([
    ['newer version', { ...v3, version: 4 }, 'unsupported-version'],
    ['v3 empty roots', { ...v3, roots: [] }, 'invalid'],
    ['v3 root without a path', { ...v3, roots: [{ name: 'a.bin' }] }, 'invalid'],
    [
      'v3 two roots with one name',
      {
        ...v3,
        roots: [
          { name: 'a.bin', path: '/x/a.bin' },
          { name: 'a.bin', path: '/y/a.bin' },
        ],
      },
      'invalid',
    ],
    ['v2 carrying roots is still v2 (roots checked as v3 fields)', { ...v2, roots: 'junk' }, 'invalid'],
    ['negative version', { ...v1, version: -1 }, 'unsupported-version'],
    ['string version', { ...v1, version: '1' }, 'invalid'],
    ['not an object', [v1], 'invalid'],
    ['null', null, 'invalid'],
    ['v1 missing savePath', { ...v1, savePath: undefined }, 'invalid'],
    ['v1 bad state', { ...v1, state: 'seeding' }, 'invalid'],
    ['v1 upper-case hash', { ...v1, infoHashHex: HASH.toUpperCase() }, 'invalid'],
    ['v1 bitfield of wrong length', { ...v1, pieceCount: 20 }, 'invalid'],
    ['v1 bitfield with dirty tail', { ...v1, verifiedPieces: btoa('\xff\xff') }, 'invalid'],
    ['v1 bitfield not base64', { ...v1, verifiedPieces: '!!' }, 'invalid'],
    ['v1 negative bytes', { ...v1, uploadedBytes: -1 }, 'invalid'],
    ['v1 fractional size', { ...v1, files: [{ sizeBytes: 1.5, mtimeMs: 0 }] }, 'invalid'],
    ['v2 without trackers', { ...v2, trackers: undefined }, 'invalid'],
    ['v2 trackers not tiers', { ...v2, trackers: ['udp://a:1'] }, 'invalid'],
    ['v2 empty tier', { ...v2, trackers: [[]] }, 'invalid'],
    ['v2 tracker not a string', { ...v2, trackers: [[42]] }, 'invalid'],
    [
      'v2 too many trackers',
      { ...v2, trackers: Array.from({ length: 257 }, (_, i) => [`udp://t${i}:1`]) },
      'invalid',
    ],
    ['v2 missing savePath', { ...v2, savePath: undefined }, 'invalid'],
    ['v0 missing have', { ...v0, have: undefined }, 'invalid'],
    ['v0 bad file pair', { ...v0, files: [[1]] }, 'invalid'],
    ['empty object (v0 without fields)', {}, 'invalid'],
  ])('%s → %s', (_label, raw, code) => {
    let caught: unknown;
    try {
      migrateResume(json(raw));
    } catch (err) {
      caught = err;
    }
    expect(isVersionedDataError(caught) && caught.code).toBe(code);
  });
});
