// uTP (BEP 29) over a slow, lossy link: a libtorrent seeder (uTP only) in this namespace,
// and in turn a Swarmdrop leecher and a libtorrent leecher (uTP only) in a namespace of
// their own, across a veth pair whose seeder side adds 50 ms of delay and drops 1 % of
// the packets (`tc netem`, bench/lib/netem-link.ts). Both leechers get the same magnet
// (the seeder's address in x.pe, no tracker), so both fetch the metadata the same way;
// the runs alternate between them so a busy moment of the machine hits both alike.
// A kernel built without netem gets the same delay and loss from a UDP relay in the bench
// process on the seeder's side (bench/lib/udp-impairment-relay.ts); the notes say which.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Figure } from '../lib/figure.ts';
import type { BenchContext } from '../lib/context.ts';
import { measurement, type Measurement } from '../lib/result.ts';
import { createNetemLink, netemUnavailable, type NetemLink } from '../lib/netem-link.ts';
import { startImpairmentRelay, type ImpairmentRelay } from '../lib/udp-impairment-relay.ts';
import { makePayload, sha256File, type Payload } from '../../harness/payload.ts';
import { SYSTEM_PYTHON } from '../../harness/clients/libtorrent-client.ts';
import { TrackedChild } from '../../harness/tracked-child.ts';

// Small: with 1 % loss both clients move well under 1 MB/s, and the row must stay near two minutes.
/** Both leechers run below 0.5 MB/s at 1 % loss; --quick only checks that the row works. */
const payloadMiB = (quick: boolean): number => (quick ? 1 : 8);
const NETEM = { delayMs: 50, lossPercent: 1 };
/** A run slower than this (0.3 MB/s) counts as failed, not as a number. */
const TRANSFER_TIMEOUT_MS = 110_000;

interface Leecher {
  subject: 'swarmdrop' | 'libtorrent';
  label: string;
  launch(magnet: string, outDir: string, workDir: string): Promise<TrackedChild>;
  finished(child: TrackedChild): Promise<number>;
}

export const utpNetem: Figure = {
  id: 'utp-netem',
  title: `uTP over a ${NETEM.delayMs} ms, ${NETEM.lossPercent} % loss link (1 libtorrent seeder → 1 leecher)`,
  target: 'Swarmdrop over uTP next to libtorrent over uTP (MB/s), same seeder and link',
  async run(ctx) {
    const label = {
      swarmdrop: 'libtorrent (uTP only) → swarmdrop, over uTP across netem',
      libtorrent: 'libtorrent (uTP only) → libtorrent (uTP only) across netem',
    };
    const rows = {
      swarmdrop: rowsFor('swarmdrop', label.swarmdrop),
      libtorrent: rowsFor('libtorrent', label.libtorrent),
    };
    const all = (): Measurement[] => [
      rows.swarmdrop.mbps,
      rows.swarmdrop.cpuSec,
      rows.libtorrent.mbps,
      rows.libtorrent.cpuSec,
    ];
    const notes = [
      `${payloadMiB(ctx.options.quick)} MiB payload, 1 MiB pieces; the seeder (libtorrent 2.0, uTP only) listens on the outside end of a veth pair, ` +
        `each leecher runs in a network namespace on the inside end; on the seeder side, delay ${NETEM.delayMs} ms and ` +
        `loss ${NETEM.lossPercent} % (so data packets see both, acks neither). The leechers get a magnet naming the seeder ` +
        '(x.pe), no tracker; MB/s from leecher launch to all pieces verified, SHA-256 checked; runs alternate between the two leechers.',
    ];
    const reason = whyUnavailable(ctx);
    if (reason) {
      ctx.log(`  skipped: ${reason}`);
      for (const m of all()) m.unavailable = reason;
      return { measurements: all(), notes };
    }

    const dir = path.join(ctx.workDir, 'utp-netem');
    await mkdir(dir, { recursive: true });
    let link: NetemLink | undefined;
    let relay: ImpairmentRelay | undefined;
    let seeder: TrackedChild | undefined;
    try {
      const payload = await makePayload(path.join(dir, 'payload'), payloadMiB(ctx.options.quick));
      link = createNetemLink('us');
      let noNetem: string | undefined;
      try {
        link.addNetem(NETEM);
      } catch (err) {
        noNetem = ((err as { stderr?: Buffer }).stderr?.toString() ?? (err as Error).message).trim();
      }
      const torrentFile = path.join(dir, 'bench.torrent');
      await writeTrackerlessTorrent(payload, torrentFile);
      seeder = new TrackedChild('libtorrent seeder', SYSTEM_PYTHON, [
        path.join(ctx.repoRoot, 'harness/peers/libtorrent_peer.py'),
        '--torrent',
        torrentFile,
        '--save',
        payload.dir,
        '--seed',
        '--utp-only',
        '--listen',
        link.outsideIp,
      ]);
      const listening = await seeder.waitForEvent('listening', 20_000);
      const port = listening.json?.port;
      if (typeof port !== 'number') throw new Error('the libtorrent seeder did not say its port');
      await seeder.waitForEvent('seeding', 60_000);
      let dialPort = port;
      if (noNetem) {
        relay = await startImpairmentRelay(link.outsideIp, link.outsideIp, port, NETEM);
        dialPort = relay.port;
        const how = `tc netem is not available here (${noNetem}): the delay and loss come from a UDP relay in the bench process`;
        ctx.log(`  ${how}`);
        notes.push(`${how}, between the leecher and the seeder, on what the seeder sends.`);
      } else notes.push('Delay and loss: tc netem on the seeder end of the veth pair.');
      const magnet =
        `magnet:?xt=urn:btih:${payload.infoHashHex}&dn=${encodeURIComponent(payload.name)}` +
        `&x.pe=${link.outsideIp}:${dialPort}`;
      ctx.log(
        `  seeder on ${link.outsideIp}:${port} (uTP only), leechers in namespace ${link.name} dial port ${dialPort}`,
      );
      const leechers = [
        swarmdropLeecher(ctx, link, label.swarmdrop),
        libtorrentLeecher(ctx, link, label.libtorrent),
      ];
      for (let run = 1; run <= ctx.options.runs; run++) {
        for (const leecher of leechers) {
          await measureOne(ctx, leecher, payload, magnet, dir, run, rows[leecher.subject]);
        }
      }
    } catch (err) {
      const failure = `failed: ${(err as Error).message}`;
      ctx.log(`  ${failure}`);
      for (const m of all()) if (m.samples.length === 0) m.unavailable ??= failure;
    } finally {
      await seeder?.stop();
      if (relay)
        ctx.log(`  relay: ${relay.counts.relayed} datagrams relayed, ${relay.counts.dropped} dropped`);
      await relay?.close();
      link?.remove();
      await rm(dir, { recursive: true, force: true });
    }
    return { measurements: all(), notes };
  },
};

