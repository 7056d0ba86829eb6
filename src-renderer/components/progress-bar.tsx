import type { ReactElement } from 'react';
import type { TorrentState } from '../../src-shared/types/torrent.ts';

/** A thin bar; colour follows the torrent state. `role=progressbar` for tests and readers. */
export function ProgressBar({
  value,
  state,
  label,
}: {
  value: number;
  state?: TorrentState;
  label?: string;
}): ReactElement {
  const pct = Math.max(0, Math.min(1, Number.isFinite(value) ? value : 0)) * 100;
  return (
    <div
      className={`progress progress-${state ?? 'downloading'}`}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.floor(pct * 10) / 10}
      aria-label={label}
    >
      <div className="progress-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}
