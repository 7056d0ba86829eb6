// The page side of the UI speed figure. Both functions are serialised by
// Playwright and run inside Chromium, so each is self-contained: no imports, no closures
// over this module. `installScriptedHost` stands in for the Electron preload bridge
// (`window.swarmdrop`: invoke/on) with 500 scripted torrents and one 50 000-piece detail;
// `runInPage` pushes batches on the service's schedule and times them to the next paint.
// The scripted objects are checked against the contract's types (`satisfies`), so a field
// the renderer comes to rely on cannot go missing here unnoticed: a detail without
// `events` once crashed the renderer and the figure timed out waiting for the piece map.
import type { AppInfo } from '../../../src-shared/types/app-info.ts';
import type { Settings } from '../../../src-shared/types/settings.ts';
import type { TorrentDetail, TorrentSummary } from '../../../src-shared/types/torrent.ts';

/** Installed in the page before the renderer loads: a host that scripts the events. */
export function installScriptedHost(args: { torrents: number; pieces: number }): void {
  type Listener = (payload: unknown) => void;
  const g = globalThis as unknown as Record<string, unknown>;
  const listeners = new Map<string, Set<Listener>>();
  const emit = (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
  const hex = (i: number) => i.toString(16).padStart(40, '0');
  const summary = (i: number, tick: number): TorrentSummary => {
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
  const detail = (tick: number): TorrentDetail => {
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
      files: [
        {
          index: 0,
          path: ['big.iso'],
          priority: 'normal',
          lengthBytes: 13_107_200_000,
          verifiedBytes: 0,
          progress: 0,
        },
      ],
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
          utp: false,
          optimistic: false,
        },
      })),
      trackers: [],
      private: false,
      events: [],
    };
  };
  const info: AppInfo = {
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
  const settings: Settings = {
    downloadDir: '/d/downloads',
    peerPort: 6881,
    trackers: [],
    embeddedTracker: { enabled: false, port: 6969, advertiseHost: 'auto' },
    encryption: 'prefer',
    utp: true,
    preferUtp: false,
    rateLimits: { downloadBps: 0, uploadBps: 0 },
    theme: 'dark',
    notifyOnComplete: false,
    keepSharingWhenClosed: true,
    dhtEnabled: false,
    dhtBootstrap: [],
    // LAN discovery off; its groups and ports are shown only in Settings, which the figure never opens.
    lan: {
      lsd: false,
      nearby: false,
      listShares: false,
      interfaceAddress: 'auto',
      lsdIpv4Group: '',
      lsdIpv6Group: '',
      lsdPort: 0,
      nearbyPort: 0,
    },
    portMapping: { enabled: false, gateway: '' },
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

/**
 * Runs in the page for `durationMs`: a torrents batch every 100 ms (10/s, the service's
 * batch rate) and a detail push on 4 of every 10 ticks (4/s, the service's detail rate),
 * each timed from delivery to the next painted frame; every rAF interval is recorded.
 */
export async function runInPage(
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
    // 4 of every 10 ticks (3, 5, 8, 10, …): the service pushes detail 4 times a second.
    if (Math.floor((tick * 4) / 10) !== Math.floor(((tick - 1) * 4) / 10)) {
      t0 = performance.now();
      g.__uiBench.pushDetail(tick);
      await painted();
      detail.push(performance.now() - t0);
    }
    tick++;
    const next = start + (tick - 1) * 100;
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  running = false;
  return { list, detail, frames: frames.slice(1) };
}
