// What users live with: downloading from other clients' seeders, on a machine that is doing
// other things. Swarmdrop's leecher and libtorrent's leecher take turns on the same
// seeders in the same swarm (the order alternates per run), so the ratio compares the two
// leechers and nothing else. Every configuration runs quiet and with two CPU burners (one
// busy-looping process per core of this 2-core machine) running for the whole measurement.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { BenchContext } from '../lib/context.ts';
import type { Figure } from '../lib/figure.ts';
import { measurement, type Measurement } from '../lib/result.ts';
import { swarmUnavailable, withSwarm, type Swarm, type SwarmSpec } from '../lib/swarm.ts';
import { swarmdropPeer } from '../lib/clients/swarmdrop-peer.ts';
import { makePayload, sha256File, type Payload } from '../../harness/payload.ts';
import type { PeerClient, RunningPeer } from '../../harness/peer-client.ts';

type Load = 'quiet' | 'busy';

/** A process that keeps one core busy until killed (plain JavaScript, no I/O). */
function startBurners(count: number): ChildProcess[] {
  return Array.from({ length: count }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
  );
}

function stopBurners(burners: ChildProcess[]): void {
  for (const b of burners) b.kill('SIGKILL');
}

interface LeecherRows {
  mbps: Measurement;
  firstPieceSec: Measurement;
  cpuSecPerGiB: Measurement;
}

function leecherRows(figure: string, subject: string, config: string, label: string): LeecherRows {
  return {
    mbps: measurement(figure, subject, `mbps-${config}`, {
      label: `${label}: MB/s`,
      unit: 'MB/s',
      better: 'higher',
    }),
    firstPieceSec: measurement(figure, subject, `first-piece-s-${config}`, {
      label: `${label}: launch → first verified piece`,
      unit: 's',
      better: 'lower',
    }),
    cpuSecPerGiB: measurement(figure, subject, `cpu-s-per-gib-${config}`, {
      label: `${label}: leecher CPU per GiB`,
      unit: 's',
      better: 'lower',
    }),
  };
}

/** One fresh leecher process: launch → first piece → every piece, output checked by SHA-256. */
async function timeLeecher(
  ctx: BenchContext,
  swarm: Swarm,
  leecher: PeerClient,
  outDir: string,
  rows: LeecherRows,
): Promise<void> {
  await mkdir(outDir, { recursive: true });
  let peer: RunningPeer | undefined;
  try {
    peer = await leecher.launch({
      torrentFile: swarm.torrentFile,
      saveDir: outDir,
      seed: false,
      workDir: `${outDir}-work`,
    });
    const timeoutMs = ctx.options.transferTimeoutSec * 1000;
    const firstAt = await peer.waitFirstPiece(timeoutMs);
    const doneAt = await peer.waitFinished(timeoutMs);
    const stats = peer.child.stats();
    await peer.stop();
    const sha = await sha256File(path.join(outDir, swarm.payload.name));
    if (sha !== swarm.payload.sha256Hex) throw new Error('output differs from the source (SHA-256)');
    const seconds = (doneAt - peer.child.startedAtMs) / 1000;
    rows.mbps.samples.push(swarm.payload.lengthBytes / 1e6 / seconds);
    rows.firstPieceSec.samples.push((firstAt - peer.child.startedAtMs) / 1000);
    rows.cpuSecPerGiB.samples.push(stats.cpuSec / (swarm.payload.lengthBytes / 2 ** 30));
    ctx.log(
      `    ${leecher.name}: ${(swarm.payload.lengthBytes / 1e6 / seconds).toFixed(1)} MB/s, first piece ` +
        `${((firstAt - peer.child.startedAtMs) / 1000).toFixed(2)} s, CPU ${stats.cpuSec.toFixed(2)} s`,
    );
  } catch (err) {
    const reason = (err as Error).message;
    for (const m of Object.values(rows) as Measurement[]) m.failures.push(reason);
    ctx.log(`    ${leecher.name} failed: ${reason}`);
  } finally {
    await peer?.stop();
    await rm(outDir, { recursive: true, force: true });
    await rm(`${outDir}-work`, { recursive: true, force: true });
  }
}

interface SeederSetup {
  /** Part of the metric key and label: `1lt`, `3lt`, `1tr`. */
  key: string;
  describe: string;
  seeder: PeerClient;
  seeders: number;
  payload: () => Promise<Payload>;
}

/**
 * Runs `ctx.options.runs` rounds in one swarm per load; each round times both leechers,
 * Swarmdrop first in odd rounds and libtorrent first in even ones. A warm-up round (not
 * counted) precedes the first round of a full run, as in the transfer figures.
 */
