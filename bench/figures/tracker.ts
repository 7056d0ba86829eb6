// Tracker announces answered per second, same generator (bench/tracker-load.ts) against
// Swarmdrop's tracker and Debian's opentracker in the same run, each in its own process.
// opentracker is a whitelist build, so both serve the same pool of 1000 info-hashes.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BenchContext } from '../lib/context.ts';
import type { Figure } from '../lib/figure.ts';
import { startOpentracker } from '../lib/opentracker.ts';
import { measurement, type Measurement } from '../lib/result.ts';
import { TrackedChild } from '../../harness/tracked-child.ts';
import { trackerLoad, waitForUdpTracker } from '../tracker-load.ts';

// 128 in flight: more than a default 208 KiB socket buffer holds (~190 datagrams) would
// make every stall of the tracker drop the excess, measuring the buffer, not the tracker.
const WINDOW = 128;
const TIMEOUT_MS = 1000;
const POOL = 1000;

interface Rows {
  rate: Measurement;
  p50: Measurement;
  p99: Measurement;
  lost: Measurement;
}

export const tracker: Figure = {
  id: 'tracker',
  title: 'UDP tracker: announces answered per second (one generator)',
  target: '≥ opentracker in the same run, p99 ≤ 5 ms, none lost below saturation',
  async run(ctx) {
    const hashes = Array.from({ length: POOL }, () => randomBytes(20));
    const measurements: Measurement[] = [];
    for (const subject of ['swarmdrop', 'opentracker']) {
      const rows = rowsFor(subject);
      const reason =
        subject === 'swarmdrop' || ctx.tools.opentracker
          ? undefined
          : 'opentracker not found (Debian package opentracker)';
      if (reason) for (const m of Object.values(rows)) m.unavailable = reason;
      else {
        try {
          await measureTracker(ctx, subject, hashes, rows);
        } catch (err) {
          for (const m of Object.values(rows)) m.failures.push(`tracker: ${(err as Error).message}`);
        }
      }
      measurements.push(rows.rate, rows.p50, rows.p99, rows.lost);
    }
    return {
      measurements,
      notes: [
        `One Node process sends BEP 15 announces (event started, numwant 50, random peer ids/ports over ${POOL} info-hashes) ` +
          `with ${WINDOW} in flight for ${ctx.options.trackerLoadSec} s per run; unanswered after ${TIMEOUT_MS} ms = lost. ` +
          'The generator shares the two cores with the tracker, so both trackers are measured under the same handicap.',
      ],
    };
  },
};

function rowsFor(subject: string): Rows {
  const f = (metric: string, label: string, unit: string, better: 'higher' | 'lower'): Measurement =>
    measurement('tracker', subject, metric, { label: `${subject}: ${label}`, unit, better });
  return {
    rate: f('announces-per-s', 'announces answered', '/s', 'higher'),
    p50: f('p50-ms', 'latency p50', 'ms', 'lower'),
    p99: f('p99-ms', 'latency p99', 'ms', 'lower'),
    lost: f('lost', 'announces lost per run', 'count', 'lower'),
  };
}

async function measureTracker(
  ctx: BenchContext,
  subject: string,
  hashes: Buffer[],
  rows: Rows,
): Promise<void> {
  const dir = path.join(ctx.workDir, 'tracker', subject);
  await mkdir(dir, { recursive: true });
  let port: number;
  let stop: () => Promise<void>;
  if (subject === 'opentracker') {
    const ot = await startOpentracker(
      ctx.tools.opentracker!,
      dir,
      hashes.map((h) => h.toString('hex')),
    );
    port = ot.udpPort;
    stop = ot.stop;
  } else if (ctx.swarmdrop.missing('tracker') === undefined) {
    const child = new TrackedChild('swarmdrop tracker', process.execPath, [
      ctx.swarmdrop.bin,
      'tracker',
      ...['--host', '127.0.0.1', '--port', '0', '--stats-interval', '0'],
    ]);
    stop = () => child.stop();
    // It prints one `tracker listening on udp://H:P` line once it serves datagrams.
    const listening = /tracker listening on udp:\/\/.*:(\d+)\s*$/;
    port = Number(
      listening.exec(
        (await child.waitFor((e) => listening.test(e.line), 10_000, 'listening line')).line,
      )?.[1],
    );
    ctx.log('  swarmdrop: `swarmdrop tracker` CLI');
  } else {
    // Until the CLI command exists: the same TrackerServer, in its own process.
    const child = new TrackedChild('swarmdrop TrackerServer', process.execPath, [
      process.argv[1]!,
      '--internal-tracker-server',
    ]);
    port = Number((await child.waitForEvent('listening', 10_000)).json?.port);
    stop = () => child.stop();
    ctx.log('  swarmdrop: TrackerServer in its own process (`swarmdrop tracker` CLI not registered yet)');
  }
  try {
    await waitForUdpTracker('127.0.0.1', port, 10_000);
    for (let run = 1; run <= ctx.options.runs; run++) {
      const r = await trackerLoad({
        host: '127.0.0.1',
        port,
        durationMs: ctx.options.trackerLoadSec * 1000,
        window: WINDOW,
        timeoutMs: TIMEOUT_MS,
        infoHashes: hashes,
      });
      if (r.answered === 0) {
        const why = `run ${run}: no announce answered (${r.errors} error responses, ${r.lost} lost)`;
        for (const m of Object.values(rows)) m.failures.push(why);
        continue;
      }
      rows.rate.samples.push(r.answeredPerSec);
      rows.p50.samples.push(r.p50Ms);
      rows.p99.samples.push(r.p99Ms);
      rows.lost.samples.push(r.lost);
      ctx.log(
        `  ${subject} run ${run}: ${r.answeredPerSec.toFixed(0)}/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, lost ${r.lost}, errors ${r.errors}`,
      );
    }
  } finally {
    await stop();
  }
}
