/**
 * The piece map: a canvas, one cell per piece (binned past what fits), coloured have /
 * downloading / missing, have-cells tinted by the peer they came from. Redrawn only
 * when the pieces or the size change; 50 000 pieces draw in a few milliseconds.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import type { PieceStates } from '../../../src-shared/types/torrent.ts';
import {
  buildCells,
  layoutPieceMap,
  sourceColor,
  type PieceCells,
  type PieceMapLayout,
} from './piece-map-model.ts';

const MAX_HEIGHT_PX = 180;

function draw(
  canvas: HTMLCanvasElement,
  layout: PieceMapLayout,
  cells: PieceCells,
  colourBySource: boolean,
): void {
  const dpr = window.devicePixelRatio || 1;
  const w = layout.cols * layout.cellPx;
  const h = layout.rows * layout.cellPx;
  canvas.width = Math.max(1, Math.round(w * dpr));
  canvas.height = Math.max(1, Math.round(h * dpr));
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const css = getComputedStyle(canvas);
  const missing = css.getPropertyValue('--piece-missing').trim() || '#e5e7eb';
  const have = css.getPropertyValue('--piece-have').trim() || '#22c55e';
  const downloading = css.getPropertyValue('--piece-downloading').trim() || '#f59e0b';
  ctx.clearRect(0, 0, w, h);
  const size = layout.cellPx - layout.gapPx;
  // Group by colour: one fillStyle change per colour, not per cell.
  const groups = new Map<string, number[]>();
  const put = (colour: string, c: number) => {
    let g = groups.get(colour);
    if (!g) groups.set(colour, (g = []));
    g.push(c);
  };
  const partial: number[] = [];
  for (let c = 0; c < layout.cellCount; c++) {
    const f = cells.have[c]!;
    if (f >= 1) put(colourBySource && cells.source[c]! >= 0 ? sourceColor(cells.source[c]!) : have, c);
    else if (cells.downloading[c]) put(downloading, c);
    else {
      put(missing, c);
      if (f > 0) partial.push(c);
    }
  }
  for (const [colour, list] of groups) {
    ctx.fillStyle = colour;
    for (const c of list)
      ctx.fillRect(
        (c % layout.cols) * layout.cellPx,
        Math.floor(c / layout.cols) * layout.cellPx,
        size,
        size,
      );
  }
  // Binned cells we partly have: the have colour, as strong as the share we have.
  ctx.fillStyle = have;
  for (const c of partial) {
    ctx.globalAlpha = 0.25 + 0.75 * cells.have[c]!;
    ctx.fillRect((c % layout.cols) * layout.cellPx, Math.floor(c / layout.cols) * layout.cellPx, size, size);
  }
  ctx.globalAlpha = 1;
}

/** The theme in force (`data-theme` on the root element, set by the app's theme hook). */
function useThemeName(): string {
  const [theme, setTheme] = useState(() => document.documentElement.dataset.theme ?? '');
  useEffect(() => {
    const root = document.documentElement;
    const observer = new MutationObserver(() => setTheme(root.dataset.theme ?? ''));
    observer.observe(root, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
  return theme;
}

export function PieceMap({ pieces }: { pieces: PieceStates }): ReactElement {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(600);
  const [bySource, setBySource] = useState(true);
  const theme = useThemeName();
  useLayoutEffect(() => {
    const el = wrap.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const layout = useMemo(
    () => layoutPieceMap(pieces.pieceCount, width, MAX_HEIGHT_PX),
    [pieces.pieceCount, width],
  );
  const cells = useMemo(() => buildCells(pieces, layout.piecesPerCell), [pieces, layout.piecesPerCell]);
  useEffect(() => {
    if (canvas.current) draw(canvas.current, layout, cells, bySource);
    // The colours come from CSS variables read at draw time, so a theme change redraws.
  }, [layout, cells, bySource, theme]);
  const full = cells.haveCount === pieces.pieceCount;
  return (
    <div className="piece-map" ref={wrap}>
      <canvas
        ref={canvas}
        role="img"
        aria-label={`Piece map: ${cells.haveCount} of ${pieces.pieceCount} pieces`}
        data-testid="piece-map"
        data-pieces={pieces.pieceCount}
        data-have={cells.haveCount}
        data-full={full ? 'true' : 'false'}
      />
      <div className="legend">
        <span>
          <i className="sw sw-have" />{' '}
          {bySource && pieces.sourcePeers.length > 0 ? 'Have (from disk)' : 'Have'}
        </span>
        <span>
          <i className="sw sw-downloading" /> Downloading
        </span>
        <span>
          <i className="sw sw-missing" /> Missing
        </span>
        {layout.piecesPerCell > 1 && <span className="muted">1 cell = {layout.piecesPerCell} pieces</span>}
        {pieces.sourcePeers.length > 0 && (
          <label className="check small">
            <input type="checkbox" checked={bySource} onChange={(e) => setBySource(e.target.checked)} />{' '}
            Colour by source
          </label>
        )}
        {bySource &&
          pieces.sourcePeers.slice(0, 8).map((p, i) => (
            <span key={p.index} title={p.client}>
              <i className="sw" style={{ background: sourceColor(i) }} /> {p.address}
            </span>
          ))}
      </div>
    </div>
  );
}
