/** Download/upload rate over the last minutes, as an SVG line chart (≤300 points). */
import type { ReactElement } from 'react';
import { formatRate } from '../../../src-shared/util/format.ts';
import { HISTORY_SAMPLES } from '../../store/speed-history.ts';

function pathOf(values: number[], max: number, w: number, h: number): string {
  if (values.length === 0) return '';
  const step = w / (HISTORY_SAMPLES - 1);
  const x0 = w - (values.length - 1) * step;
  return values.map((v, i) => `${i === 0 ? 'M' : 'L'}${(x0 + i * step).toFixed(1)},${(h - (v / max) * (h - 4)).toFixed(1)}`).join('');
}

export function SpeedGraph({ down, up }: { down: number[]; up: number[] }): ReactElement {
  const w = 600;
  const h = 120;
  const max = Math.max(1024, ...down, ...up) * 1.1;
  const d = pathOf(down, max, w, h);
  const u = pathOf(up, max, w, h);
  return (
    <figure className="speed-graph">
      <svg viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" role="img" aria-label="Speed over the last 5 minutes">
        {[0.25, 0.5, 0.75].map((f) => (
          <line key={f} x1={0} x2={w} y1={h * f} y2={h * f} className="grid" />
        ))}
        {d && <path d={`${d}L${w},${h}L${w - (down.length - 1) * (w / (HISTORY_SAMPLES - 1))},${h}Z`} className="area-down" />}
        {d && <path d={d} className="line-down" />}
        {u && <path d={u} className="line-up" />}
      </svg>
      <figcaption>
        <span className="rate-down">↓ {formatRate(down[down.length - 1] ?? 0)}</span>
        <span className="rate-up">↑ {formatRate(up[up.length - 1] ?? 0)}</span>
        <span className="muted">peak {formatRate(max / 1.1)} · last 5 minutes</span>
      </figcaption>
    </figure>
  );
}
