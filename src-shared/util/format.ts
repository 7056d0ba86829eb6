/** Human-readable numbers for the UI and the CLI. Pure; binary units (KiB = 1024 B). */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${UNITS[u]}`;
}

export function formatRate(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '0 B/s';
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** `45s`, `12m 5s`, `3h 20m`, `2d 4h`; `∞` past 100 days, `–` when unknown. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  if (s < 100 * 86_400) return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
  return '∞';
}

export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio) || ratio < 0) return '–';
  return ratio >= 100 ? ratio.toFixed(0) : ratio.toFixed(2);
}

/** Progress 0..1 as a percentage; never shows 100% before it is complete. */
export function formatPercent(progress: number): string {
  if (!Number.isFinite(progress) || progress <= 0) return '0%';
  if (progress >= 1) return '100%';
  const pct = progress * 100;
  const text = pct < 10 ? pct.toFixed(1) : pct.toFixed(0);
  return `${text === '100' ? '99.9' : text}%`;
}

/** "3 minutes ago" style for announce times; `now` injected for tests. */
export function formatRelative(atMs: number | null, nowMs: number): string {
  if (atMs === null) return '–';
  const d = Math.round((atMs - nowMs) / 1000);
  const abs = Math.abs(d);
  const span =
    abs < 60 ? `${abs}s` : abs < 3600 ? `${Math.round(abs / 60)} min` : `${Math.round(abs / 3600)} h`;
  return d >= 0 ? `in ${span}` : `${span} ago`;
}

/** `1 peer`, `2 peers`, `0 peers`: a count with its noun (English plural with -s). */
export function plural(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}
