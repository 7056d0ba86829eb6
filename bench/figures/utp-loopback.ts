// uTP (BEP 29) throughput on loopback next to TCP, from the same kind of seeder: a
// libtorrent seeder with TCP off (uTP only) feeds a Swarmdrop leecher — so every byte
// crosses our uTP — and, for reference, a libtorrent leecher (its own uTP); a libtorrent
// seeder on TCP feeds a Swarmdrop leecher with `--no-utp`. Goal: Swarmdrop's uTP MB/s
// ≥ 0.6× its TCP MB/s. CPU per GiB is the leecher's CPU seconds scaled to 1 GiB.
import type { Figure } from '../lib/figure.ts';
import type { LaunchOptions, PeerClient } from '../../harness/peer-client.ts';
import { measurement, type Measurement } from '../lib/result.ts';
import { measureTransfers, swarmUnavailable, transferRows, type SwarmSpec } from '../lib/swarm.ts';
import { swarmdropPeer } from '../lib/clients/swarmdrop-peer.ts';

/** `client` launched with `transport` (LaunchOptions.transport) every time. */
function over(client: PeerClient, transport: NonNullable<LaunchOptions['transport']>): PeerClient {
  return { ...client, launch: (o) => client.launch({ ...o, transport }) };
}

export const utpLoopback: Figure = {
  id: 'utp-loopback',
  title: 'uTP on loopback next to TCP (1 libtorrent seeder → 1 leecher)',
  target: 'Swarmdrop over uTP ≥ 0.6× Swarmdrop over TCP (MB/s); CPU per GiB shown',
  async run(ctx) {
    const payload = await ctx.payload();
    const gib = payload.lengthBytes / 2 ** 30;
    const swarmdrop = swarmdropPeer(ctx);
    const libtorrent = ctx.peers.libtorrent;
    const cases: { subject: string; label: string; seeder: PeerClient; leecher: PeerClient }[] = [
      {
        subject: 'swarmdrop-utp',
        label: 'libtorrent (uTP only) → swarmdrop, over uTP',
        seeder: over(libtorrent, 'utp-only'),
        leecher: over(swarmdrop, 'utp-only'),
      },
      {
        subject: 'swarmdrop-tcp',
        label: 'libtorrent (TCP) → swarmdrop --no-utp, over TCP',
        seeder: over(libtorrent, 'tcp-only'),
        leecher: over(swarmdrop, 'tcp-only'),
      },
      {
        subject: 'libtorrent-utp',
        label: 'libtorrent (uTP only) → libtorrent (uTP only)',
        seeder: over(libtorrent, 'utp-only'),
        leecher: over(libtorrent, 'utp-only'),
      },
    ];
    const measurements: Measurement[] = [];
    for (const c of cases) {
      const spec: SwarmSpec = { figure: 'utp-loopback', ...c, seeders: 1 };
      const rows = transferRows('utp-loopback', c.subject, c.label);
      const perGib = measurement('utp-loopback', c.subject, 'leecher-cpu-s-per-gib', {
        label: `${c.label}: leecher CPU per GiB`,
        unit: 's',
        better: 'lower',
      });
      const reason = swarmUnavailable(ctx, spec);
      if (reason) {
        for (const m of [...(Object.values(rows) as Measurement[]), perGib]) m.unavailable = reason;
      } else {
        await measureTransfers(ctx, spec, rows);
        perGib.samples.push(...rows.cpuSec.samples.map((s) => s / gib));
        perGib.failures.push(...rows.cpuSec.failures);
      }
      measurements.push(rows.mbps, rows.cpuSec, perGib, rows.peakAnonMiB);
    }
    return {
      measurements,
      notes: [
        `${(payload.lengthBytes / 2 ** 20).toFixed(0)} MiB payload, 1 MiB pieces, one libtorrent 2.0 seeder on 127.0.0.1 ` +
          '(uTP only: enable_incoming_tcp and enable_outgoing_tcp false; or TCP only, its benchmark default), one opentracker; ' +
          'MB/s from leecher launch to all pieces verified, SHA-256 checked. Swarmdrop sends 1400-byte uTP payloads on every path, loopback included.',
      ],
    };
  },
};
