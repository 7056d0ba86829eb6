import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import { layoutFromFiles } from '../storage/layout-from-files.ts';
import type { ExistingFile, FileStamp } from '../storage/storage.ts';
import { changedFiles, fileStamps, trustedPieces } from './file-change.ts';

const saved: FileStamp[] = [
  { sizeBytes: 10, mtimeMs: 1000.5 },
  { sizeBytes: 0, mtimeMs: 0 },
  { sizeBytes: 20, mtimeMs: 2000 },
];
const now = (stamps: [number, number, boolean?][]): ExistingFile[] =>
  stamps.map(([sizeBytes, mtimeMs, exists = true], i) => ({
    path: `f${i}`,
    sizeBytes,
    mtimeMs,
    ctimeMs: mtimeMs,
    exists,
  }));

describe('changedFiles', () => {
  it.each([
    [
      'nothing changed',
      now([
        [10, 1000.5],
        [0, 0, false],
        [20, 2000],
      ]),
      [],
    ],
    [
      'mtime moved',
      now([
        [10, 1000.6],
        [0, 0, false],
        [20, 2000],
      ]),
      [0],
    ],
    [
      'size changed, same mtime',
      now([
        [10, 1000.5],
        [0, 0, false],
        [21, 2000],
      ]),
      [2],
    ],
    [
      'missing file appeared',
      now([
        [10, 1000.5],
        [0, 5],
        [20, 2000],
      ]),
      [1],
    ],
    [
      'file vanished',
      now([
        [0, 0, false],
        [0, 0, false],
        [20, 2000],
      ]),
      [0],
    ],
    ['different file count: all', now([[10, 1000.5]]), [0]],
  ])('%s', (_label, existing, expected) => {
    expect(changedFiles(saved, existing)).toEqual(expected);
  });

  it('fileStamps keeps only size and mtime', () => {
    expect(fileStamps(now([[1, 2]]))).toEqual([{ sizeBytes: 1, mtimeMs: 2 }]);
  });
});

describe('trustedPieces', () => {
  // a(10) b(0) c(20) = 30 bytes in pieces of 8: a → 0..1, c → 1..3.
  const layout = layoutFromFiles(
    't',
    [
      { path: ['a'], lengthBytes: 10 },
      { path: ['b'], lengthBytes: 0 },
      { path: ['c'], lengthBytes: 20 },
    ],
    8,
  );
  const all = Bitfield.full(layout.pieceCount);
  const bits = (b: Bitfield) => [...Array(b.length).keys()].filter((i) => b.get(i));

  it.each([
    [
      'unchanged keeps all',
      now([
        [10, 1000.5],
        [0, 0, false],
        [20, 2000],
      ]),
      [0, 1, 2, 3],
    ],
    [
      'a changed drops pieces 0-1 (1 is shared with c)',
      now([
        [9, 1000.5],
        [0, 0, false],
        [20, 2000],
      ]),
      [2, 3],
    ],
    [
      'c changed drops 1-3',
      now([
        [10, 1000.5],
        [0, 0, false],
        [20, 1],
      ]),
      [0],
    ],
    [
      'zero-length file changed drops nothing',
      now([
        [10, 1000.5],
        [0, 7],
        [20, 2000],
      ]),
      [0, 1, 2, 3],
    ],
  ])('%s', (_label, existing, expected) => {
    expect(bits(trustedPieces(layout, all, saved, existing))).toEqual(expected);
  });

  it('a bitfield for other metadata trusts nothing', () => {
    expect(
      bits(
        trustedPieces(
          layout,
          Bitfield.full(7),
          saved,
          now([
            [10, 1000.5],
            [0, 0, false],
            [20, 2000],
          ]),
        ),
      ),
    ).toEqual([]);
  });
});