async function measureSetup(
  ctx: BenchContext,
  figure: string,
  setup: SeederSetup,
  load: Load,
  leechers: PeerClient[],
  rows: Map<string, LeecherRows>,
): Promise<void> {
  const spec: SwarmSpec = {
    figure,
    subject: `${setup.key}-${load}`,
    label: `${setup.describe}, ${load}`,
    seeder: setup.seeder,
    seeders: setup.seeders,
    leecher: leechers[0]!,
    payload: await setup.payload(),
  };
  const reason = swarmUnavailable(ctx, spec) ?? leechers.map((l) => l.unavailable()).find(Boolean);
  if (reason) {
    for (const r of rows.values()) for (const m of Object.values(r) as Measurement[]) m.unavailable = reason;
    return;
  }
  const rounds = Array.from({ length: ctx.options.runs }, (_, i) => i + 1);
  if (!ctx.options.quick) rounds.unshift(0); // round 0: the warm-up
  // Each step: one leecher's transfer in one round; odd rounds Swarmdrop first.
  const steps = rounds.flatMap((round) =>
    (round % 2 === 1 ? leechers : [...leechers].reverse()).map((leecher) => ({ round, leecher })),
  );
  const runSteps = async (swarm: Swarm, which: typeof steps): Promise<void> => {
    for (const { round, leecher } of which) {
      ctx.log(`  ${spec.label} ${round === 0 ? 'warm-up (not counted)' : `round ${round}`}`);
      const target =
        round === 0 ? leecherRows(figure, leecher.name, 'warm-up', 'warm-up') : rows.get(leecher.name)!;
      await timeLeecher(ctx, swarm, leecher, path.join(swarm.dir, `${leecher.name}-${round}`), target);
    }
  };
  // A seeder that serves one leecher per process gets a new swarm per transfer.
  const swarms = setup.seeder.freshSeederPerRun !== undefined ? steps.map((s) => [s]) : [steps];
  for (const which of swarms) {
    try {
      await withSwarm(ctx, spec, async (swarm) => {
        const burners = load === 'busy' ? startBurners(2) : [];
        try {
          await runSteps(swarm, which);
        } finally {
          stopBurners(burners);
        }
      });
    } catch (err) {
      for (const r of rows.values())
        for (const m of Object.values(r) as Measurement[])
          m.failures.push(`swarm: ${(err as Error).message}`);
    }
  }
}

export const foreignSeeders: Figure = {
  id: 'foreign-seeders',
  title: 'Swarmdrop vs libtorrent leecher, same foreign seeders, quiet and with two CPU burners',
  target:
    '≥ 1.0× libtorrent’s leecher with two CPU burners; ≥ 1.2× quiet with 3 seeders; first piece ≤ 0.3 s from a foreign seeder',
  async run(ctx) {
    const figure = 'foreign-seeders';
    const leechers = [swarmdropPeer(ctx), ctx.peers.libtorrent];
    let smallPayload: Promise<Payload> | undefined;
    // Transmission seeds at ~14 MB/s on loopback: a smaller payload keeps its rows to minutes.
    const transmissionPayloadMiB = ctx.options.quick ? 16 : 128;
    const setups: SeederSetup[] = [
      {
        key: '1lt',
        describe: '1 libtorrent seeder',
        seeder: ctx.peers.libtorrent,
        seeders: 1,
        payload: ctx.payload,
      },
      {
        key: '3lt',
        describe: '3 libtorrent seeders',
        seeder: ctx.peers.libtorrent,
        seeders: 3,
        payload: ctx.payload,
      },
      {
        key: '1tr',
        describe: '1 Transmission seeder',
        seeder: ctx.peers.transmission,
        seeders: 1,
        payload: () =>
          (smallPayload ??= makePayload(path.join(ctx.workDir, 'payload-small'), transmissionPayloadMiB)),
      },
    ];
    const measurements: Measurement[] = [];
    for (const setup of setups) {
      for (const load of ['quiet', 'busy'] as const) {
        const config = `${setup.key}-${load}`;
        const rows = new Map(
          leechers.map((l) => [
            l.name,
            leecherRows(figure, l.name, config, `${l.name} ← ${setup.describe}, ${load}`),
          ]),
        );
        if (ctx.options.quick && setup.key !== '1lt') {
          // CI's --quick run keeps to one seeder: the others add minutes, not coverage.
          for (const r of rows.values())
            for (const m of Object.values(r) as Measurement[])
              m.unavailable = 'not run with --quick (CI); a full run measures it';
        } else await measureSetup(ctx, figure, setup, load, leechers, rows);
        for (const r of rows.values()) measurements.push(r.mbps, r.firstPieceSec, r.cpuSecPerGiB);
      }
    }
    return {
      measurements,
      notes: [
        'Both leechers download from the same seeders in the same swarm (one opentracker on 127.0.0.1), one fresh leecher process at a time, ' +
          'alternating which goes first each round; a run counts only if the output’s SHA-256 equals the source’s.',
        '"busy": two processes busy-looping on the CPU (one per core) from before the first leecher starts until the last one ends.',
        `Libtorrent rows use the run’s payload; Transmission rows a ${transmissionPayloadMiB} MiB payload and a fresh Transmission (same settings, ` +
          'same payload) for every transfer, as it refuses a second leecher from 127.0.0.1 once the first has completed. All on loopback.',
        'Metric keys: 1lt = 1 libtorrent seeder, 3lt = 3 libtorrent seeders, 1tr = 1 Transmission seeder.',
      ],
    };
  },
};
