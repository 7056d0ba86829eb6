// The outputs of a run: the console table, docs/BENCHMARKS.md and the raw JSON. Each row
// shows median, min and max of the counted runs, or why it has no value.
import type { MachineInfo } from './machine.ts';
import type { BenchOptions } from './options.ts';
import type { FigureResult, Measurement, Ratio } from './result.ts';
import type { TargetCheck } from './targets.ts';

export interface Rerun {
  figures: string[];
  at: string;
  command: string;
  /** The machine's CPU, when it differs from the full run's (the VM may have moved). */
  cpuModel?: string;
}

export interface BenchReport {
  generatedAt: string;
  command: string;
  options: BenchOptions;
  machine: MachineInfo;
  figures: FigureResult[];
  ratios: Ratio[];
  targets: TargetCheck[];
  durationSec: number;
  /** Figures measured again since the full run and merged into it (bench/lib/rerun.ts). */
  reruns?: Rerun[];
}

export function fmt(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '-';
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 100) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

const arrow = (m: { better: string }): string => (m.better === 'higher' ? '↑' : '↓');

function cells(m: Measurement): string[] {
  const runs = `${m.samples.length}/${m.samples.length + m.failures.length || 0}`;
  if (m.median === undefined)
    return [m.label, `${m.unit} ${arrow(m)}`, `unavailable: ${m.unavailable ?? '?'}`, '', '', ''];
  return [m.label, `${m.unit} ${arrow(m)}`, fmt(m.median), fmt(m.min), fmt(m.max), runs];
}

export function consoleTable(report: BenchReport): string {
  const lines: string[] = [];
  const head = ['row', 'unit', 'median', 'min', 'max', 'runs'];
  for (const f of report.figures) {
    lines.push('', `== ${f.id}: ${f.title}`);
    const rows = f.measurements.map(cells);
    const widths = head.map((h, i) =>
      Math.max(h.length, ...rows.map((r) => (r[2]!.startsWith('unavailable') && i >= 2 ? 0 : r[i]!.length))),
    );
    const line = (r: string[]): string =>
      r[2]!.startsWith('unavailable')
        ? `  ${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]}`
        : `  ${r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`;
    lines.push(line(head), ...rows.map(line));
  }
  lines.push(
    '',
    '== ratios: swarmdrop ÷ each peer (median ÷ median; ↑ = higher is better, ↓ = lower is better)',
  );
  if (report.ratios.length === 0)
    lines.push('  (no figure in this run has a swarmdrop row and a peer row of the same metric)');
  for (const r of report.ratios) {
    lines.push(
      `  ${r.figure.padEnd(14)} ${`${r.metric} ${arrow(r)}`.padEnd(20)} ÷ ${r.against.padEnd(20)} ${r.value !== undefined ? `${r.value.toFixed(2)}×` : `unavailable: ${r.unavailable}`}`,
    );
  }
  if (report.targets.length > 0) {
    lines.push('', '== targets');
    for (const t of report.targets)
      lines.push(`  ${t.verdict.padEnd(11)} ${t.target.padEnd(44)} ${t.measured}`);
  }
  return lines.join('\n');
}

export function markdown(report: BenchReport): string {
  const m = report.machine;
  const out: string[] = [
    '# Swarmdrop benchmarks',
    '',
    `Latest full run of \`npm run bench\`, ${report.generatedAt}, ${report.durationSec.toFixed(0)} s in all.`,
    ...(report.reruns ?? []).map(
      (r) =>
        `Measured again since, in place of the full run’s results: ${r.figures.join(', ')} (${r.at}, \`${r.command}\`${r.cpuModel ? `, on ${r.cpuModel}` : ''}).`,
    ),
    'Everything runs on 127.0.0.1 with DHT, LSD, UPnP/NAT-PMP and public trackers off in every client. ' +
      'Raw numbers: [benchmarks.json](benchmarks.json). Rows marked unavailable say why; none is estimated.',
    '',
    '## Machine',
    '',
    `- CPU: ${m.cpuModel}, ${m.cores} cores; memory ${m.memGiB} GiB; ${m.kernel}`,
    ...Object.entries(m.versions).map(([k, v]) => `- ${k}: ${v}`),
    '',
    'The machine is shared with other work, so absolute numbers carry noise; the ratios come from the same run.',
    '',
    '## Commands',
    '',
    '```sh',
    report.command,
    `# options: runs=${report.options.runs}, size=${report.options.sizeMiB} MiB${report.options.only.length ? `, only=${report.options.only.join(',')}` : ''}`,
    'npm run bench -- --quick   # CI: small payload, 1 run each, writes no docs',
    '```',
    '',
    '## Targets',
    '',
    '| target | measured | verdict |',
    '|---|---|---|',
    ...report.targets.map((t) => `| ${t.target} | ${t.measured} | ${t.verdict} |`),
    '',
    '## Ratios: Swarmdrop ÷ each peer',
    '',
    '| figure | metric | against | ratio |',
    '|---|---|---|---|',
    ...report.ratios.map(
      (r) =>
        `| ${r.figure} | ${r.metric} ${arrow(r)} | ${r.against} | ${r.value !== undefined ? `${r.value.toFixed(2)}×` : `unavailable: ${r.unavailable}`} |`,
    ),
  ];
  if (report.ratios.length === 0)
    out.push('| – | – | – | no figure has a Swarmdrop row and a peer row of the same metric |');
  for (const f of report.figures) {
    out.push('', `## ${f.id}: ${f.title}`, '');
    if (f.target) out.push(`Target: ${f.target}`, '');
    out.push('| row | unit | median | min | max | runs |', '|---|---|---:|---:|---:|---:|');
    for (const row of f.measurements) {
      const c = cells(row);
      out.push(row.median === undefined ? `| ${c[0]} | ${c[1]} | ${c[2]} | | | |` : `| ${c.join(' | ')} |`);
    }
    if (f.notes.length) out.push('', ...f.notes.map((n) => `- ${n}`));
    const failed = f.measurements.flatMap((row) =>
      row.median !== undefined ? row.failures.map((x) => `${row.label}: ${x}`) : [],
    );
    if (failed.length) out.push('', 'Runs that did not count:', ...failed.map((x) => `- ${x}`));
  }
  out.push('');
  return out.join('\n');
}
