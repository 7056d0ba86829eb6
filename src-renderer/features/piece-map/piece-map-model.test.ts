import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import type { PieceStates } from '../../../src-shared/types/torrent.ts';
import { buildCells, layoutPieceMap } from './piece-map-model.ts';

function states(
  count: number,
  have: number[],
  downloading: number[] = [],
  sources: Record<number, number> = {},
): PieceStates {
  const h = new Bitfield(count);
  have.forEach((i) => h.set(i));
  const d = new Bitfield(count);
  downloading.forEach((i) => d.set(i));
  const src = new Uint8Array(count);
  for (const [p, s] of Object.entries(sources)) src[Number(p)] = s + 1;
  return {
    pieceCount: count,
    haveBase64: h.toBase64(),
    downloadingBase64: d.toBase64(),
    sourcesBase64: btoa(String.fromCharCode(...src)),
    sourcePeers: [
      { index: 0, address: '127.0.0.1:1', client: 'a' },
      { index: 1, address: '127.0.0.1:2', client: 'b' },
    ],
  };
}

describe('layoutPieceMap', () => {
  it('gives one big cell per piece for a small torrent', () => {
    const l = layoutPieceMap(40, 700, 200);
    expect(l).toMatchObject({ cellPx: 14, piecesPerCell: 1, cellCount: 40, cols: 50, rows: 1 });
  });

  it('shrinks cells before binning', () => {
    const l = layoutPieceMap(5000, 700, 220);
    expect(l.piecesPerCell).toBe(1);
    expect(l.rows * l.cellPx).toBeLessThanOrEqual(220);
  });

  it('bins a 50 000-piece torrent so every piece is in exactly one cell and it fits', () => {
    const l = layoutPieceMap(50_000, 700, 200);
    expect(l.piecesPerCell).toBeGreaterThan(1);
    expect(l.cellCount * l.piecesPerCell).toBeGreaterThanOrEqual(50_000);
    expect((l.cellCount - 1) * l.piecesPerCell).toBeLessThan(50_000);
    expect(l.rows * l.cellPx).toBeLessThanOrEqual(200);
  });
});

describe('buildCells', () => {
  it('marks have, downloading and missing per piece', () => {
    const c = buildCells(states(4, [0, 3], [1]), 1);
    expect([...c.have]).toEqual([1, 0, 0, 1]);
    expect([...c.downloading]).toEqual([0, 1, 0, 0]);
    expect(c.haveCount).toBe(2);
  });

  it('a piece we have is not shown as downloading', () => {
    const c = buildCells(states(2, [0], [0]), 1);
    expect(c.downloading[0]).toBe(0);
  });

  it('bins: fraction of pieces had, dominant source wins', () => {
    const c = buildCells(states(10, [0, 1, 2, 5], [], { 0: 1, 1: 1, 2: 0, 5: 0 }), 4);
    expect(c.have.length).toBe(3);
    expect(c.have[0]).toBeCloseTo(0.75);
    expect(c.have[1]).toBeCloseTo(0.25);
    expect(c.have[2]).toBe(0);
    expect([...c.source]).toEqual([1, 0, -1]);
  });

  it('unknown sources stay -1 (verified before this session)', () => {
    const c = buildCells(states(3, [0, 1, 2]), 1);
    expect([...c.source]).toEqual([-1, -1, -1]);
  });
});
