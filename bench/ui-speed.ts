/**
 * UI speed (issue #6): the real renderer build in Debian's headless Chromium, fed by a
 * scripted host through the same bridge the Electron preload exposes. 500 torrents all
 * change 10 times a second (the service's batch rate) while the detail of a 50 000-piece
 * torrent is pushed 4 times a second (the detail rate). Measured in the page:
 *  - update cost: from delivering one batch to the next painted frame;
 *  - frame time: rAF intervals over the whole run (p95, and frames over 50 ms).
 * No engine: this measures the renderer only (the engine has its own figures).
 *
 *   npx esbuild bench/ui-speed.ts --bundle --platform=node --format=esm --packages=external \
 *     --outfile=dist/bench/ui-speed.js && node dist/bench/ui-speed.js
 * or import `uiSpeedFigure` into bench/main.ts's FIGURES.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { readStatic } from '../src-main/daemon/static-files.ts';
import type { Figure } from './lib/figure.ts';
import { measurement, type Measurement } from './lib/result.ts';

export interface UiSpeedOptions {
  rendererDir: string;
  torrents?: number;
  pieces?: number;
  durationMs?: number;
  chromiumPath?: string;
}

export interface UiSpeedReport {
  torrents: number;
  pieces: number;
  listUpdateMs: { median: number; p95: number; max: number; samples: number };
  detailUpdateMs: { median: number; p95: number; max: number; samples: number };
  frameMs: { median: number; p95: number; max: number; over50: number; frames: number };
}

/** Installed in the page before the renderer loads: a host that scripts the events. */
function installScriptedHost(args: { torrents: number; pieces: number }): void {
  type Listener = (payload: unknown) => void;
  const g = globalThis as unknown as Record<string, unknown>;
  const listeners = new Map<string, Set<Listener>>();
  const emit = (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
  const hex = (i: number) => i.toString(16).padStart(40, '0');
  const summary = (i: number, tick: number) => {
    const total = 1_000_000_000 + i * 1000;
    const progress = Math.min(1, ((i * 37 + tick) % 1000) / 1000);
    return {
      id: hex(i),
      name: i === 0 ? 'Big torrent (50 000 pieces).iso' : `Torrent ${i}.bin`,
      state: progress >= 1 ? 'seeding' : 'downloading',
      progress,
      totalBytes: total,
      verifiedBytes: Math.floor(total * progress),
      downloadedBytes: Math.floor(total * progress),
      uploadedBytes: tick * 1000,
      downRateBps: 100_000 + ((i * 7919 + tick * 104_729) % 2_000_000),
      upRateBps: (i * 31 + tick) % 500_000,
      peers: i % 40,
      seeds: i % 7,
      etaSec: 100 + (i % 1000),
      ratio: 0.5,
      savePath: '/downloads',
      addedAt: 1_700_000_000_000 - i * 1000,
      completedAt: null,
    };
  };
  const pieceCount = args.pieces;
  const have = new Uint8Array(Math.ceil(pieceCount / 8));
  const b64 = (bytes: Uint8Array) => {
    let s = '';
    for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
    return btoa(s);
  };
  const sources = new Uint8Array(pieceCount);
  const detail = (tick: number) => {
    // 500 more pieces verified per push, from one of 3 peers.
    for (let k = 0; k < 500; k++) {
      const p = (tick * 500 + k) % pieceCount;
      have[p >> 3]! |= 0x80 >> (p & 7);
      sources[p] = 1 + (p % 3);
    }
    const downloading = new Uint8Array(have.length);
    for (let k = 0; k < 64; k++) {
      const p = (tick * 500 + 500 + k) % pieceCount;
      downloading[p >> 3]! |= 0x80 >> (p & 7);
    }
    return {
      summary: summary(0, tick),
      infoHashHex: hex(0),
      magnet: `magnet:?xt=urn:btih:${hex(0)}`,
      pieceLengthBytes: 262_144,
      pieces: {
        pieceCount,
        haveBase64: b64(have),
        downloadingBase64: b64(downloading),
        sourcesBase64: b64(sources),
        sourcePeers: [0, 1, 2].map((index) => ({
          index,
          address: `10.0.0.${index + 2}:6881`,
          client: 'Swarmdrop 0.1',
        })),
      },
      files: [{ path: ['big.iso'], lengthBytes: 13_107_200_000, verifiedBytes: 0, progress: 0 }],
      peers: [0, 1, 2].map((index) => ({
        index,
        address: `10.0.0.${index + 2}:6881`,
        client: 'Swarmdrop 0.1',
        peerIdHex: hex(index),
        downRateBps: 1_000_000,
        upRateBps: 0,
        downloadedBytes: 1,
        uploadedBytes: 0,
        progress: 1,
        requestsInFlight: 8,
        flags: {
          amChoking: true,
          peerChoking: false,
          amInterested: true,
          peerInterested: false,
          snubbed: false,
          incoming: false,
          encrypted: false,
          optimistic: false,
        },
      })),
      trackers: [],
      private: false,
    };
  };
  const info = {
    version: 'bench',
    host: 'electron',
    listeningPort: 6881,
    embeddedTracker: { running: false, port: null, shareAddresses: [], error: null },
    overridden: [],
    trackers: [],
    dataDir: '/d',
    downloadDir: '/d/downloads',
    shareDir: '/d/shared',
  };
  const settings = {
    downloadDir: '/d/downloads',
    peerPort: 6881,
    trackers: [],
    embeddedTracker: { enabled: false, port: 6969, advertiseHost: 'auto' },
    rateLimits: { downloadBps: 0, uploadBps: 0 },
    theme: 'dark',
    notifyOnComplete: false,
  };
  const all = Array.from({ length: args.torrents }, (_, i) => summary(i, 0));
  g.swarmdrop = {
    invoke: async (command: string) => {
      const response =
        command === 'getAppInfo'
          ? info
          : command === 'getSettings'
            ? settings
            : command === 'getTorrents'
              ? all
              : null;
      return { ok: true, response };
    },
    on(event: string, l: Listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(l);
      return () => set.delete(l);
    },
    pathForFile: () => '',
  };
  g.__uiBench = {
    pushTorrents(tick: number) {
      emit('torrents', {
        changed: Array.from({ length: args.torrents }, (_, i) => summary(i, tick)),
        removed: [],
      });
    },
    pushDetail(tick: number) {
      emit('detail', detail(tick));
    },
  };
}

/** Runs in the page: schedules pushes at 10/s and 4/s, records update and frame times. */
async function runInPage(
  durationMs: number,
): Promise<{ list: number[]; detail: number[]; frames: number[] }> {
  const g = globalThis as unknown as {
    __uiBench: { pushTorrents(t: number): void; pushDetail(t: number): void };
    requestAnimationFrame(cb: (t: number) => void): number;
    MessageChannel: new () => {
      port1: { onmessage: (() => void) | null };
      port2: { postMessage(v: unknown): void };
    };
  };
  // After the next paint: rAF runs before it, a message posted from rAF runs after it.
  const painted = () =>
    new Promise<void>((resolve) =>
      g.requestAnimationFrame(() => {
        const ch = new g.MessageChannel();
        ch.port1.onmessage = () => resolve();
        ch.port2.postMessage(null);
      }),
    );
  const list: number[] = [];
  const detail: number[] = [];
  const frames: number[] = [];
  let running = true;
  let last = performance.now();
  const loop = (t: number) => {
    frames.push(t - last);
    last = t;
    if (running) g.requestAnimationFrame(loop);
  };
  g.requestAnimationFrame(loop);
  const start = performance.now();
  let tick = 1;
  while (performance.now() - start < durationMs) {
    let t0 = performance.now();
    g.__uiBench.pushTorrents(tick);
    await painted();
    list.push(performance.now() - t0);
    if (tick % 2 === 0) {
      t0 = performance.now();
      g.__uiBench.pushDetail(tick);
      await painted();
      detail.push(performance.now() - t0);
    }
    tick++;
    const next = start + tick * 100;
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  running = false;
  return { list, detail, frames: frames.slice(1) };
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { median: at(0.5), p95: at(0.95), max: s[s.length - 1] ?? NaN, samples: s.length };
};

export async function measureUiSpeed(o: UiSpeedOptions): Promise<UiSpeedReport> {
  const torrents = o.torrents ?? 500;
  const pieces = o.pieces ?? 50_000;
  const rendererDir = path.resolve(o.rendererDir);
  const server = http.createServer((req, res) => {
    void readStatic(rendererDir, new URL(req.url ?? '/', 'http://x').pathname).then((f) => {
      if (!f) res.writeHead(404).end();
      else res.writeHead(200, { 'Content-Type': f.contentType }).end(f.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const browser = await chromium.launch({
    executablePath: o.chromiumPath ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.addInitScript(installScriptedHost, { torrents, pieces });
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const bigRow = page.locator('.transfer-row').first();
    await bigRow.waitFor();
    await bigRow.click();
    await page.evaluate(() =>
      (globalThis as unknown as { __uiBench: { pushDetail(t: number): void } }).__uiBench.pushDetail(0),
    );
    await page.getByTestId('piece-map').waitFor();
    const r = await page.evaluate(runInPage, o.durationMs ?? 10_000);
    const f = stats(r.frames);
    return {
      torrents,
      pieces,
      listUpdateMs: stats(r.list),
      detailUpdateMs: stats(r.detail),
      frameMs: {
        median: f.median,
        p95: f.p95,
        max: f.max,
        over50: r.frames.filter((x) => x > 50).length,
        frames: f.samples,
      },
    };
  } finally {
    await browser.close();
    server.close();
  }
}

export const uiSpeedFigure: Figure = {
  id: 'ui-speed',
  title: 'UI: 500 torrents at 10 updates/s + a 50 000-piece piece map at 4/s',
  target: '500 torrents and a 50 000-piece torrent stay smooth (issue #6)',
  async run(ctx) {
    const rendererDir = path.join(ctx.repoRoot, 'dist/renderer');
    const rows: Measurement[] = [
      measurement('ui-speed', 'swarmdrop', 'list-update-ms', {
        label: '500-torrent batch → painted (median)',
        unit: 'ms',
        better: 'lower',
      }),
      measurement('ui-speed', 'swarmdrop', 'detail-update-ms', {
        label: '50 000-piece detail → painted (median)',
        unit: 'ms',
        better: 'lower',
      }),
      measurement('ui-speed', 'swarmdrop', 'frame-p95-ms', {
        label: 'frame time p95 under load',
        unit: 'ms',
        better: 'lower',
      }),
    ];
    if (!existsSync(path.join(rendererDir, 'index.html'))) {
      for (const m of rows) m.unavailable = 'renderer not built';
      return { measurements: rows, notes: [] };
    }
    const r = await measureUiSpeed({ rendererDir });
    rows[0]!.samples.push(r.listUpdateMs.median);
    rows[1]!.samples.push(r.detailUpdateMs.median);
    rows[2]!.samples.push(r.frameMs.p95);
    return {
      measurements: rows,
      notes: [
        `Renderer build in headless Chromium (--disable-gpu), scripted host, ${r.listUpdateMs.samples} list batches and ${r.detailUpdateMs.samples} detail pushes; p95 list ${r.listUpdateMs.p95.toFixed(1)} ms, p95 detail ${r.detailUpdateMs.p95.toFixed(1)} ms, ${r.frameMs.over50} of ${r.frameMs.frames} frames over 50 ms.`,
      ],
    };
  },
};

// Standalone: node dist/bench/ui-speed.js [rendererDir]
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const dir = process.argv[2] ?? 'dist/renderer';
  const r = await measureUiSpeed({ rendererDir: dir });
  const f = (n: number) => n.toFixed(1);
  console.log(
    `ui-speed: ${r.torrents} torrents at 10 batches/s + ${r.pieces}-piece detail at 4/s (headless Chromium, no GPU)`,
  );
  console.log(
    `  list batch → paint   median ${f(r.listUpdateMs.median)} ms, p95 ${f(r.listUpdateMs.p95)} ms, max ${f(r.listUpdateMs.max)} ms (${r.listUpdateMs.samples} batches)`,
  );
  console.log(
    `  detail push → paint  median ${f(r.detailUpdateMs.median)} ms, p95 ${f(r.detailUpdateMs.p95)} ms, max ${f(r.detailUpdateMs.max)} ms (${r.detailUpdateMs.samples} pushes)`,
  );
  console.log(
    `  frame time           median ${f(r.frameMs.median)} ms, p95 ${f(r.frameMs.p95)} ms, max ${f(r.frameMs.max)} ms, ${r.frameMs.over50}/${r.frameMs.frames} frames > 50 ms`,
  );
  console.log(JSON.stringify(r));
}
