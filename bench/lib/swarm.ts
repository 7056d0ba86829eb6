// Transfers between real processes: start a local tracker, N seeders of one client
// (confirmed complete, and listed by the tracker), then for each run a fresh leecher
// process, timed from its launch to "every piece verified", counted only if its output
// is byte-identical to the payload (SHA-256).
import { mkdir, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { BenchContext } from './context.ts';
import { startOpentracker, type RunningTracker } from './opentracker.ts';
import {
  magnetOf,
  PIECE_LENGTH_BYTES,
  sha256File,
  writeTorrent,
  type Payload,
} from '../../harness/payload.ts';
import type { PeerClient, RunningPeer } from '../../harness/peer-client.ts';
import { measurement, type Measurement } from './result.ts';

export interface SwarmSpec {
  figure: string;
  subject: string;
  label: string;
  seeder: PeerClient;
  seeders: number;
  leecher: PeerClient;
  /** The payload to share; default the run's shared one (`ctx.payload()`). */
  payload?: Payload;
}

export interface Swarm {
  payload: Payload;
  tracker: RunningTracker;
  torrentFile: string;
  magnet: string;
  dir: string;
  /** The running seeders (complete and announced). */
  seeders: readonly RunningPeer[];
}

/** Why `spec` cannot run here, or undefined. */
export function swarmUnavailable(ctx: BenchContext, spec: SwarmSpec): string | undefined {
  if (!ctx.tools.opentracker)
    return 'opentracker not found (Debian package opentracker), needed as the local tracker';
  return spec.seeder.unavailable() ?? spec.leecher.unavailable();
}

let swarmCount = 0;

/** Runs `body` with a tracker and `spec.seeders` complete seeders; always tears them down. */
export async function withSwarm<T>(
  ctx: BenchContext,
  spec: SwarmSpec,
  body: (swarm: Swarm) => Promise<T>,
): Promise<T> {
  const payload = spec.payload ?? (await ctx.payload());
  // A new folder per swarm: a client's config/resume state must not carry over.
  const dir = path.join(ctx.workDir, spec.figure, `${spec.subject}-${++swarmCount}`);
  await mkdir(dir, { recursive: true });
  const tracker = await startOpentracker(ctx.tools.opentracker!, path.join(dir, 'tracker'), [
    payload.infoHashHex,
  ]);
  const seeders: RunningPeer[] = [];
  try {
    const torrentFile = path.join(dir, 'bench.torrent');
    await writeTorrent(payload, tracker.announceUrl, torrentFile);
    for (let i = 0; i < spec.seeders; i++) {
      const workDir = path.join(dir, `seeder-${i}`);
      await mkdir(workDir, { recursive: true });
      seeders.push(await spec.seeder.launch({ torrentFile, saveDir: payload.dir, seed: true, workDir }));
    }
    // Checking the payload: allow for four seeders hashing at once on two cores.
    const checkMs = 30_000 + (payload.lengthBytes / 20e6) * 1000;
    await Promise.all(seeders.map((s) => s.waitSeeding(checkMs)));
    await waitUntil(
      async () => (await tracker.seeders(payload.infoHashHex)) >= spec.seeders,
      20_000,
      () => `the tracker does not list ${spec.seeders} seeder(s)`,
    );
    ctx.log(`  ${spec.label}: ${spec.seeders} seeder(s) complete and announced`);
    return await body({
      payload,
      tracker,
      torrentFile,
      magnet: magnetOf(payload, tracker.announceUrl),
      dir,
      seeders,
    });
  } finally {
    await Promise.all(seeders.map((s) => s.stop()));
    await tracker.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export interface TransferRows {
  mbps: Measurement;
  cpuSec: Measurement;
  peakAnonMiB: Measurement;
  peakRssMiB: Measurement;
  /** The unmeasured warm-up transfer, kept visible: what a first download from fresh seeders gets. */
  firstMbps: Measurement;
}

export function transferRows(figure: string, subject: string, label: string): TransferRows {
  return {
    mbps: measurement(figure, subject, 'mbps', { label, unit: 'MB/s', better: 'higher' }),
    cpuSec: measurement(figure, subject, 'leecher-cpu-s', {
      label: `${label}: leecher CPU`,
      unit: 's',
      better: 'lower',
    }),
    peakAnonMiB: measurement(figure, subject, 'leecher-anon-mib', {
      label: `${label}: leecher peak anon RSS`,
      unit: 'MiB',
      better: 'lower',
    }),
    peakRssMiB: measurement(figure, subject, 'leecher-hwm-mib', {
      label: `${label}: leecher peak RSS (VmHWM, incl. file pages)`,
      unit: 'MiB',
      better: 'lower',
    }),
    firstMbps: measurement(figure, subject, 'first-mbps', {
      label: `${label}: first transfer after the seeders start (the warm-up)`,
      unit: 'MB/s',
      better: 'higher',
    }),
  };
}

/**
 * `ctx.options.runs` fresh leechers, each timed and checked; fills `rows`. Seeders are
 * started once, or once per run when the seeding client needs it (`freshSeederPerRun`).
 */
export async function measureTransfers(
  ctx: BenchContext,
  spec: SwarmSpec,
  rows: TransferRows,
): Promise<void> {
  const runs = ctx.options.runs;
  const perRun = spec.seeder.freshSeederPerRun !== undefined;
  for (let first = 1; first <= runs; first += perRun ? 1 : runs) {
    const last = perRun ? first : runs;
    try {
      await withSwarm(ctx, spec, (swarm) => measureLeechers(ctx, spec, swarm, rows, first, last));
    } catch (err) {
      for (const m of Object.values(rows) as Measurement[])
        m.failures.push(`swarm: ${(err as Error).message}`);
    }
  }
}

async function measureLeechers(
  ctx: BenchContext,
  spec: SwarmSpec,
  swarm: Swarm,
  rows: TransferRows,
  first: number,
  last: number,
): Promise<void> {
  // One warm-up transfer first (full runs only), for every client alike, reported in its
  // own row and kept out of the medians. On this VM the first gigabyte written after a few
  // idle seconds (seeders starting and checking the payload) is copied into page-cache
  // memory the host has to fault in again: perf -a showed copy_folio_from_iter_atomic at
  // 49% of all CPU in that transfer and ~4% in the next. It hit whichever run came first.
  const warmUp = !ctx.options.quick && first === 1;
  if (ctx.options.quick) rows.firstMbps.unavailable ??= 'no warm-up in a --quick run';
  for (let run = warmUp ? first - 1 : first; run <= last; run++) {
    const measured = !warmUp || run >= first;
    const outDir = path.join(swarm.dir, measured ? `leecher-${run}` : 'leecher-warm-up');
    await mkdir(outDir, { recursive: true });
    let leecher: RunningPeer | undefined;
    try {
      leecher = await spec.leecher.launch({
        torrentFile: swarm.torrentFile,
        saveDir: outDir,
        seed: false,
        workDir: outDir + '-work',
        sampleMemory: true,
      });
      const doneAt = await leecher.waitFinished(ctx.options.transferTimeoutSec * 1000);
      const seconds = (doneAt - leecher.child.startedAtMs) / 1000;
      const stats = leecher.child.stats();
      await leecher.stop();
      const sha = await sha256File(path.join(outDir, swarm.payload.name));
      if (sha !== swarm.payload.sha256Hex) throw new Error('output differs from the source (SHA-256)');
      if (!measured) {
        rows.firstMbps.samples.push(swarm.payload.lengthBytes / 1e6 / seconds);
        ctx.log(
          `  ${spec.label} warm-up (not counted): ${(swarm.payload.lengthBytes / 1e6 / seconds).toFixed(1)} MB/s`,
        );
        continue;
      }
      rows.mbps.samples.push(swarm.payload.lengthBytes / 1e6 / seconds);
      rows.cpuSec.samples.push(stats.cpuSec);
      rows.peakAnonMiB.samples.push(stats.peakAnonMiB);
      rows.peakRssMiB.samples.push(stats.peakRssMiB);
      ctx.log(
        `  ${spec.label} run ${run}: ${(swarm.payload.lengthBytes / 1e6 / seconds).toFixed(1)} MB/s, ` +
          `CPU ${stats.cpuSec.toFixed(2)} s, anon ${stats.peakAnonMiB.toFixed(0)} MiB`,
      );
    } catch (err) {
      const reason = (err as Error).message;
      if (!measured) {
        rows.firstMbps.failures.push(`warm-up: ${reason}`);
        ctx.log(`  ${spec.label} warm-up failed (not counted): ${reason}`);
        continue;
      }
      for (const m of Object.values(rows) as Measurement[]) m.failures.push(`run ${run}: ${reason}`);
      ctx.log(`  ${spec.label} run ${run} failed: ${reason}`);
    } finally {
      await leecher?.stop();
      await rm(outDir, { recursive: true, force: true });
      await rm(outDir + '-work', { recursive: true, force: true });
    }
  }
}

/**
 * Magnet → first verified piece: a fresh leecher per run given only the magnet link.
 * When the leecher names the piece, its bytes on disk are checked against the piece hash.
 */
export async function measureFirstPiece(
  ctx: BenchContext,
  spec: SwarmSpec,
  swarm: Swarm,
  row: Measurement,
): Promise<void> {
  for (let run = 1; run <= ctx.options.runs; run++) {
    const outDir = path.join(swarm.dir, `magnet-${run}`);
    await mkdir(outDir, { recursive: true });
    let leecher: RunningPeer | undefined;
    try {
      leecher = await spec.leecher.launch({
        magnet: swarm.magnet,
        saveDir: outDir,
        seed: false,
        workDir: outDir + '-work',
      });
      const at = await leecher.waitFirstPiece(60_000);
      const seconds = (at - leecher.child.startedAtMs) / 1000;
      const event = leecher.child.allEvents().find((e) => e.json?.event === 'first-piece');
      await leecher.stop();
      const piece = event?.json?.piece;
      if (typeof piece === 'number')
        await checkPiece(swarm.payload, path.join(outDir, swarm.payload.name), piece);
      row.samples.push(seconds);
      ctx.log(`  ${spec.label} run ${run}: first verified piece after ${(seconds * 1000).toFixed(0)} ms`);
    } catch (err) {
      row.failures.push(`run ${run}: ${(err as Error).message}`);
      ctx.log(`  ${spec.label} run ${run} failed: ${(err as Error).message}`);
    } finally {
      await leecher?.stop();
      await rm(outDir, { recursive: true, force: true });
      await rm(outDir + '-work', { recursive: true, force: true });
    }
  }
}

async function checkPiece(payload: Payload, file: string, index: number): Promise<void> {
  const length = Math.min(PIECE_LENGTH_BYTES, payload.lengthBytes - index * PIECE_LENGTH_BYTES);
  const buf = Buffer.alloc(length);
  const fh = await open(file, 'r');
  try {
    await fh.read(buf, 0, length, index * PIECE_LENGTH_BYTES);
  } finally {
    await fh.close();
  }
  const got = createHash('sha1').update(buf).digest();
  const want = payload.pieceHashes.subarray(index * 20, index * 20 + 20);
  if (!got.equals(want)) throw new Error(`piece ${index} on disk does not match its hash`);
}

async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what()} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
