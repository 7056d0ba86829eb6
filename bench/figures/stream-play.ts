// Play while it downloads: a Swarmdrop seeder in its own process (`swarmdrop get` on the
// complete payload) and a fresh leecher engine in this process for each run, as the daemon
// or the desktop app hosts it. Runs alternate: no reader, then "Play" — the leecher's
// StreamServer started with the download and, right after the torrent is added, an HTTP
// GET of the whole file by curl in its own process (a player is another process). Timed
// from `add` to every piece verified (SHA-256 of the file checked afterwards), and for Play
// from `add` to the first body byte curl received. Each Play run is divided by the no-reader
// run just before it, so a machine whose load changes during the figure still compares
// like with like. CPU is this process's (the leecher's) per GiB.
import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSession } from '../../src-main/engine/session/open-session.ts';
import type { Session } from '../../src-main/engine/session-api.ts';
import { StreamServer } from '../../src-main/service/stream-server.ts';
import { sha256File } from '../../harness/payload.ts';
import { findTool } from '../../harness/tools.ts';
import type { BenchContext } from '../lib/context.ts';
import type { Figure } from '../lib/figure.ts';
import { recordPair } from '../lib/paired-runs.ts';
import { measurement, type Measurement } from '../lib/result.ts';
import { swarmUnavailable, withSwarm, type Swarm, type SwarmSpec } from '../lib/swarm.ts';
import { swarmdropPeer } from '../lib/clients/swarmdrop-peer.ts';

const LOOPBACK = '127.0.0.1';

interface Rows {
  firstByte: Measurement;
  mbpsNone: Measurement;
  mbpsPlay: Measurement;
  ratio: Measurement;
  readerLag: Measurement;
  cpuNone: Measurement;
  cpuPlay: Measurement;
}

function rows(): Rows {
  const row = (metric: string, label: string, unit: string, better: 'higher' | 'lower') =>
    measurement('stream-play', 'swarmdrop', metric, { label, unit, better });
  return {
    firstByte: row('first-byte-s', 'Play at the start: add → first body byte', 's', 'lower'),
    mbpsNone: row('mbps-none', 'no reader: add → complete', 'MB/s', 'higher'),
    mbpsPlay: row('mbps-play', 'Play at the start: add → complete', 'MB/s', 'higher'),
    ratio: row('play-ratio', 'throughput with Play ÷ without (each pair in turn)', '×', 'higher'),
    readerLag: row('reader-lag-s', 'Play: last body byte after the download completed', 's', 'lower'),
    cpuNone: row('cpu-s-per-gib-none', 'leecher CPU per GiB, no reader', 's', 'lower'),
    cpuPlay: row('cpu-s-per-gib-play', 'leecher CPU per GiB, Play (serving included)', 's', 'lower'),
  };
}

export const streamPlay: Figure = {
  id: 'stream-play',
  title: 'Play while it downloads (1 Swarmdrop seeder → 1 leecher, with and without a reader)',
  target: 'add → first body byte ≤ 1 s; throughput with Play ≥ 0.9× without',
  async run(ctx) {
    const r = rows();
    const all = Object.values(r) as Measurement[];
    const seeder = swarmdropPeer(ctx);
    const spec: SwarmSpec = {
      figure: 'stream-play',
      subject: 'swarmdrop',
      label: 'stream-play',
      seeder,
      seeders: 1,
      leecher: seeder,
    };
    const reason =
      swarmUnavailable(ctx, spec) ?? (findTool('curl') ? undefined : 'curl not found (the player)');
    if (reason) {
      for (const m of all) m.unavailable = reason;
      return { measurements: all, notes: [] };
    }
    try {
      await withSwarm(ctx, spec, async (swarm) => {
        const torrentBytes = await readFile(swarm.torrentFile);
        for (let run = 1; run <= ctx.options.runs; run++) {
          const none = await measureRun(ctx, swarm, torrentBytes, `${run}-none`, false);
          const play = await measureRun(ctx, swarm, torrentBytes, `${run}-play`, true);
          if (!none || !play) continue; // the failure is logged; the pair does not count
          recordPair(
            { mbps: [r.mbpsNone, r.mbpsPlay], ratio: r.ratio, cpuPerGib: [r.cpuNone, r.cpuPlay] },
            none,
            play,
            swarm.payload.lengthBytes,
          );
          r.firstByte.samples.push(play.firstByteSec!);
          r.readerLag.samples.push(Math.max(0, play.readerDoneSec! - play.completeSec));
          ctx.log(
            `  run ${run}: no reader ${none.mbps.toFixed(0)} MB/s, Play ${play.mbps.toFixed(0)} MB/s ` +
              `(${(play.mbps / none.mbps).toFixed(2)}×), first byte ${play.firstByteSec!.toFixed(3)} s`,
          );
        }
      });
    } catch (err) {
      for (const m of all) m.failures.push(`swarm: ${(err as Error).message}`);
    }
    return {
      measurements: all,
      notes: [
        `${ctx.options.sizeMiB} MiB payload, 1 MiB pieces, one \`swarmdrop get\` seeder process, one opentracker; the leecher is an engine session in the bench process (as the daemon hosts it), a fresh one per run, alternating no reader / Play.`,
        'Play: the leecher’s StreamServer on 127.0.0.1, and right after `add` curl (its own process) GETs the whole file into /dev/null; first byte is curl’s time_starttransfer, from `add`.',
        'The ratio is taken per pair (each Play run ÷ the no-reader run just before it) and its median shown, so load that changes during the figure cancels out; MB/s and CPU are from `add` to every piece verified.',
      ],
    };
  },
};

