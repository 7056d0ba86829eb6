/**
 * Piece map geometry and cell states, pure so it is tested without a canvas. One cell
 * per piece while that fits; past that, pieces are binned `piecesPerCell` to a cell and a
 * cell shows the share of them we have (DESIGN: 100 000 pieces stay cheap).
 */
import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import type { PieceStates } from '../../../src-shared/types/torrent.ts';

export interface PieceMapLayout {
  cellPx: number;
  gapPx: number;
  cols: number;
  rows: number;
  piecesPerCell: number;
  cellCount: number;
}

const CELL_SIZES = [14, 12, 10, 8, 6, 5, 4, 3];

export function layoutPieceMap(pieceCount: number, widthPx: number, maxHeightPx: number): PieceMapLayout {
  const w = Math.max(widthPx, 30);
  for (const cellPx of CELL_SIZES) {
    const cols = Math.floor(w / cellPx);
    const rows = Math.ceil(pieceCount / cols);
    if (rows * cellPx <= maxHeightPx)
      return { cellPx, gapPx: cellPx >= 5 ? 1 : 0, cols, rows, piecesPerCell: 1, cellCount: pieceCount };
  }
  const cellPx = 4;
  const cols = Math.floor(w / cellPx);
  const maxRows = Math.max(1, Math.floor(maxHeightPx / cellPx));
  const piecesPerCell = Math.ceil(pieceCount / (cols * maxRows));
  const cellCount = Math.ceil(pieceCount / piecesPerCell);
  return { cellPx, gapPx: 0, cols, rows: Math.ceil(cellCount / cols), piecesPerCell, cellCount };
}

export interface PieceCells {
  /** Share of the cell's pieces we have, 0..1. */
  have: Float32Array;
  /** 1 when any piece of the cell is being downloaded. */
  downloading: Uint8Array;
  /** Dominant source of the cell's have-pieces: index into sourcePeers, -1 unknown. */
  source: Int16Array;
  /** Pieces we have in total. */
  haveCount: number;
}

export function decodeBase64(base64: string): Uint8Array {
  const s = atob(base64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function buildCells(pieces: PieceStates, piecesPerCell: number): PieceCells {
  const n = pieces.pieceCount;
  const cellCount = Math.ceil(n / piecesPerCell);
  const have = Bitfield.fromBase64(n, pieces.haveBase64);
  const downloading = Bitfield.fromBase64(n, pieces.downloadingBase64);
  const sources = decodeBase64(pieces.sourcesBase64);
  const out: PieceCells = {
    have: new Float32Array(cellCount),
    downloading: new Uint8Array(cellCount),
    source: new Int16Array(cellCount).fill(-1),
    haveCount: 0,
  };
  const tally = new Uint16Array(256);
  const touched: number[] = [];
  for (let c = 0; c < cellCount; c++) {
    const from = c * piecesPerCell;
    const to = Math.min(n, from + piecesPerCell);
    let h = 0;
    for (let p = from; p < to; p++) {
      if (have.get(p)) {
        h++;
        const s = sources[p] ?? 0;
        if (s > 0) {
          if (tally[s] === 0) touched.push(s);
          tally[s]!++;
        }
      } else if (downloading.get(p)) out.downloading[c] = 1;
    }
    out.have[c] = h / (to - from);
    out.haveCount += h;
    let best = 0;
    for (const s of touched) if (best === 0 || tally[s]! > tally[best]!) best = s;
    for (const s of touched) tally[s] = 0;
    touched.length = 0;
    out.source[c] = best - 1;
  }
  return out;
}

/** Distinct, readable hues for source peers (same order in the legend). */
// No green or amber: those mean "have (source unknown)" and "downloading".
export const SOURCE_COLORS = [
  '#3b82f6',
  '#a855f7',
  '#ec4899',
  '#06b6d4',
  '#6366f1',
  '#f43f5e',
  '#0ea5e9',
  '#d946ef',
];

export function sourceColor(index: number): string {
  return SOURCE_COLORS[index % SOURCE_COLORS.length]!;
}
