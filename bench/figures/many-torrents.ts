// A daemon with many torrents: 10 / 100 / 1000 / 10 000 complete single-file torrents
// (one 16 KiB file each), as users with a long list live with. For each count, one run:
//
// - setup, not timed: the payload files, their .torrent files and resume records are
//   written straight into a data folder (the format `ResumeStore` reads), so 10 000
//   torrents take seconds to prepare instead of minutes of fsyncs;
// - `swarmdrop daemon` starts on that folder (embedded tracker off, peer port 0 on
//   127.0.0.1, the web UI on a port picked here), and the bench polls `GET /`:
//   **UI served** is launch → the first 200;
// - a WebSocket client (the UI's transport, with the access token) follows `torrents`
//   events: **all seeding** is launch → every torrent reported `seeding`;
// - **idle CPU** is the daemon's CPU over a quiet window after that (the client still
//   connected, as a window would be), **RSS** its VmRSS at the end of it;
// - **stop** is SIGTERM → exit;
// - **written** is the bytes of files created or replaced under the data folder (logs
//   excluded) during start + idle, and during stop: a start that rewrites every resume
//   record shows here.
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { bencode } from '../../src-main/protocol/bencode.ts';
import type { ResumeRecord } from '../../src-main/engine/resume/resume-record.ts';
import { loadAccessToken } from '../../src-main/daemon/access-token.ts';
import type { BenchContext } from '../lib/context.ts';
import type { Figure } from '../lib/figure.ts';
import { measurement, type Measurement } from '../lib/result.ts';
import { TrackedChild } from '../../harness/tracked-child.ts';
import { openDaemonSocket } from '../lib/daemon-socket.ts';

const FILE_BYTES = 16 * 1024;
const TICKS_PER_SEC = 100;

interface Rows {
  ui: Measurement;
  seeding: Measurement;
  stop: Measurement;
  cpu: Measurement;
  rss: Measurement;
  startWritten: Measurement;
  stopWritten: Measurement;
}

function rowsFor(figure: string, n: number): Rows {
  const m = (metric: string, label: string, unit: string) =>
    measurement(figure, 'swarmdrop', metric, { label: `${n} torrents: ${label}`, unit, better: 'lower' });
  return {
    ui: m('ui-s', 'launch → UI served (GET / answered)', 's'),
    seeding: m('seeding-s', 'launch → all seeding', 's'),
    stop: m('stop-s', 'SIGTERM → exit', 's'),
    cpu: m('idle-cpu-pct', 'idle CPU (% of one core)', '%'),
    rss: m('rss-mib', 'RSS when idle', 'MiB'),
    startWritten: m('start-written-kib', 'written to the data dir, start + idle', 'KiB'),
    stopWritten: m('stop-written-kib', 'written to the data dir at stop', 'KiB'),
  };
}

/**
 * One figure per count (`many-torrents-1000`, …), so `--only` picks the counts to run;
 * `--quick` runs 10 only, with a shorter idle window (the rest report why they were skipped).
 */
export function manyTorrentsFigure(n: number): Figure {
  const id = `many-torrents-${n}`;
  return {
    id,
    title: `Daemon with ${n} torrents: start, all seeding, idle, stop`,
    target:
      n >= 10_000
        ? 'UI ≤ 1 s; idle CPU < 2 % of a core; RSS < 500 MB'
        : n >= 1000
          ? 'UI ≤ 1 s; all seeding ≤ 3 s; stop ≤ 0.5 s'
          : 'UI ≤ 1 s',
    async run(ctx) {
      const rows = rowsFor(id, n);
      const flat = Object.values(rows);
      const reason =
        ctx.swarmdrop.missing('daemon') ??
        (existsSync(path.join(ctx.repoRoot, 'dist/renderer/index.html'))
          ? undefined
          : 'dist/renderer is not built, and the daemon refuses to start without it') ??
        (ctx.options.quick && n > 10 ? 'skipped by --quick (run it with --only ' + id + ')' : undefined);
      if (reason) {
        for (const m of flat) m.unavailable = reason;
        return { measurements: flat, notes: [] };
      }
      const idleSec = ctx.options.quick ? 1 : 10;
      try {
        await measureCount(ctx, n, rows, idleSec, ctx.options.quick ? 1 : 3);
      } catch (err) {
        const why = (err as Error).message;
        ctx.log(`  ${n} torrents: ${why}`);
        for (const m of flat) if (m.samples.length === 0) m.failures.push(why);
      }
      return {
        measurements: flat,
        notes: [
          `One run; each torrent is one ${FILE_BYTES / 1024} KiB file, complete, with resume data as the daemon writes it. ` +
            `Idle CPU is measured over ${idleSec} s, starting ${ctx.options.quick ? 1 : 3} s after the last torrent reported seeding, with a WebSocket client connected. ` +
            '"Written" counts the sizes of files created or replaced under the data folder (logs excluded).',
        ],
      };
    },
  };
}

