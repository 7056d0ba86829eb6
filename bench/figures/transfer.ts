// N seeders → 1 leecher of the same client, on the shared payload: MB/s from leecher
// launch to every piece verified, plus the leecher's CPU seconds and peak memory.
// `transfer-1to1` and `transfer-4to1` are this module with N = 1 and N = 4.
import type { Figure } from '../lib/figure.ts';
import type { PeerClient } from '../../harness/peer-client.ts';
import type { Measurement } from '../lib/result.ts';
import { measureTransfers, swarmUnavailable, transferRows, type SwarmSpec } from '../lib/swarm.ts';
import { swarmdropPeer } from '../lib/clients/swarmdrop-peer.ts';

// Transmission 3.00 treats every 127.x and ::1 peer address it hears from a tracker or PEX
// as "martian" and drops it, and its RPC cannot add a peer by hand; it only accepts
// incoming loopback connections. Two Transmissions on loopback therefore never meet.
const TRANSMISSION_PAIR =
  'not measurable on loopback: Transmission 3.00 drops 127.x/::1 peers from trackers and PEX and cannot dial one by hand, so two Transmissions never connect (it appears as a seeder in cross-seed)';

export function transferFigure(seeders: number): Figure {
  const id = `transfer-${seeders}to1`;
  return {
    id,
    title: `${seeders} seeder${seeders > 1 ? 's' : ''} → 1 leecher, same client`,
    target:
      'MB/s ≥ 1.5× libtorrent and ≥ 1.2× WebTorrent (aim 500 MB/s); leecher CPU ≤ libtorrent; ' +
      'leecher peak anon RSS ≤ 150 MB and constant in file size',
    async run(ctx) {
      const payload = await ctx.payload();
      const clients: PeerClient[] = [
        swarmdropPeer(ctx),
        ctx.peers.libtorrent,
        ctx.peers.webtorrent,
        ctx.peers.transmission,
      ];
      const measurements: Measurement[] = [];
      for (const client of clients) {
        const label = `${client.name} → ${client.name}`;
        const spec: SwarmSpec = {
          figure: id,
          subject: client.name,
          label,
          seeder: client,
          seeders,
          leecher: client,
        };
        const rows = transferRows(id, client.name, label);
        const reason = client.name === 'transmission' ? TRANSMISSION_PAIR : swarmUnavailable(ctx, spec);
        if (reason) {
          for (const m of Object.values(rows) as Measurement[]) m.unavailable = reason;
        } else {
          await measureTransfers(ctx, spec, rows);
        }
        measurements.push(rows.mbps, rows.cpuSec, rows.peakAnonMiB, rows.peakRssMiB, rows.firstMbps);
      }
      return {
        measurements,
        notes: [
          `${(payload.lengthBytes / 2 ** 20).toFixed(0)} MiB payload, 1 MiB pieces, ${seeders} seeder process(es) of the same client, ` +
            `one opentracker on 127.0.0.1; one warm-up transfer per client (shown in its own row, not in the medians), then a fresh leecher process per run; MB/s = 10^6 bytes/s from leecher launch to its ` +
            `"all pieces verified" signal; a run counts only if the output's SHA-256 equals the source's.`,
          'Leecher CPU = utime+stime of the leecher process (all threads) from /proc/<pid>/stat, read after completion; ' +
            'peak anon RSS = highest RssAnon sampled every 50 ms; VmHWM includes file-backed pages (libtorrent 2 mmaps the payload).',
        ],
      };
    },
  };
}