function rowsFor(subject: string, label: string): { mbps: Measurement; cpuSec: Measurement } {
  return {
    mbps: measurement('utp-netem', subject, 'mbps', { label, unit: 'MB/s', better: 'higher' }),
    cpuSec: measurement('utp-netem', subject, 'leecher-cpu-s', {
      label: `${label}: leecher CPU`,
      unit: 's',
      better: 'lower',
    }),
  };
}

function whyUnavailable(ctx: BenchContext): string | undefined {
  return netemUnavailable() ?? ctx.peers.libtorrent.unavailable() ?? ctx.swarmdrop.missing('get');
}

/** The .torrent for the seeder: the info dictionary alone, no announce (no tracker runs). */
async function writeTrackerlessTorrent(payload: Payload, file: string): Promise<void> {
  const bytes = Buffer.concat([Buffer.from('d4:info'), payload.infoBytes, Buffer.from('e')]);
  await writeFile(file, bytes);
}

async function measureOne(
  ctx: BenchContext,
  leecher: Leecher,
  payload: Payload,
  magnet: string,
  dir: string,
  run: number,
  rows: { mbps: Measurement; cpuSec: Measurement },
): Promise<void> {
  const outDir = path.join(dir, `${leecher.subject}-${run}`);
  const workDir = `${outDir}-work`;
  await mkdir(outDir, { recursive: true });
  await mkdir(workDir, { recursive: true });
  let child: TrackedChild | undefined;
  try {
    child = await leecher.launch(magnet, outDir, workDir);
    const doneAt = await leecher.finished(child);
    const seconds = (doneAt - child.startedAtMs) / 1000;
    const stats = child.stats();
    await child.stop();
    const sha = await sha256File(path.join(outDir, payload.name));
    if (sha !== payload.sha256Hex) throw new Error('output differs from the source (SHA-256)');
    const mbps = payload.lengthBytes / 1e6 / seconds;
    rows.mbps.samples.push(mbps);
    rows.cpuSec.samples.push(stats.cpuSec);
    ctx.log(`  ${leecher.label} run ${run}: ${mbps.toFixed(2)} MB/s, CPU ${stats.cpuSec.toFixed(2)} s`);
  } catch (err) {
    const reason = (err as Error).message;
    rows.mbps.failures.push(`run ${run}: ${reason}`);
    rows.cpuSec.failures.push(`run ${run}: ${reason}`);
    ctx.log(`  ${leecher.label} run ${run} failed: ${reason}`);
  } finally {
    await child?.stop();
    await rm(outDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  }
}

function swarmdropLeecher(ctx: BenchContext, link: NetemLink, label: string): Leecher {
  return {
    subject: 'swarmdrop',
    label,
    async launch(magnet, outDir, workDir) {
      const { command, args } = link.wrap(process.execPath, [
        ctx.swarmdrop.bin,
        'get',
        magnet,
        '--out',
        outDir,
        '--data-dir',
        workDir,
        '--host',
        link.insideIp,
        '--port',
        '0',
        '--json',
        '--no-dht',
        '--no-lsd',
        '--no-port-mapping',
      ]);
      return new TrackedChild('swarmdrop leecher (netem)', command, args, { sampleMemory: true });
    },
    // `get --json` prints its one JSON document once every piece is verified.
    finished: async (child) =>
      (
        await child.waitFor(
          (e) => typeof e.json?.infoHash === 'string' && typeof e.json?.sizeBytes === 'number',
          TRANSFER_TIMEOUT_MS,
          'completion document',
        )
      ).atMs,
  };
}

function libtorrentLeecher(ctx: BenchContext, link: NetemLink, label: string): Leecher {
  return {
    subject: 'libtorrent',
    label,
    async launch(magnet, outDir) {
      const { command, args } = link.wrap(SYSTEM_PYTHON, [
        path.join(ctx.repoRoot, 'harness/peers/libtorrent_peer.py'),
        '--magnet',
        magnet,
        '--save',
        outDir,
        '--utp-only',
        '--listen',
        link.insideIp,
      ]);
      return new TrackedChild('libtorrent leecher (netem)', command, args, { sampleMemory: true });
    },
    finished: async (child) => (await child.waitForEvent('finished', TRANSFER_TIMEOUT_MS)).atMs,
  };
}
