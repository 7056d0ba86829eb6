// One download by a fresh `swarmdrop daemon`, with or without a web UI watching it: the
// daemon-ui-load figure alternates the two, and bench/daemon-ui-profile.ts runs them under
// `--cpu-prof`. The torrent is added over the daemon's WebSocket (the UI's transport, with
// the access token) in both cases; without a client that socket closes as soon as `add` has
// answered, so nobody is connected while the payload arrives.
//
// Completion is read from the daemon's own log (`download complete`, written by
// src-main/service/log/session-log.ts when the engine reports the torrent complete), so
// both cases are timed the same way and the "no client" case needs no connection to tell.
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import WebSocket from 'ws';
import { sha256File } from '../../harness/payload.ts';
import { TrackedChild } from '../../harness/tracked-child.ts';
import { openDaemonSocket } from './daemon-socket.ts';
import type { BenchContext } from './context.ts';
import type { Swarm } from './swarm.ts';

export interface DaemonDownloadOptions {
  /** Folder name under the swarm's folder; deleted afterwards. */
  name: string;
  /** A UI client follows `torrents` and watches the torrent's detail during the download. */
  uiClient: boolean;
  /** Arguments for `node` itself, before the CLI script (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
}

export interface DaemonDownloadResult {
  mbps: number;
  /** `add` sent → the daemon logged the download complete. */
  seconds: number;
  /** The daemon's CPU (every thread) over the same window. */
  cpuSec: number;
  /** The download window on CLOCK_MONOTONIC in microseconds, as V8's CPU profiles count. */
  windowUs: { start: number; end: number };
  /** What the UI client received during the window (zero without one). */
  received: { frames: number; bytes: number; torrents: number; detail: number; status: number };
}

/** The daemon's flags: loopback only, nothing but the download (no DHT, LSD, port mapping, tracker). */
function daemonArgs(ctx: BenchContext, dataDir: string, downloads: string): string[] {
  return [
    ctx.swarmdrop.bin,
    'daemon',
    ...['--data-dir', dataDir, '--download-dir', downloads, '--web', '127.0.0.1:0'],
    ...['--embedded-tracker', 'off', '--peer-port', '0', '--bind', '127.0.0.1'],
    ...['--no-dht', '--no-lsd', '--no-port-mapping'],
  ];
}

/** Why a daemon cannot run here, or undefined. */
export function daemonUnavailable(ctx: BenchContext): string | undefined {
  return (
    ctx.swarmdrop.missing('daemon') ??
    (existsSync(path.join(ctx.repoRoot, 'dist/renderer/index.html'))
      ? undefined
      : 'dist/renderer is not built, and the daemon refuses to start without it')
  );
}

const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * Starts a daemon, adds the swarm's torrent over its WebSocket and waits until every piece
 * is verified; checks the file by SHA-256. Throws on any failure; always stops the daemon.
 */
