// One seeder → N leechers of the same client, all leechers started at once: the time until
// the last one has every piece, and the seeder's share of what the leechers received (1.0 =
// the seeder sent every byte to every leecher; lower = the leechers fed each other). This is
// the first hour of a share handed to a room full of people.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BenchContext } from '../lib/context.ts';
import type { Figure } from '../lib/figure.ts';
import { measurement, type Measurement } from '../lib/result.ts';
import { swarmUnavailable, withSwarm, type Swarm, type SwarmSpec } from '../lib/swarm.ts';
import { swarmdropPeer } from '../lib/clients/swarmdrop-peer.ts';
import { makePayload, sha256File, type Payload } from '../../harness/payload.ts';
import type { PeerClient, RunningPeer } from '../../harness/peer-client.ts';

/** The latest upload total a peer printed ({"event":"totals"} lines), or undefined. */
function uploadedBytes(peer: RunningPeer): number | undefined {
  const totals = peer.child.allEvents().filter((e) => e.json?.event === 'totals');
  const last = totals[totals.length - 1]?.json?.uploadedBytes;
  return typeof last === 'number' ? last : undefined;
}

async function oneSwarm(
  ctx: BenchContext,
  swarm: Swarm,
  client: PeerClient,
  leecherCount: number,
  rows: { totalSec: Measurement; seederShare: Measurement },
): Promise<void> {
  const leechers: RunningPeer[] = [];
  try {
    const uploadedBefore = uploadedBytes(swarm.seeders[0]!) ?? 0;
    for (let i = 0; i < leecherCount; i++) {
      const dir = path.join(swarm.dir, `leecher-${i}`);
      await mkdir(dir, { recursive: true });
      leechers.push(
        await client.launch({
          torrentFile: swarm.torrentFile,
          saveDir: dir,
          seed: false,
          workDir: `${dir}-work`,
        }),
      );
    }
    const startedAt = Math.min(...leechers.map((l) => l.child.startedAtMs));
    const timeoutMs = ctx.options.transferTimeoutSec * 1000;
    const doneAt = await Promise.all(leechers.map((l) => l.waitFinished(timeoutMs)));
    const seconds = (Math.max(...doneAt) - startedAt) / 1000;
    for (let i = 0; i < leecherCount; i++) {
      const sha = await sha256File(path.join(swarm.dir, `leecher-${i}`, swarm.payload.name));
      if (sha !== swarm.payload.sha256Hex)
        throw new Error(`leecher ${i}: output differs from the source (SHA-256)`);
    }
    // The seeder prints its totals once a second: wait for one printed after the last finish.
    const seeder = swarm.seeders[0]!;
    const finishedAt = performance.now();
    await seeder.child.waitFor(
      (e) => e.json?.event === 'totals' && e.atMs > finishedAt,
      5000,
      'the seeder’s upload totals',
    );
    const sent = (uploadedBytes(seeder) ?? 0) - uploadedBefore;
    const share = sent / (leecherCount * swarm.payload.lengthBytes);
    rows.totalSec.samples.push(seconds);
    rows.seederShare.samples.push(share);
    ctx.log(
      `    ${client.name} 1→${leecherCount}: ${seconds.toFixed(1)} s, seeder sent ${(share * 100).toFixed(0)}%`,
    );
  } catch (err) {
    for (const m of Object.values(rows)) m.failures.push((err as Error).message);
    ctx.log(`    ${client.name} 1→${leecherCount} failed: ${(err as Error).message}`);
  } finally {
    await Promise.all(leechers.map((l) => l.stop()));
  }
}

export const swarmFigure: Figure = {
  id: 'swarm',
  title: '1 seeder → N leechers at once, same client',
  async run(ctx) {
    const sizeMiB = ctx.options.quick ? 8 : 128;
    let payload: Promise<Payload> | undefined;
    const counts = ctx.options.quick ? [4] : [10, 25];
    const measurements: Measurement[] = [];
    const configs: { client: PeerClient; seeder: PeerClient; suffix: string; describe: string }[] = [
      { client: swarmdropPeer(ctx), seeder: swarmdropPeer(ctx), suffix: '', describe: 'swarmdrop' },
      {
        client: swarmdropPeer(ctx),
        seeder: swarmdropPeer(ctx, { superSeed: true }),
        suffix: '-super-seed',
        describe: 'swarmdrop, seeder super-seeding',
      },
      { client: ctx.peers.libtorrent, seeder: ctx.peers.libtorrent, suffix: '', describe: 'libtorrent' },
    ];
    for (const { client, seeder, suffix, describe } of configs) {
      for (const n of counts) {
        const rows = {
          totalSec: measurement('swarm', client.name, `total-s-${n}${suffix}`, {
            label: `${describe} 1→${n}: until the last leecher is complete`,
            unit: 's',
            better: 'lower',
          }),
          seederShare: measurement('swarm', client.name, `seeder-share-${n}${suffix}`, {
            label: `${describe} 1→${n}: seeder's upload ÷ (N × payload)`,
            unit: '×',
            better: 'lower',
          }),
        };
        measurements.push(rows.totalSec, rows.seederShare);
        payload ??= makePayload(path.join(ctx.workDir, 'payload-swarm'), sizeMiB);
        const spec: SwarmSpec = {
          figure: 'swarm',
          subject: `${client.name}${suffix}-${n}`,
          label: `${describe} 1→${n}`,
          seeder,
          seeders: 1,
          leecher: client,
          payload: await payload,
        };
        const reason = swarmUnavailable(ctx, spec);
        if (reason) {
          rows.totalSec.unavailable = rows.seederShare.unavailable = reason;
          continue;
        }
        for (let run = 1; run <= ctx.options.runs; run++) {
          try {
            await withSwarm(ctx, spec, (swarm) => oneSwarm(ctx, swarm, client, n, rows));
          } catch (err) {
            for (const m of Object.values(rows)) m.failures.push(`swarm: ${(err as Error).message}`);
          }
        }
      }
    }
    return {
      measurements,
      notes: [
        `${sizeMiB} MiB payload, 1 MiB pieces; one seeder process and N leecher processes of the same client, all started at once ` +
          'with one opentracker on 127.0.0.1; a fresh swarm per run; time from the first leecher’s launch to the last one’s ' +
          '"all pieces verified"; every output checked by SHA-256. Leechers keep seeding once complete, as people’s clients do.',
        'The "-super-seed" rows start the Swarmdrop seeder with --super-seed (BEP 16: each leecher is offered one piece at a time); ' +
          'libtorrent’s rows use its defaults (no super-seeding).',
        'Seeder share: bytes the seeder uploaded ÷ (N × payload), read from its once-a-second totals; 1.0 means it sent everything ' +
          'to everyone, lower means the leechers fed each other.',
      ],
    };
  },
};
