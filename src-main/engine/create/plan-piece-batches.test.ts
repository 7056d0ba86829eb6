import { describe, expect, it } from 'vitest';
import { planPieceBatches, type PlannedFile } from './plan-piece-batches.ts';

const f = (absolutePath: string, lengthBytes: number): PlannedFile => ({ absolutePath, lengthBytes });
const plan = (files: PlannedFile[], pieceLength: number, target: number) => [
  ...planPieceBatches(files, pieceLength, target),
];

describe('planPieceBatches', () => {
  it('cuts one file into batches of whole pieces, the last one short', () => {
    expect(plan([f('a', 25)], 4, 9)).toEqual([
      { firstPiece: 0, lengthBytes: 8, spans: [{ path: 'a', offsetBytes: 0, lengthBytes: 8 }] },
      { firstPiece: 2, lengthBytes: 8, spans: [{ path: 'a', offsetBytes: 8, lengthBytes: 8 }] },
      { firstPiece: 4, lengthBytes: 8, spans: [{ path: 'a', offsetBytes: 16, lengthBytes: 8 }] },
      { firstPiece: 6, lengthBytes: 1, spans: [{ path: 'a', offsetBytes: 24, lengthBytes: 1 }] },
    ]);
  });

  it('takes at least one piece per batch when pieces exceed the target', () => {
    expect(plan([f('a', 10)], 8, 3).map((b) => [b.firstPiece, b.lengthBytes])).toEqual([
      [0, 8],
      [1, 2],
    ]);
  });

  it('spans file boundaries and skips empty files', () => {
    const files = [f('a', 3), f('empty', 0), f('b', 6), f('c', 0), f('d', 2), f('tail-empty', 0)];
    expect(plan(files, 4, 4)).toEqual([
      {
        firstPiece: 0,
        lengthBytes: 4,
        spans: [
          { path: 'a', offsetBytes: 0, lengthBytes: 3 },
          { path: 'b', offsetBytes: 0, lengthBytes: 1 },
        ],
      },
      { firstPiece: 1, lengthBytes: 4, spans: [{ path: 'b', offsetBytes: 1, lengthBytes: 4 }] },
      {
        firstPiece: 2,
        lengthBytes: 3,
        spans: [
          { path: 'b', offsetBytes: 5, lengthBytes: 1 },
          { path: 'd', offsetBytes: 0, lengthBytes: 2 },
        ],
      },
    ]);
  });

  it('covers every byte exactly once, in order, for many small files', () => {
    const files = Array.from({ length: 50 }, (_, i) => f(`f${i}`, (i * 37) % 11));
    const total = files.reduce((s, x) => s + x.lengthBytes, 0);
    const batches = plan(files, 4, 16);
    expect(batches.reduce((s, b) => s + b.lengthBytes, 0)).toBe(total);
    const flat = batches.flatMap((b) =>
      b.spans.flatMap((s) =>
        Array.from({ length: s.lengthBytes }, (_, k) => `${s.path}@${s.offsetBytes + k}`),
      ),
    );
    const expected = files.flatMap((x) =>
      Array.from({ length: x.lengthBytes }, (_, k) => `${x.absolutePath}@${k}`),
    );
    expect(flat).toEqual(expected);
    batches.forEach((b, i) => expect(b.firstPiece).toBe(4 * i));
  });

  it('yields nothing for an empty payload', () => {
    expect(plan([], 4, 8)).toEqual([]);
    expect(plan([f('e', 0)], 4, 8)).toEqual([]);
  });
});

describe('planPieceBatches with a taper', () => {
  it('shrinks the last batches to a fraction of what remains, never below one piece', () => {
    // 40 pieces of 4 bytes, batches of up to 8 pieces, each at most 1/2 of the rest.
    const batches = plan4([f('a', 160)], 4, 32, 2);
    expect(batches.map((b) => b.lengthBytes / 4)).toEqual([8, 8, 8, 8, 4, 2, 1, 1]);
    expect(batches.map((b) => b.firstPiece)).toEqual([0, 8, 16, 24, 32, 36, 38, 39]);
    expect(batches.at(-1)!.spans).toEqual([{ path: 'a', offsetBytes: 156, lengthBytes: 4 }]);
  });

  it('still covers every byte exactly once across files', () => {
    const files = Array.from({ length: 30 }, (_, i) => f(`f${i}`, (i * 53) % 17));
    const total = files.reduce((s, x) => s + x.lengthBytes, 0);
    const batches = plan4(files, 4, 40, 3);
    expect(batches.reduce((s, b) => s + b.lengthBytes, 0)).toBe(total);
    let piece = 0;
    for (const b of batches) {
      expect(b.firstPiece).toBe(piece);
      piece += Math.ceil(b.lengthBytes / 4);
    }
    expect(piece).toBe(Math.ceil(total / 4));
  });
});

function plan4(files: PlannedFile[], pieceLength: number, target: number, taper: number) {
  return [...planPieceBatches(files, pieceLength, target, { taper })];
}
