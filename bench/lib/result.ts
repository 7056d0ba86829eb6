// What a figure reports. A measurement is one row of the table: one subject (a client, a
// tool, a ceiling) and one metric, with every counted run's value. A row that could not
// be measured says why in `unavailable`; nothing is ever filled in by hand.

export type Better = 'higher' | 'lower';

export interface Measurement {
  /** Stable key, e.g. `transfer-1to1/libtorrent/mbps`. */
  id: string;
  /** Who was measured: `swarmdrop`, `libtorrent`, `webtorrent`, `transmission`, ... */
  subject: string;
  label: string;
  /** Metric key shared by the rows that may be compared (`mbps`, `cpu-s`, ...). */
  metric: string;
  unit: string;
  better: Better;
  /** Values of the runs that counted (output byte-identical, no error). */
  samples: number[];
  /** Runs that did not count, each with its reason. */
  failures: string[];
  median?: number;
  min?: number;
  max?: number;
  /** Set when there is no value: `not available yet: <reason>` or why every run failed. */
  unavailable?: string;
  note?: string;
}

export interface Ratio {
  figure: string;
  metric: string;
  unit: string;
  better: Better;
  /** swarmdrop's median ÷ this subject's median. */
  against: string;
  value?: number;
  unavailable?: string;
}

export interface FigureResult {
  id: string;
  title: string;
  target?: string;
  measurements: Measurement[];
  notes: string[];
  durationSec: number;
}

export function measurement(
  figure: string,
  subject: string,
  metric: string,
  fields: { label: string; unit: string; better: Better; note?: string },
): Measurement {
  return { id: `${figure}/${subject}/${metric}`, subject, metric, samples: [], failures: [], ...fields };
}

/** Fills median/min/max from the samples, or `unavailable` when no run counted. */
export function summarize(m: Measurement): Measurement {
  if (m.unavailable !== undefined) return m;
  if (m.samples.length === 0) {
    return {
      ...m,
      unavailable: m.failures.length > 0 ? `failed: ${m.failures[0]}` : 'failed: no run counted',
    };
  }
  const sorted = [...m.samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { ...m, median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/**
 * For every metric with a swarmdrop row: swarmdrop ÷ each other client's row. A peer row
 * that is structurally unmeasurable (its own row says why) gets no ratio line.
 */
export function ratiosOf(figure: FigureResult): Ratio[] {
  const out: Ratio[] = [];
  for (const sd of figure.measurements.filter((m) => m.subject === 'swarmdrop')) {
    for (const peer of figure.measurements) {
      if (peer.subject === 'swarmdrop' || peer.metric !== sd.metric) continue;
      if (peer.unavailable?.startsWith('not measurable')) continue;
      const base = {
        figure: figure.id,
        metric: sd.metric,
        unit: sd.unit,
        better: sd.better,
        against: peer.subject,
      };
      if (sd.median === undefined) out.push({ ...base, unavailable: 'swarmdrop row unavailable' });
      else if (peer.median === undefined)
        out.push({ ...base, unavailable: `${peer.subject} row unavailable` });
      else if (peer.median === 0)
        out.push({ ...base, unavailable: `ratio undefined: ${peer.subject} median is 0` });
      else out.push({ ...base, value: sd.median / peer.median });
    }
  }
  return out;
}
