// UI speed (target: 500 torrents and a 50 000-piece torrent stay smooth): the real
// renderer build (dist/renderer) in Debian's headless Chromium, fed by a scripted host
// through the same bridge the Electron preload exposes. 500 torrents all change 10 times
// a second and the selected 50 000-piece torrent's detail (piece map, peers, files) is
// pushed 4 times a second, the service's own rates. Each run is a fresh browser; each row
// holds one statistic per run (the table shows its median, min and max over the runs).
// Alone: `node dist/bench/main.js --only ui-speed --no-docs`.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BrowserType } from 'playwright-core';
import type { Figure } from '../lib/figure.ts';
import { measurement, type Measurement } from '../lib/result.ts';
import { findTool } from '../../harness/tools.ts';
import { LONG_FRAME_MS, measureUiSpeed, type UiSpeedRun } from '../lib/ui/measure-ui-speed.ts';

const ID = 'ui-speed';
const TORRENTS = 500;
const PIECES = 50_000;

interface Row {
  metric: string;
  label: string;
  unit: string;
  value(r: UiSpeedRun): number;
}

const ROWS: Row[] = [
  {
    metric: 'list-median-ms',
    label: `${TORRENTS}-torrent batch → painted, median`,
    unit: 'ms',
    value: (r) => r.listUpdateMs.median,
  },
  {
    metric: 'list-p95-ms',
    label: `${TORRENTS}-torrent batch → painted, p95`,
    unit: 'ms',
    value: (r) => r.listUpdateMs.p95,
  },
  {
    metric: 'detail-median-ms',
    label: `${PIECES.toLocaleString('en')}-piece detail → painted, median`,
    unit: 'ms',
    value: (r) => r.detailUpdateMs.median,
  },
  {
    metric: 'detail-p95-ms',
    label: `${PIECES.toLocaleString('en')}-piece detail → painted, p95`,
    unit: 'ms',
    value: (r) => r.detailUpdateMs.p95,
  },
  { metric: 'frame-median-ms', label: 'frame time, median', unit: 'ms', value: (r) => r.frameMs.median },
  { metric: 'frame-p95-ms', label: 'frame time, p95', unit: 'ms', value: (r) => r.frameMs.p95 },
  {
    metric: 'long-frames-pct',
    label: `long frames (> ${LONG_FRAME_MS} ms), share of all frames`,
    unit: '%',
    value: (r) => (100 * r.longFrames) / Math.max(1, r.frameMs.count),
  },
];

export const uiSpeed: Figure = {
  id: ID,
  title: `UI: ${TORRENTS} torrents at 10 batches/s + a ${PIECES.toLocaleString('en')}-piece detail at 4/s`,
  target: `${TORRENTS} torrents and a ${PIECES.toLocaleString('en')}-piece torrent stay smooth`,
  async run(ctx) {
    const rows: Measurement[] = ROWS.map((r) =>
      measurement(ID, 'swarmdrop', r.metric, { label: r.label, unit: r.unit, better: 'lower' }),
    );
    const rendererDir = path.join(ctx.repoRoot, 'dist/renderer');
    const chromiumPath = findTool('chromium') ?? findTool('chromium-browser');
    let chromium: BrowserType | undefined;
    let reason: string | undefined;
    if (!existsSync(path.join(rendererDir, 'index.html')))
      reason = 'dist/renderer is not built (`npm run bench` builds it; a --no-renderer build skips it)';
    else if (!chromiumPath) reason = 'Chromium not found (Debian package chromium), needed to render the UI';
    else {
      try {
        chromium = (await import('playwright-core')).chromium;
      } catch (err) {
        reason = `playwright-core cannot be loaded: ${(err as Error).message}`;
      }
    }
    if (reason || !chromium || !chromiumPath) {
      for (const m of rows) m.unavailable = reason ?? 'unavailable';
      return { measurements: rows, notes: [] };
    }

    const durationMs = ctx.options.quick ? 2_000 : 10_000;
    const notes: string[] = [];
    for (let run = 1; run <= ctx.options.runs; run++) {
      try {
        const r = await measureUiSpeed({
          rendererDir,
          chromium,
          chromiumPath,
          torrents: TORRENTS,
          pieces: PIECES,
          durationMs,
        });
        ROWS.forEach((row, i) => rows[i]!.samples.push(row.value(r)));
        const line =
          `run ${run}: ${r.listUpdateMs.count} batches (max ${r.listUpdateMs.max.toFixed(1)} ms), ` +
          `${r.detailUpdateMs.count} detail pushes (max ${r.detailUpdateMs.max.toFixed(1)} ms), ` +
          `${r.frameMs.count} frames (max ${r.frameMs.max.toFixed(1)} ms, ${r.longFrames} over ${LONG_FRAME_MS} ms)`;
        notes.push(line);
        ctx.log(`  ${line}`);
      } catch (err) {
        const why = `run ${run}: ${(err as Error).message.split('\n')[0]}`;
        for (const m of rows) m.failures.push(why);
        ctx.log(`  ${why}`);
      }
    }
    return {
      measurements: rows,
      notes: [
        `The renderer build in headless Chromium (${chromiumPath}, --disable-gpu, 1280×860), fed by a scripted ` +
          `host through the preload bridge: every ${TORRENTS} torrents change 10×/s, and the selected torrent's ` +
          `${PIECES.toLocaleString('en')}-piece detail is pushed 4×/s; ${durationMs / 1000} s per run, a fresh browser ` +
          'per run. "→ painted" is from handing the batch to the page to the end of the next frame (it includes ' +
          'waiting for that frame, up to one 16.7 ms vsync); frame time is the rAF interval. No engine is involved.',
        ...notes,
      ],
    };
  },
};
