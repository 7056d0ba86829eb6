// `npm run bench -- --only IDS` with docs on: the figures named are measured again and put
// into the last full run (docs/benchmarks.json) in place of their old results, instead of
// the docs being replaced by a report that holds only them. The report keeps the full
// run's date, machine and duration, lists every re-run with its time and command, and
// recomputes the ratios and targets from the figures it now holds.
import type { BenchReport, Rerun } from './report.ts';
import { ratiosOf, type FigureResult } from './result.ts';
import { checkTargets } from './targets.ts';

/**
 * `previous` (the last full run, as read from its JSON) with `fresh`'s figures in place of
 * the ones of the same id; figures the full run did not have go where `order` puts them.
 */
export function mergeRerun(previous: BenchReport, fresh: BenchReport, order: string[]): BenchReport {
  const byId = new Map<string, FigureResult>(previous.figures.map((f) => [f.id, f]));
  for (const f of fresh.figures) byId.set(f.id, f);
  const rank = (id: string): number => {
    const i = order.indexOf(id);
    return i < 0 ? order.length : i;
  };
  const figures = [...byId.values()].sort((a, b) => rank(a.id) - rank(b.id));
  const rerun: Rerun = {
    figures: fresh.figures.map((f) => f.id),
    at: fresh.generatedAt,
    command: fresh.command,
    ...(fresh.machine.cpuModel !== previous.machine.cpuModel ? { cpuModel: fresh.machine.cpuModel } : {}),
  };
  return {
    ...previous,
    figures,
    ratios: figures.flatMap(ratiosOf),
    targets: checkTargets(figures),
    reruns: [...(previous.reruns ?? []), rerun],
  };
}

/** Whether `value` looks like a report this bench wrote (enough to merge into it). */
export function isBenchReport(value: unknown): value is BenchReport {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<BenchReport>;
  return (
    typeof r.generatedAt === 'string' &&
    typeof r.command === 'string' &&
    Array.isArray(r.figures) &&
    typeof r.machine === 'object' &&
    r.machine !== null &&
    typeof r.durationSec === 'number'
  );
}