export async function daemonDownload(
  ctx: BenchContext,
  swarm: Swarm,
  o: DaemonDownloadOptions,
): Promise<DaemonDownloadResult> {
  const dir = path.join(swarm.dir, o.name);
  const dataDir = path.join(dir, 'data');
  const downloads = path.join(dir, 'downloads');
  await mkdir(downloads, { recursive: true });
  const child = new TrackedChild(`swarmdrop daemon (${o.name})`, process.execPath, [
    ...(o.nodeArgs ?? []),
    ...daemonArgs(ctx, dataDir, downloads),
  ]);
  let client: UiClient | undefined;
  try {
    const line = await child.waitFor((e) => /web UI on http/.test(e.line), 60_000, '`web UI on` line');
    const url = new URL(/web UI on (\S+)/.exec(line.line)![1]!);
    const torrentBase64 = (await readFile(swarm.torrentFile)).toString('base64');
    const completion = new LogWatch(path.join(dataDir, 'logs', 'daemon.log'));
    client = await UiClient.connect(url, child);
    if (o.uiClient) await client.refresh();
    client.resetCounts();
    const cpu0 = child.stats().cpuSec;
    const startUs = monotonicUs();
    const addedAtMs = Date.now();
    const added = (await client.invoke('add', {
      source: { kind: 'torrent-file', bytesBase64: torrentBase64, fileName: 'bench.torrent' },
    })) as { id: string };
    if (o.uiClient) {
      // What the UI does when the user selects the torrent (src-renderer/store/actions.ts).
      await client.invoke('watchDetail', { id: added.id });
    } else {
      await client.close();
      client = undefined;
    }
    const doneAtMs = await completion.until(
      (entry) => entry.msg === 'download complete' && entry.torrentId === added.id,
      ctx.options.transferTimeoutSec * 1000,
      child,
    );
    const endUs = monotonicUs();
    const cpuSec = child.stats().cpuSec - cpu0;
    const received = client?.received ?? { frames: 0, bytes: 0, torrents: 0, detail: 0, status: 0 };
    await client?.close();
    client = undefined;
    await child.stop();
    const sha = await sha256File(path.join(downloads, swarm.payload.name));
    if (sha !== swarm.payload.sha256Hex) throw new Error('output differs from the source (SHA-256)');
    const seconds = (doneAtMs - addedAtMs) / 1000;
    return {
      mbps: swarm.payload.lengthBytes / 1e6 / seconds,
      seconds,
      cpuSec,
      windowUs: { start: startUs, end: endUs },
      received,
    };
  } finally {
    await client?.close();
    await child.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

interface LogEntry {
  time: string;
  msg: string;
  torrentId?: string;
}

/** Reads the JSON lines appended to a log file, from where it was when this was made. */
class LogWatch {
  private offset = 0;
  private partial = '';

  constructor(private readonly file: string) {}

  /** Polls every 20 ms; resolves with the matching entry's own time (epoch ms). */
  async until(match: (e: LogEntry) => boolean, timeoutMs: number, child: TrackedChild): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void child.exited.then(() => (exited = true));
    for (;;) {
      for (const entry of await this.newEntries()) if (match(entry)) return Date.parse(entry.time);
      if (exited) throw new Error(`daemon exited during the download: ${child.stderr()}`);
      if (Date.now() > deadline) throw new Error(`not complete after ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async newEntries(): Promise<LogEntry[]> {
    let fh;
    try {
      fh = await open(this.file, 'r');
    } catch {
      return []; // Not written yet.
    }
    try {
      const { size } = await fh.stat();
      if (size <= this.offset) return [];
      const buf = Buffer.alloc(size - this.offset);
      await fh.read(buf, 0, buf.length, this.offset);
      this.offset = size;
      const lines = (this.partial + buf.toString('utf8')).split('\n');
      this.partial = lines.pop() ?? '';
      return lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogEntry);
    } finally {
      await fh.close();
    }
  }
}

type ServerFrame =
  | { type: 'event'; event: string; payload: unknown }
  | { type: 'result'; id: number; ok: boolean; response?: unknown; error?: { message: string } };

/**
 * The web UI's side of the WebSocket (src-renderer/transport/websocket.ts): commands with
 * ids, every frame parsed as JSON, events counted by name.
 */
class UiClient {
  readonly received = { frames: 0, bytes: 0, torrents: 0, detail: 0, status: 0 };
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      // Text frames arrive as one Buffer (ws's default binaryType).
      const bytes = data as Buffer;
      this.received.frames++;
      this.received.bytes += bytes.length;
      const frame = JSON.parse(bytes.toString()) as ServerFrame;
      if (frame.type === 'result') {
        const p = this.pending.get(frame.id);
        this.pending.delete(frame.id);
        if (frame.ok) p?.resolve(frame.response);
        else p?.reject(new Error(frame.error?.message ?? 'command failed'));
      } else if (frame.event === 'torrents' || frame.event === 'detail' || frame.event === 'status') {
        this.received[frame.event]++;
      }
    });
    // A failing socket also closes; without a listener its 'error' would end the bench.
    ws.on('error', () => undefined);
    ws.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('WebSocket closed'));
      this.pending.clear();
    });
  }

  static async connect(pageUrl: URL, child: TrackedChild): Promise<UiClient> {
    return new UiClient(await openDaemonSocket(pageUrl, child, 30_000));
  }

  invoke(command: string, request: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ type: 'command', id, command, request }));
    });
  }

  /** What the UI asks on every (re)connection (src-renderer/store/connect-store.ts). */
  async refresh(): Promise<void> {
    await Promise.all([
      this.invoke('getAppInfo', {}),
      this.invoke('getSettings', {}),
      // The UI shows the rest when the Nearby list cannot be had.
      this.invoke('getNearby', {}).catch(() => []),
      this.invoke('getTorrents', {}),
    ]);
  }

  /** Counts from now on only (the download window). */
  resetCounts(): void {
    Object.assign(this.received, { frames: 0, bytes: 0, torrents: 0, detail: 0, status: 0 });
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.ws.once('close', () => resolve()));
    this.ws.close();
    await closed;
  }
}
