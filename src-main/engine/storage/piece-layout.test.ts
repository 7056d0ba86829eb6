import { describe, expect, it } from 'vitest';
import { layoutFromFiles } from './layout-from-files.ts';
import { payloadSpans, pieceLengthOf, pieceRangeOfFile, pieceSpans, relativePathOf } from './piece-layout.ts';
import { isStorageError } from './storage.ts';

// Files a(10) b(0) c(3) d(5) e(14) = 32 bytes, pieces of 8: [0..8) [8..16) [16..24) [24..32).
const layout = layoutFromFiles(
  't',
  [
    { path: ['a'], lengthBytes: 10 },
    { path: ['empty'], lengthBytes: 0 },
    { path: ['sub', 'c'], lengthBytes: 3 },
    { path: ['sub', 'deeper', 'd'], lengthBytes: 5 },
    { path: ['e'], lengthBytes: 14 },
  ],
  8,
);
// Same files, 30 bytes total, so the last piece is short (6 bytes).
const shortTail = layoutFromFiles('s', [{ path: ['s'], lengthBytes: 30 }], 8);

const span = (
  fileIndex: number,
  fileOffsetBytes: number,
  lengthBytes: number,
  bufferOffsetBytes: number,
) => ({
  fileIndex,
  fileOffsetBytes,
  lengthBytes,
  bufferOffsetBytes,
});

describe('pieceSpans', () => {
  it.each([
    ['piece 0 inside file a', 0, 0, 8, [span(0, 0, 8, 0)]],
    // piece 1 = a[8..10) c[0..3) d[0..3): spans 3 files and skips the zero-length one
    ['piece 1 spans three files', 1, 0, 8, [span(0, 8, 2, 0), span(2, 0, 3, 2), span(3, 0, 3, 5)]],
    ['piece 2 = d tail + e head', 2, 0, 8, [span(3, 3, 2, 0), span(4, 0, 6, 2)]],
    ['piece 3 inside e', 3, 0, 8, [span(4, 6, 8, 0)]],
    ['block inside piece 1 starting in c', 1, 3, 4, [span(2, 1, 2, 0), span(3, 0, 2, 2)]],
    ['block exactly file c', 1, 2, 3, [span(2, 0, 3, 0)]],
    ['empty block', 1, 4, 0, []],
  ])('%s', (_label, index, offset, length, expected) => {
    expect(pieceSpans(layout, index, offset, length)).toEqual(expected);
  });

  it.each([
    ['negative index', -1, 0, 1],
    ['index = pieceCount', 4, 0, 1],
    ['fractional index', 0.5, 0, 1],
    ['offset past piece', 0, 9, 0],
    ['range past piece end', 0, 4, 5],
    ['negative length', 0, 0, -1],
    ['range past short last piece', 3, 0, 8],
  ])('%s → out-of-range', (_label, index, offset, length) => {
    const geometry = _label.includes('short') ? shortTail : layout;
    try {
      pieceSpans(geometry, index, offset, length);
      expect.unreachable();
    } catch (err) {
      expect(isStorageError(err) && err.code).toBe('out-of-range');
    }
  });

  it('sums every piece to the total and covers the payload in order', () => {
    let next = 0;
    for (let i = 0; i < layout.pieceCount; i++) {
      for (const s of pieceSpans(layout, i, 0, pieceLengthOf(layout, i))) {
        expect(layout.files[s.fileIndex]!.offsetBytes + s.fileOffsetBytes).toBe(next);
        next += s.lengthBytes;
      }
    }
    expect(next).toBe(layout.totalLengthBytes);
  });
});

describe('pieceLengthOf', () => {
  it.each([
    [shortTail, 0, 8],
    [shortTail, 3, 6],
    [layout, 3, 8],
  ])('piece %#', (geometry, index, expected) => {
    expect(pieceLengthOf(geometry, index)).toBe(expected);
  });
});

describe('payloadSpans', () => {
  it('a run touching only zero-length files at a boundary yields the real file', () => {
    const g = layoutFromFiles(
      'z',
      [
        { path: ['x'], lengthBytes: 0 },
        { path: ['y'], lengthBytes: 4 },
        { path: ['w'], lengthBytes: 0 },
      ],
      4,
    );
    expect(payloadSpans(g.files, 0, 4)).toEqual([span(1, 0, 4, 0)]);
  });
});

describe('pieceRangeOfFile', () => {
  it.each([
    [0, { firstPiece: 0, lastPiece: 1 }],
    [1, null],
    [2, { firstPiece: 1, lastPiece: 1 }],
    [3, { firstPiece: 1, lastPiece: 2 }],
    [4, { firstPiece: 2, lastPiece: 3 }],
  ])('file %i', (fileIndex, expected) => {
    expect(pieceRangeOfFile(layout, fileIndex)).toEqual(expected);
  });
});

describe('relativePathOf', () => {
  it('multi-file paths live in the torrent folder; single-file is the name', () => {
    expect(relativePathOf(layout, 3)).toEqual(['t', 'sub', 'deeper', 'd']);
    expect(relativePathOf(shortTail, 0)).toEqual(['s']);
  });
});