interface RunResult {
  mbps: number;
  completeSec: number;
  cpuSec: number;
  firstByteSec?: number;
  readerDoneSec?: number;
}

async function measureRun(
  ctx: BenchContext,
  swarm: Swarm,
  torrentBytes: Uint8Array,
  name: string,
  play: boolean,
): Promise<RunResult | null> {
  const dir = path.join(swarm.dir, `leecher-${name}`);
  await mkdir(dir, { recursive: true });
  let session: Session | undefined;
  let streams: StreamServer | undefined;
  try {
    session = await openSession({
      dataDir: path.join(dir, 'data'),
      downloadDir: path.join(dir, 'downloads'),
      peerHost: LOOPBACK,
      peerPort: 0,
      defaultTrackers: [],
      publishOnShare: false,
      restoreTorrents: false,
    });
    if (play) streams = await StreamServer.start(session, { host: LOOPBACK });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const added = await session.add({ kind: 'metainfo', bytes: torrentBytes });
    const reader = streams ? curlWholeFile(streams.urlFor(added.id, 0), t0) : null;
    // Keep the rejection handled while the download runs; it is awaited below.
    reader?.catch(() => undefined);
    await untilComplete(session, added.id, ctx.options.transferTimeoutSec * 1000);
    const completeSec = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const times = reader ? await reader : null;
    if (times && times.bytes !== swarm.payload.lengthBytes)
      throw new Error(`the player got ${times.bytes} bytes of ${swarm.payload.lengthBytes}`);
    const sha = await sha256File(path.join(dir, 'downloads', swarm.payload.name));
    if (sha !== swarm.payload.sha256Hex) throw new Error('output differs from the source (SHA-256)');
    return {
      mbps: swarm.payload.lengthBytes / 1e6 / completeSec,
      completeSec,
      cpuSec: (cpu.user + cpu.system) / 1e6,
      firstByteSec: times?.firstByteSec,
      readerDoneSec: times?.doneSec,
    };
  } catch (err) {
    ctx.log(`  run ${name} failed: ${(err as Error).message}`);
    return null;
  } finally {
    await streams?.close();
    await session?.close();
  }
}

/** Until every piece of torrent `id` is verified. */
function untilComplete(session: Session, id: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): boolean => {
      const t = session.list().find((x) => x.id === id);
      return t !== undefined && t.progress === 1 && t.state === 'seeding';
    };
    const finish = (err?: Error) => {
      off();
      clearInterval(poll);
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    };
    const check = () => {
      if (done()) finish();
    };
    const off = session.on('update', check);
    const poll = setInterval(check, 20);
    const timer = setTimeout(() => finish(new Error(`not complete after ${timeoutMs / 1000} s`)), timeoutMs);
    check();
  });
}

/**
 * curl GETs the whole file into /dev/null. Its times are from its own start, which is
 * moved onto `t0` (the `add`) by when this process started it.
 */
function curlWholeFile(
  url: string,
  t0: number,
): Promise<{ firstByteSec: number; doneSec: number; bytes: number }> {
  const startedSec = (performance.now() - t0) / 1000;
  return new Promise((resolve, reject) => {
    const format = '%{time_starttransfer} %{time_total} %{size_download} %{http_code}';
    execFile('curl', ['-s', '-o', '/dev/null', '-w', format, url], (err, stdout) => {
      if (err) return reject(err);
      const [first, total, size, code] = stdout.trim().split(' ');
      if (code !== '200') return reject(new Error(`the player got HTTP ${code}`));
      resolve({
        firstByteSec: startedSec + Number(first),
        doneSec: startedSec + Number(total),
        bytes: Number(size),
      });
    });
  });
}
