// `npm run bench -- --only IDS` merges its figures into the last full run instead of
// replacing the docs with a report that holds only them.
import { describe, expect, it } from 'vitest';
import { markdown, type BenchReport } from './report.ts';
import { isBenchReport, mergeRerun } from './rerun.ts';
import { measurement, summarize, type FigureResult } from './result.ts';
import { parseOptions } from './options.ts';

function figure(id: string, swarmdropMbps: number): FigureResult {
  const m = measurement(id, 'swarmdrop', 'mbps', { label: 'MB/s', unit: 'MB/s', better: 'higher' });
  m.samples.push(swarmdropMbps);
  return { id, title: `${id} title`, measurements: [summarize(m)], notes: [], durationSec: 1 };
}

function report(generatedAt: string, figures: FigureResult[], cpuModel = 'Test CPU'): BenchReport {
  return {
    generatedAt,
    command: 'npm run bench',
    options: parseOptions([]),
    machine: { cpuModel, cores: 2, memGiB: 8, kernel: 'Linux', versions: {} },
    figures,
    ratios: [],
    targets: [],
    durationSec: 100,
  };
}

describe('bench re-runs merged into the full run', () => {
  const order = ['ceilings', 'create', 'ui-speed', 'stream-play'];
  const full = report('2026-01-01T00:00:00.000Z', [figure('ceilings', 1), figure('ui-speed', 2)]);

  it('replaces the figure re-run, keeps the rest and the full run’s date, and says what was re-run', () => {
    const fresh = {
      ...report('2026-01-02T00:00:00.000Z', [figure('ui-speed', 5)], 'Other CPU'),
      command: 'npm run bench -- --only ui-speed',
    };
    const merged = mergeRerun(full, fresh, order);
    expect(merged.generatedAt).toBe(full.generatedAt);
    expect(merged.figures.map((f) => [f.id, f.measurements[0]!.median])).toEqual([
      ['ceilings', 1],
      ['ui-speed', 5],
    ]);
    expect(merged.reruns).toEqual([
      {
        figures: ['ui-speed'],
        at: fresh.generatedAt,
        command: 'npm run bench -- --only ui-speed',
        cpuModel: 'Other CPU',
      },
    ]);
    expect(markdown(merged)).toContain(
      'Measured again since, in place of the full run’s results: ui-speed (2026-01-02T00:00:00.000Z, `npm run bench -- --only ui-speed`, on Other CPU).',
    );
  });

  it('puts a figure the full run lacked where the figure list has it, and keeps earlier re-runs', () => {
    const once = mergeRerun(full, report('2026-01-02T00:00:00.000Z', [figure('create', 3)]), order);
    const twice = mergeRerun(once, report('2026-01-03T00:00:00.000Z', [figure('stream-play', 4)]), order);
    expect(twice.figures.map((f) => f.id)).toEqual(['ceilings', 'create', 'ui-speed', 'stream-play']);
    expect(twice.reruns?.map((r) => r.figures)).toEqual([['create'], ['stream-play']]);
  });

  it('recognises a report it wrote and refuses other JSON', () => {
    expect(isBenchReport(JSON.parse(JSON.stringify(full)))).toBe(true);
    for (const other of [null, [], { figures: [] }, { ...full, machine: null }])
      expect(isBenchReport(other)).toBe(false);
  });
});
