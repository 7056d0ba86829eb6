// One UI speed run: serve the renderer build on 127.0.0.1:0, open it in
// headless Chromium with the scripted host installed before the app loads, select the
// 50 000-piece torrent so its piece map is on screen, then let `runInPage` push batches
// for `durationMs` and collect the timings. No engine: this measures the renderer only.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { BrowserType } from 'playwright-core';
import { readStatic } from '../../../src-main/daemon/static-files.ts';
import { CHROMIUM_ARGS } from '../../../harness/chromium-args.ts';
import { installScriptedHost, runInPage } from './scripted-host.ts';

export interface UiSpeedOptions {
  rendererDir: string;
  chromium: BrowserType;
  chromiumPath: string;
  torrents: number;
  pieces: number;
  durationMs: number;
}

export interface Spread {
  median: number;
  p95: number;
  max: number;
  count: number;
}

export interface UiSpeedRun {
  /** Torrents batch delivered → next painted frame. */
  listUpdateMs: Spread;
  /** Detail (piece map) delivered → next painted frame. */
  detailUpdateMs: Spread;
  /** rAF-to-rAF intervals over the whole run. */
  frameMs: Spread;
  /** Frames longer than 50 ms (three missed 60 Hz vsyncs): visible stutter. */
  longFrames: number;
}

/** Nearest-rank percentiles (no interpolation: every value reported was observed). */
export function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const rank = (q: number): number => s[Math.max(0, Math.ceil(q * s.length) - 1)] ?? NaN;
  return { median: rank(0.5), p95: rank(0.95), max: s[s.length - 1] ?? NaN, count: s.length };
}

export const LONG_FRAME_MS = 50;

export async function measureUiSpeed(o: UiSpeedOptions): Promise<UiSpeedRun> {
  const rendererDir = path.resolve(o.rendererDir);
  const server = http.createServer((req, res) => {
    void readStatic(rendererDir, new URL(req.url ?? '/', 'http://127.0.0.1').pathname).then(
      (f) => {
        if (!f) res.writeHead(404).end();
        else res.writeHead(200, { 'Content-Type': f.contentType }).end(f.body);
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const browser = await o.chromium.launch({
      executablePath: o.chromiumPath,
      args: CHROMIUM_ARGS,
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
      await page.addInitScript(installScriptedHost, { torrents: o.torrents, pieces: o.pieces });
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const bigRow = page.locator('.transfer-row').first();
      await bigRow.waitFor({ timeout: 30_000 });
      await bigRow.click();
      await page.evaluate(() =>
        (globalThis as unknown as { __uiBench: { pushDetail(t: number): void } }).__uiBench.pushDetail(0),
      );
      await page.getByTestId('piece-map').waitFor({ timeout: 30_000 });
      const r = await page.evaluate(runInPage, o.durationMs);
      return {
        listUpdateMs: spread(r.list),
        detailUpdateMs: spread(r.detail),
        frameMs: spread(r.frames),
        longFrames: r.frames.filter((x) => x > LONG_FRAME_MS).length,
      };
    } finally {
      await browser.close();
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
