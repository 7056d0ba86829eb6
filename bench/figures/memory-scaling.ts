// Memory constant in file size (target: leecher peak anon RSS ≤ 150 MB, and 4 GiB within
// 10% of 1 GiB). Swarmdrop 1 seeder → 1 leecher, through the same swarm machinery as the
// transfer figures, on a small and a large payload: 1 GiB and 4 GiB (--quick: 32 and
// 128 MiB, which only exercises the harness). A size equal to the run's shared payload
// reuses it. Peak anonymous RSS is what the client itself holds; file-backed page cache of
// the payload is the kernel's and is shown separately as VmHWM.
import { rm, statfs } from 'node:fs/promises';
import path from 'node:path';
import type { BenchContext } from '../lib/context.ts';
import type { Figure } from '../lib/figure.ts';
import { makePayload, type Payload } from '../../harness/payload.ts';
import { measurement, summarize, type Measurement } from '../lib/result.ts';
import { measureTransfers, swarmUnavailable, transferRows, type SwarmSpec } from '../lib/swarm.ts';
import { swarmdropPeer } from '../lib/clients/swarmdrop-peer.ts';

const ID = 'memory-scaling';
const MiB = 2 ** 20;

const sizeText = (mib: number): string => (mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`);

export const memoryScaling: Figure = {
  id: ID,
  title: 'Leecher memory at two file sizes (1 GiB and 4 GiB; --quick: 32 and 128 MiB)',
  target: 'leecher peak anon RSS ≤ 150 MB, and 4 GiB within 10% of 1 GiB',
  async run(ctx) {
    const sizes = ctx.options.quick ? { small: 32, large: 128 } : { small: 1024, large: 4096 };
    const client = swarmdropPeer(ctx);
    const rowsOf = (which: 'small' | 'large'): { anon: Measurement; hwm: Measurement } => {
      const size = sizeText(sizes[which]);
      return {
        anon: measurement(ID, 'swarmdrop', `${which}-anon-mib`, {
          label: `${size}: leecher peak anon RSS`,
          unit: 'MiB',
          better: 'lower',
        }),
        hwm: measurement(ID, 'swarmdrop', `${which}-hwm-mib`, {
          label: `${size}: leecher peak RSS (VmHWM, incl. file pages)`,
          unit: 'MiB',
          better: 'lower',
        }),
      };
    };
    const small = rowsOf('small');
    const large = rowsOf('large');
    const ratio = measurement(ID, 'swarmdrop', 'anon-ratio', {
      label: `peak anon RSS, ${sizeText(sizes.large)} ÷ ${sizeText(sizes.small)} (ratio of medians)`,
      unit: '×',
      better: 'lower',
    });
    const all = [small.anon, large.anon, ratio, small.hwm, large.hwm];

    const spec = (payload?: Payload): SwarmSpec => ({
      figure: ID,
      subject: 'swarmdrop',
      label: 'swarmdrop → swarmdrop',
      seeder: client,
      seeders: 1,
      leecher: client,
      payload,
    });
    // Both payloads and one leecher copy of the large one, plus 1 GiB of slack.
    const needBytes = (sizes.small + 2 * sizes.large + 1024) * MiB;
    const reason = swarmUnavailable(ctx, spec()) ?? (await diskShortfall(ctx.workDir, needBytes));
    if (reason) {
      for (const m of all) m.unavailable = reason;
      return { measurements: all, notes: [] };
    }

    for (const [which, rows] of [
      ['small', small],
      ['large', large],
    ] as const) {
      await measureSize(ctx, sizes[which], rows, spec);
    }
    const a = summarize(small.anon);
    const b = summarize(large.anon);
    if (a.median !== undefined && b.median !== undefined && a.median > 0)
      ratio.samples.push(b.median / a.median);
    else
      ratio.unavailable = `needs both sizes measured: ${a.unavailable ?? b.unavailable ?? 'small median is 0'}`;

    return {
      measurements: all,
      notes: [
        `Swarmdrop 1 seeder → 1 leecher on ${sizeText(sizes.small)} and ${sizeText(sizes.large)} pseudo-random ` +
          'payloads (1 MiB pieces), one opentracker on 127.0.0.1, a fresh leecher process per run, each output ' +
          'checked byte-identical (SHA-256). Peak anon RSS = highest RssAnon sampled every 50 ms; the ratio row ' +
          'divides the two medians.',
      ],
    };
  },
};

async function measureSize(
  ctx: BenchContext,
  sizeMiB: number,
  rows: { anon: Measurement; hwm: Measurement },
  spec: (payload?: Payload) => SwarmSpec,
): Promise<void> {
  // The run's shared payload when it has this size (a default full run: 1 GiB), else our own.
  const shared = sizeMiB === ctx.options.sizeMiB;
  const dir = path.join(ctx.workDir, ID, `payload-${sizeMiB}`);
  try {
    let payload: Payload | undefined;
    if (!shared) {
      const t = Date.now();
      payload = await makePayload(dir, sizeMiB);
      ctx.log(`  payload: ${sizeText(sizeMiB)} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    // Seeder check and transfer time-outs scale with the payload, as the transfer figures' do.
    const sized: BenchContext = {
      ...ctx,
      options: { ...ctx.options, transferTimeoutSec: Math.max(60, Math.ceil(sizeMiB / 4)) },
    };
    const transfer = transferRows(ID, 'swarmdrop', `${sizeText(sizeMiB)} swarmdrop → swarmdrop`);
    await measureTransfers(sized, spec(payload), transfer);
    rows.anon.samples.push(...transfer.peakAnonMiB.samples);
    rows.anon.failures.push(...transfer.peakAnonMiB.failures);
    rows.hwm.samples.push(...transfer.peakRssMiB.samples);
    rows.hwm.failures.push(...transfer.peakRssMiB.failures);
  } catch (err) {
    const why = `${sizeText(sizeMiB)}: ${(err as Error).message}`;
    rows.anon.failures.push(why);
    rows.hwm.failures.push(why);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Why `dir`'s file system cannot hold `needBytes` more, or undefined. */
async function diskShortfall(dir: string, needBytes: number): Promise<string | undefined> {
  const fs = await statfs(dir);
  const freeBytes = fs.bavail * fs.bsize;
  if (freeBytes >= needBytes) return undefined;
  return `not enough disk: needs ${(needBytes / 2 ** 30).toFixed(1)} GiB free in ${dir}, has ${(freeBytes / 2 ** 30).toFixed(1)} GiB`;
}
