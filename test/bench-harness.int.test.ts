// Keeps `npm run bench` from rotting: runs the harness in --quick mode (small payload, one
// run per figure) and checks its shape, never its speed (speed lives in docs/BENCHMARKS.md).
// Every figure must report each row either with measured numbers or with an explicit
// reason it is unavailable; the ceilings need nothing but Node, so they must have numbers.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild } from './support/prebuilt.ts';
import { makeTempDir } from './support/temp-dir.ts';

const FIGURE_IDS = [
  'ceilings',
  'create',
  'transfer-1to1',
  'transfer-4to1',
  'memory-scaling',
  'cross-seed',
  'foreign-seeders',
  'daemon-ui-load',
  'swarm',
  'magnet',
  'tracker',
  'daemon-start',
  'many-torrents-10',
  'many-torrents-100',
  'many-torrents-1000',
  'many-torrents-10000',
  'ui-speed',
  'lan-discovery',
  'utp-loopback',
  'utp-netem',
  'stream-play',
];

interface Row {
  id: string;
  subject: string;
  samples: number[];
  median?: number;
  min?: number;
  max?: number;
  unavailable?: string;
}
interface Report {
  figures: { id: string; measurements: Row[] }[];
  ratios: { figure: string; value?: number; unavailable?: string }[];
  machine: { cores: number; versions: Record<string, string> };
}

describe('npm run bench -- --quick', () => {
  let tmp: { dir: string; remove(): Promise<void> };
  let result: { code: number | null; stdout: string; stderr: string };
  let report: Report;

  beforeAll(async () => {
    requireBuild('dist/bench/main.js', 'dist/cli/main.js');
    tmp = await makeTempDir('swarmdrop-bench-test-');
    const jsonFile = path.join(tmp.dir, 'bench.json');
    result = await new Promise((resolve) => {
      const child = spawn(process.execPath, ['dist/bench/main.js', '--quick', '--json', jsonFile], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Generous: the quick run takes about 3 minutes on a 2-core machine shared with other work.
      const timer = setTimeout(() => child.kill('SIGINT'), 300_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
    report = JSON.parse(await readFile(jsonFile, 'utf8')) as Report;
  }, 330_000);

  afterAll(async () => {
    await tmp?.remove();
  });

  it('exits 0 and prints the table with ratios', () => {
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    for (const id of FIGURE_IDS) expect(result.stdout).toContain(`== ${id}:`);
    expect(result.stdout).toContain('== ratios: swarmdrop ÷ each peer');
  });

  it('writes a JSON row for every figure, each with numbers or an explicit reason', () => {
    expect(report.figures.map((f) => f.id)).toEqual(FIGURE_IDS);
    for (const figure of report.figures) {
      expect(figure.measurements.length, figure.id).toBeGreaterThan(0);
      for (const row of figure.measurements) {
        if (row.unavailable !== undefined) {
          expect(row.unavailable.length, row.id).toBeGreaterThan(5);
          expect(row.median, row.id).toBeUndefined();
        } else {
          expect(row.samples.length, row.id).toBeGreaterThan(0);
          for (const v of [row.median, row.min, row.max]) expect(Number.isFinite(v), row.id).toBe(true);
          expect(row.min! <= row.median! && row.median! <= row.max!, row.id).toBe(true);
        }
      }
    }
    for (const r of report.ratios)
      expect(r.value !== undefined || typeof r.unavailable === 'string').toBe(true);
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.versions.node).toBe(process.version);
  });

  // A missing tool makes a row unavailable with its reason; "failed: …" on a Swarmdrop row
  // (or on the row of a figure that threw) means the figure or the product broke (a renderer crash once left ui-speed timing out
  // while this file still passed).
  it('no Swarmdrop row failed', () => {
    const failed = report.figures
      .flatMap((f) => f.measurements)
      .filter((r) => /^(swarmdrop|figure$)/.test(r.subject) && r.unavailable?.startsWith('failed'))
      .map((r) => `${r.id}: ${r.unavailable}`);
    expect(failed).toEqual([]);
  });

  it('measures the ceilings, which need nothing but Node', () => {
    const ceilings = report.figures.find((f) => f.id === 'ceilings')!;
    for (const row of ceilings.measurements) expect(row.median, row.id).toBeGreaterThan(0);
  });

  // CI installs libtorrent, opentracker and webtorrent (.ci/run), so their rows must be real.
  it.runIf(process.env.CI)('measures the reference peers in CI', () => {
    const rows = report.figures.flatMap((f) => f.measurements);
    for (const id of [
      'transfer-1to1/libtorrent/mbps',
      'transfer-1to1/webtorrent/mbps',
      'tracker/opentracker/announces-per-s',
    ]) {
      const row = rows.find((r) => r.id === id);
      expect(row?.median, `${id}: ${row?.unavailable}`).toBeGreaterThan(0);
    }
  });
});
