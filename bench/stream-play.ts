/**
 * Hand-run benchmark of "Play while it downloads" (no assertions; the goals are checked by
 * reading its output, docs/BENCHMARKS.md): a seeder and a leecher session on loopback, one
 * file of N MiB (default 1024, 1 MiB pieces). Three runs, each into a fresh folder:
 *   - no reader: add → complete (the throughput baseline);
 *   - Play at the start: add, then at once an HTTP GET of the whole file from the leecher's
 *     StreamServer (what a player does): add → first body byte, and add → complete;
 *   - the same GET with `Range: bytes=<middle>-` (a seek before anything is there).
 *
 *   npx esbuild bench/stream-play.ts --bundle --platform=node --format=esm \
 *     --outfile=/tmp/stream-play.mjs --external:ws && node /tmp/stream-play.mjs [MiB]
 */
import { randomFillSync } from 'node:crypto';
import { open, mkdtemp, rm } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSession } from '../src-main/engine/session/open-session.ts';
import type { Session } from '../src-main/engine/session-api.ts';
import { StreamServer } from '../src-main/service/stream-server.ts';
import { TrackerServer } from '../src-main/tracker/server/index.ts';

const MiB = 2 ** 20;
const sizeMiB = Number(process.argv[2] ?? 1024);
const LOOPBACK = process.env.BENCH_HOST ?? '127.0.0.1';

async function writePayload(file: string): Promise<void> {
  const handle = await open(file, 'w');
  const chunk = Buffer.alloc(4 * MiB);
  for (let i = 0; i < sizeMiB / 4; i++) {
    randomFillSync(chunk);
    await handle.write(chunk);
  }
  await handle.close();
}

function session(dir: string, name: string, tracker: string): Promise<Session> {
  return openSession({
    dataDir: path.join(dir, name, 'data'),
    downloadDir: path.join(dir, name, 'downloads'),
    peerHost: LOOPBACK,
    peerPort: 0,
    defaultTrackers: [tracker],
    tuning: { tickMs: 100, announceMinIntervalSec: 1, announceRetryBaseMs: 500, udpTrackerTimeoutMs: 500 },
  });
}

function untilComplete(s: Session, id: string): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      const t = s.list().find((x) => x.id === id);
      if (t && t.state === 'seeding' && t.progress === 1) {
        off();
        clearInterval(poll);
        resolve();
      }
    };
    const off = s.on('update', check);
    const poll = setInterval(check, 20);
    check();
  });
}

/**
 * GET the URL with curl in its own process (a player is another process: reading 1 GiB
 * through this process's event loop would slow the download it measures). Resolves with
 * curl's first-byte and total times, in ms from its start.
 */
function read(url: string, range?: string): Promise<{ firstMs: number; doneMs: number }> {
  return new Promise((resolve, reject) => {
    const args = ['-s', '-o', '/dev/null', '-w', '%{time_starttransfer} %{time_total} %{http_code}'];
    if (range) args.push('-H', `Range: ${range}`);
    execFile('curl', [...args, url], (err, stdout) => {
      if (err) return reject(err);
      const [first, total, code] = stdout.trim().split(' ');
      if (code !== '200' && code !== '206') return reject(new Error(`HTTP ${code}`));
      resolve({ firstMs: Number(first) * 1000, doneMs: Number(total) * 1000 });
    });
  });
}

async function run(
  dir: string,
  tracker: string,
  torrentBytes: Uint8Array,
  mode: 'none' | 'play' | 'seek',
  n: number,
): Promise<string> {
  const leecher = await session(dir, `leecher-${n}-${mode}`, tracker);
  try {
    const streams = mode === 'none' ? null : await StreamServer.start(leecher, { host: LOOPBACK });
    const t0 = performance.now();
    const added = await leecher.add({ kind: 'metainfo', bytes: torrentBytes });
    const reader = streams
      ? read(streams.urlFor(added.id, 0), mode === 'seek' ? `bytes=${(sizeMiB / 2) * MiB}-` : undefined)
      : null;
    await untilComplete(leecher, added.id);
    const t1 = performance.now();
    const times = reader ? await reader : null;
    const first = times ? times.firstMs : null;
    const last = times ? times.doneMs : null;
    await streams?.close();
    const rate = (sizeMiB * MiB) / 1e6 / ((t1 - t0) / 1000);
    return `${mode.padEnd(5)} complete ${((t1 - t0) / 1000).toFixed(2)} s (${rate.toFixed(0)} MB/s)${
      first !== null
        ? `, first byte ${(first / 1000).toFixed(3)} s, reader done ${(last! / 1000).toFixed(2)} s`
        : ''
    }`;
  } finally {
    await leecher.close();
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'swarmdrop-stream-bench-'));
  const tracker = new TrackerServer({ intervalSec: 1 });
  const { port } = await tracker.listen({ host: LOOPBACK, port: 0 });
  const url = `udp://${LOOPBACK}:${port}`;
  try {
    const source = path.join(dir, 'src', 'movie.webm');
    await (await import('node:fs/promises')).mkdir(path.dirname(source), { recursive: true });
    await writePayload(source);
    const seeder = await session(dir, 'seeder', url);
    const shared = await seeder.share([source], { pieceLengthBytes: MiB });
    console.log(`${sizeMiB} MiB, 1 MiB pieces, loopback`);
    let n = 0;
    for (const mode of (process.env.BENCH_MODES ?? 'none,play,seek').split(',') as (
      'none' | 'play' | 'seek'
    )[])
      console.log(await run(dir, url, shared.torrentBytes, mode, n++));
    await seeder.close();
  } finally {
    await tracker.close();
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