async function measureCount(
  ctx: BenchContext,
  n: number,
  rows: Rows,
  idleSec: number,
  settleSec: number,
): Promise<void> {
  const root = path.join(ctx.workDir, `many-${n}`);
  const dataDir = path.join(root, 'data');
  const downloads = path.join(root, 'downloads');
  const t0 = performance.now();
  const ids = await prepare(dataDir, downloads, n);
  const { token } = await loadAccessToken(dataDir);
  ctx.log(`  ${n} torrents prepared in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const port = await freePort();
  const before = await snapshot(dataDir);
  const args = [
    ctx.swarmdrop.bin,
    'daemon',
    ...['--data-dir', dataDir, '--download-dir', downloads, '--web', `127.0.0.1:${port}`],
    ...['--embedded-tracker', 'off', '--peer-port', '0', '--bind', '127.0.0.1'],
  ];
  const child = new TrackedChild(`swarmdrop daemon (${n})`, process.execPath, args);
  let client: StateClient | undefined;
  try {
    const uiAt = await pollUntilServed(port, child, 120_000);
    rows.ui.samples.push((uiAt - child.startedAtMs) / 1000);
    client = await StateClient.connect(port, token, child, 60_000);
    const seedingAt = await client.allSeeding(ids, 600_000);
    rows.seeding.samples.push((seedingAt - child.startedAtMs) / 1000);
    await sleep(settleSec * 1000);
    const pid = child.pid!;
    const c0 = cpuTicks(pid);
    const w0 = performance.now();
    await sleep(idleSec * 1000);
    const cpuPct = ((cpuTicks(pid) - c0) / TICKS_PER_SEC / ((performance.now() - w0) / 1000)) * 100;
    rows.cpu.samples.push(cpuPct);
    rows.rss.samples.push(rssKiB(pid) / 1024);
    const afterStart = await snapshot(dataDir);
    rows.startWritten.samples.push(writtenBytes(before, afterStart) / 1024);
    client.close();
    client = undefined;
    const s0 = performance.now();
    process.kill(pid, 'SIGTERM');
    const exit = await child.exited;
    if (exit.code !== 0)
      throw new Error(`daemon exited with ${exit.code ?? exit.signal} on SIGTERM: ${child.stderr()}`);
    rows.stop.samples.push((performance.now() - s0) / 1000);
    const afterStop = await snapshot(dataDir);
    rows.stopWritten.samples.push(writtenBytes(afterStart, afterStop) / 1024);
    ctx.log(
      `  ${n}: UI ${fmt(rows.ui)} s, all seeding ${fmt(rows.seeding)} s, idle CPU ${fmt(rows.cpu)} %, RSS ${fmt(rows.rss)} MiB, ` +
        `stop ${fmt(rows.stop)} s, written ${fmt(rows.startWritten)} KiB at start, ${fmt(rows.stopWritten)} KiB at stop`,
    );
  } finally {
    client?.close();
    await child.stop();
  }
}

const fmt = (m: Measurement): string => (m.samples.at(-1) ?? NaN).toFixed(m.unit === 's' ? 3 : 1);

/** Payload files, .torrent files and resume records for `n` complete torrents. */
async function prepare(dataDir: string, downloads: string, n: number): Promise<string[]> {
  const engine = path.join(dataDir, 'engine');
  await Promise.all(
    [downloads, path.join(engine, 'resume'), path.join(engine, 'torrents')].map((d) =>
      mkdir(d, { recursive: true }),
    ),
  );
  const ids: string[] = [];
  const batch = 64;
  for (let start = 0; start < n; start += batch) {
    const jobs: Promise<void>[] = [];
    for (let i = start; i < Math.min(n, start + batch); i++) {
      jobs.push(
        (async () => {
          const name = `file-${String(i).padStart(5, '0')}.bin`;
          const data = createHash('sha512').update(`payload ${i}`).digest();
          const payload = Buffer.alloc(FILE_BYTES);
          for (let at = 0; at < FILE_BYTES; at += data.length) data.copy(payload, at);
          const file = path.join(downloads, name);
          await writeFile(file, payload);
          const info = {
            length: FILE_BYTES,
            name: Buffer.from(name),
            'piece length': FILE_BYTES,
            pieces: createHash('sha1').update(payload).digest(),
          };
          const infoHashHex = createHash('sha1').update(bencode(info)).digest('hex');
          const st = await stat(file);
          const record: ResumeRecord = {
            version: 3,
            infoHashHex,
            name,
            savePath: downloads,
            addedAtMs: Date.now(),
            state: 'active',
            verifiedPieces: Buffer.from([0x80]).toString('base64'),
            pieceCount: 1,
            files: [{ sizeBytes: st.size, mtimeMs: st.mtimeMs }],
            uploadedBytes: 0,
            downloadedBytes: 0,
            completedAtMs: Date.now(),
            trackers: [],
          };
          await writeFile(path.join(engine, 'torrents', `${infoHashHex}.torrent`), bencode({ info }));
          await writeFile(
            path.join(engine, 'resume', `${infoHashHex}.json`),
            `${JSON.stringify(record, null, 2)}\n`,
          );
          ids.push(infoHashHex);
        })(),
      );
    }
    await Promise.all(jobs);
  }
  return ids;
}

type Snapshot = Map<string, { ino: number; mtimeMs: number; size: number }>;

async function snapshot(dir: string): Promise<Snapshot> {
  const out: Snapshot = new Map();
  const walk = async (d: string, rel: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (r === 'logs') continue;
      if (e.isDirectory()) await walk(path.join(d, e.name), r);
      else if (e.isFile()) {
        const s = await stat(path.join(d, e.name));
        out.set(r, { ino: s.ino, mtimeMs: s.mtimeMs, size: s.size });
      }
    }
  };
  await walk(dir, '');
  return out;
}

function writtenBytes(before: Snapshot, after: Snapshot): number {
  let bytes = 0;
  for (const [file, now] of after) {
    const then = before.get(file);
    if (!then || then.ino !== now.ino || then.mtimeMs !== now.mtimeMs || then.size !== now.size)
      bytes += now.size;
  }
  return bytes;
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `GET /` every 10 ms; resolves with the time of the first 200. */
async function pollUntilServed(port: number, child: TrackedChild, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => (exited = true));
  while (performance.now() < deadline) {
    if (exited) throw new Error(`daemon exited before serving its UI: ${child.stderr()}`);
    const status = await new Promise<number>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/', timeout: 5000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(0));
      req.on('timeout', () => req.destroy());
    });
    if (status === 200) return performance.now();
    await sleep(10);
  }
  throw new Error(`UI not served within ${timeoutMs / 1000} s`);
}

/** The UI's view of the torrent list over the daemon's WebSocket. */
class StateClient {
  private readonly states = new Map<string, string>();
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as
        | { type: 'event'; event: string; payload: unknown }
        | { type: 'result'; id: number; ok: boolean; response?: unknown };
      if (frame.type === 'result' && frame.id === 1 && frame.ok) {
        for (const t of frame.response as { id: string; state: string }[]) this.states.set(t.id, t.state);
      } else if (frame.type === 'event' && frame.event === 'torrents') {
        const e = frame.payload as { changed: { id: string; state: string }[]; removed: string[] };
        for (const t of e.changed) this.states.set(t.id, t.state);
        for (const id of e.removed) this.states.delete(id);
      }
      for (const w of [...this.waiters]) w();
    });
  }

  static async connect(
    port: number,
    token: string,
    child: TrackedChild,
    timeoutMs: number,
  ): Promise<StateClient> {
    const ws = await openDaemonSocket(new URL(`http://127.0.0.1:${port}/?token=${token}`), child, timeoutMs, {
      maxPayload: 256 * 1024 * 1024,
    });
    const client = new StateClient(ws);
    ws.send(JSON.stringify({ type: 'command', id: 1, command: 'getTorrents', request: {} }));
    return client;
  }

  /** Resolves with the time every id was last seen `seeding`. */
  async allSeeding(ids: string[], timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (ids.every((id) => this.states.get(id) === 'seeding')) return performance.now();
      if (performance.now() > deadline) {
        const seeding = ids.filter((id) => this.states.get(id) === 'seeding').length;
        throw new Error(`${seeding}/${ids.length} seeding after ${timeoutMs / 1000} s`);
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, 1000);
        this.waiters.add(done);
      });
    }
  }

  close(): void {
    this.ws.close();
  }
}
