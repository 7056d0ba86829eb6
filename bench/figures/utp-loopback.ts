// uTP (BEP 29) throughput on loopback next to TCP, each pair from the same kind of seeder:
// - a Swarmdrop seeder feeds a Swarmdrop leecher that dials uTP first (`--prefer-utp`),
//   and, for reference, one with `--no-utp` (both ends). The two say how big a datagram
//   they read, so their uTP packets grow to what loopback carries (32 KiB), as TCP's
//   segments do (engine/utp/path-mtu.ts).
// - a libtorrent seeder with TCP off (uTP only) feeds a Swarmdrop leecher — libtorrent
//   sends ~1450-byte packets on every path, so this is Node's per-datagram cost — and a
//   libtorrent leecher (its own uTP); a libtorrent seeder on TCP feeds a Swarmdrop leecher
//   with `--no-utp`.
// Goals (targets.ts): between Swarmdrops, uTP MB/s ≥ 0.6× TCP MB/s; from a libtorrent
// seeder, whose own uTP sending costs more CPU than two cores leave for 0.6×, our
// leecher at least as fast as libtorrent's on the same seeder. Each
// Swarmdrop run fails unless its first piece came over the transport its row names. CPU
// per GiB is the leecher's CPU seconds scaled to 1 GiB.
import type { Figure } from '../lib/figure.ts';
import type { LaunchOptions, PeerClient } from '../../harness/peer-client.ts';
import { measurement, type Measurement } from '../lib/result.ts';
import { measureTransfers, swarmUnavailable, transferRows, type SwarmSpec } from '../lib/swarm.ts';
import { swarmdropPeer } from '../lib/clients/swarmdrop-peer.ts';
import { nativeUdpUnavailable } from '../../src-main/net/datagram-port.ts';

/** `client` launched with `transport` (LaunchOptions.transport) every time. */
function over(client: PeerClient, transport: NonNullable<LaunchOptions['transport']>): PeerClient {
  return { ...client, launch: (o) => client.launch({ ...o, transport }) };
}

/** A Swarmdrop leecher on `transport` whose run fails when its first piece came over the other one. */
function checkedOver(client: PeerClient, transport: NonNullable<LaunchOptions['transport']>): PeerClient {
  const expected = transport === 'utp-only' ? 'utp' : 'tcp';
  return {
    ...client,
    async launch(o) {
      const peer = await client.launch({ ...o, transport });
      return {
        ...peer,
        async waitFinished(timeoutMs) {
          const at = await peer.waitFinished(timeoutMs);
          const used = await peer.firstPieceTransport?.(1000);
          if (used !== expected) throw new Error(`its first piece came over ${used ?? '?'}, not ${expected}`);
          return at;
        },
      };
    },
  };
}

export const utpLoopback: Figure = {
  id: 'utp-loopback',
  title: 'uTP on loopback next to TCP (1 seeder → 1 leecher)',
  target:
    'Swarmdrop over uTP ≥ 0.6× Swarmdrop over TCP (MB/s) between Swarmdrops; from a libtorrent seeder, Swarmdrop ≥ libtorrent as uTP leecher; CPU per GiB shown',
  async run(ctx) {
    const payload = await ctx.payload();
    const gib = payload.lengthBytes / 2 ** 30;
    const swarmdrop = swarmdropPeer(ctx);
    const libtorrent = ctx.peers.libtorrent;
    const cases: { subject: string; label: string; seeder: PeerClient; leecher: PeerClient }[] = [
      {
        subject: 'swarmdrop-utp-from-swarmdrop',
        label: 'swarmdrop → swarmdrop --prefer-utp, over uTP',
        seeder: over(swarmdrop, 'utp-only'),
        leecher: checkedOver(swarmdrop, 'utp-only'),
      },
      {
        subject: 'swarmdrop-tcp-from-swarmdrop',
        label: 'swarmdrop --no-utp → swarmdrop --no-utp, over TCP',
        seeder: over(swarmdrop, 'tcp-only'),
        leecher: checkedOver(swarmdrop, 'tcp-only'),
      },
      {
        subject: 'swarmdrop-utp',
        label: 'libtorrent (uTP only) → swarmdrop, over uTP',
        seeder: over(libtorrent, 'utp-only'),
        leecher: checkedOver(swarmdrop, 'utp-only'),
      },
      {
        subject: 'swarmdrop-tcp',
        label: 'libtorrent (TCP) → swarmdrop --no-utp, over TCP',
        seeder: over(libtorrent, 'tcp-only'),
        leecher: checkedOver(swarmdrop, 'tcp-only'),
      },
      {
        subject: 'libtorrent-utp',
        label: 'libtorrent (uTP only) → libtorrent (uTP only)',
        seeder: over(libtorrent, 'utp-only'),
        leecher: over(libtorrent, 'utp-only'),
      },
    ];
    // The CLI processes load the same dist/native as this one (net/native-udp.ts).
    const whyNoNative = nativeUdpUnavailable();
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
        `${(payload.lengthBytes / 2 ** 20).toFixed(0)} MiB payload, 1 MiB pieces, one seeder on 127.0.0.1, one opentracker; ` +
          'MB/s from leecher launch to all pieces verified, SHA-256 checked. ' +
          'Swarmdrop seeder: `get --prefer-utp` (uTP dialed first; both ends read 64 KiB datagrams, so packets carry 32 KiB on loopback) or `--no-utp`. ' +
          'libtorrent 2.0 seeder: uTP only (enable_incoming_tcp and enable_outgoing_tcp false; packets of ~1450 payload bytes on every path) or TCP only, its benchmark default. ' +
          "Every Swarmdrop run's first piece came over the transport its row names (checked). " +
          (whyNoNative
            ? `Swarmdrop's UDP socket: Node's dgram (${whyNoNative}).`
            : "Swarmdrop's UDP socket: the native one (recvmmsg into a reused buffer, net/datagram-port.ts)."),
      ],
    };
  },
};
