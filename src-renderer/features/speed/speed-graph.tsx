/**
 * Download/upload rate as an SVG line chart. The time axis spans what has been sampled
 * (one sample a second), at least a minute and at most the history's five minutes, so a
 * transfer that started 20 s ago fills the graph instead of a sliver at its right edge.
 */
import type { ReactElement } from 'react';
import { formatRate } from '../../../src-shared/util/format.ts';
import { HISTORY_SAMPLES } from '../../store/speed-history.ts';

const MIN_SPAN_SAMPLES = 60;

function pathOf(values: number[], max: number, span: number, w: number, h: number): string {
  if (values.length === 0) return '';
  const step = w / (span - 1);
  const x0 = w - (values.length - 1) * step;
  return values
    .map(
      (v, i) => `${i === 0 ? 'M' : 'L'}${(x0 + i * step).toFixed(1)},${(h - (v / max) * (h - 4)).toFixed(1)}`,
    )
    .join('');
}

/** "last 45 seconds", "last 2 minutes". */
export function spanText(samples: number): string {
  return samples < 120 ? `last ${samples} seconds` : `last ${Math.round(samples / 60)} minutes`;
}

export function SpeedGraph({ down, up }: { down: number[]; up: number[] }): ReactElement {
  const w = 600;
  const h = 120;
  const span = Math.min(HISTORY_SAMPLES, Math.max(MIN_SPAN_SAMPLES, down.length, up.length));
  const peak = Math.max(0, ...down, ...up);
  const max = Math.max(1024, peak) * 1.1;
  const d = pathOf(down, max, span, w, h);
  const u = pathOf(up, max, span, w, h);
  const spanLabel = spanText(span);
  return (
    <figure className="speed-graph">
      <svg
        viewBox={`0 0 ${w} ${h}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Speed over the ${spanLabel}`}
      >
        {[0.25, 0.5, 0.75].map((f) => (
          <line key={f} x1={0} x2={w} y1={h * f} y2={h * f} className="grid" />
        ))}
        {d && (
          <path
            d={`${d}L${w},${h}L${w - (down.length - 1) * (w / (span - 1))},${h}Z`}
            className="area-down"
          />
        )}
        {d && <path d={d} className="line-down" />}
        {u && <path d={u} className="line-up" />}
      </svg>
      <figcaption>
        <span className="rate-down">↓ {formatRate(down[down.length - 1] ?? 0)}</span>
        <span className="rate-up">↑ {formatRate(up[up.length - 1] ?? 0)}</span>
        <span className="muted">
          {peak > 0 ? `peak ${formatRate(peak)} · ${spanLabel}` : `no traffic in the ${spanLabel}`}
        </span>
      </figcaption>
    </figure>
  );
}
