// Each client seeding to the same libtorrent leecher: isolates the seeding side (target:
// "Swarmdrop seeding to a libtorrent leecher ≥ libtorrent seeding to libtorrent").
import type { Figure } from '../lib/figure.ts';
import type { Measurement } from '../lib/result.ts';
import { measureTransfers, swarmUnavailable, transferRows, type SwarmSpec } from '../lib/swarm.ts';
import { swarmdropPeer } from '../lib/clients/swarmdrop-peer.ts';

export const crossSeed: Figure = {
  id: 'cross-seed',
  title: '1 seeder (each client) → 1 libtorrent leecher',
  target: 'Swarmdrop seeding to libtorrent ≥ libtorrent seeding to libtorrent',
  async run(ctx) {
    const leecher = ctx.peers.libtorrent;
    const measurements: Measurement[] = [];
    for (const seeder of [
      swarmdropPeer(ctx),
      ctx.peers.libtorrent,
      ctx.peers.webtorrent,
      ctx.peers.transmission,
    ]) {
      const label = `${seeder.name} → libtorrent`;
      const spec: SwarmSpec = {
        figure: 'cross-seed',
        subject: seeder.name,
        label,
        seeder,
        seeders: 1,
        leecher,
      };
      const rows = transferRows('cross-seed', seeder.name, label);
      const reason = swarmUnavailable(ctx, spec);
      if (reason) rows.mbps.unavailable = reason;
      else {
        await measureTransfers(ctx, spec, rows);
      }
      measurements.push(rows.mbps);
    }
    return {
      measurements,
      notes: [
        'The leecher is always libtorrent (fresh process per run); only the seeding client changes.',
        'Transmission 3.00 as a seeder unchokes a new peer only at its next rechoke (every 10 s), so its time includes that wait; ' +
          'it also gets a fresh seeder per run, as it refuses a second leecher from 127.0.0.1 once the first has completed.',
      ],
    };
  },
};
