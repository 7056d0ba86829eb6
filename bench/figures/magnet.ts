// Magnet → first verified piece: a fresh leecher given only a magnet link (info-hash and
// the local tracker) fetches the info dictionary from the seeder (BEP 9) and verifies one
// piece. Timed from leecher launch; the piece it names is re-checked on disk.
import type { Figure } from '../lib/figure.ts';
import { measurement, type Measurement } from '../lib/result.ts';
import { measureFirstPiece, swarmUnavailable, withSwarm, type SwarmSpec } from '../lib/swarm.ts';
import { swarmdropPeer } from '../lib/clients/swarmdrop-peer.ts';

export const magnet: Figure = {
  id: 'magnet',
  title: 'Magnet link → first verified piece',
  target: '≤ 1 s on loopback',
  async run(ctx) {
    const measurements: Measurement[] = [];
    for (const client of [swarmdropPeer(ctx), ctx.peers.libtorrent, ctx.peers.webtorrent]) {
      const label = `${client.name} → ${client.name}, magnet`;
      const spec: SwarmSpec = {
        figure: 'magnet',
        subject: client.name,
        label,
        seeder: client,
        seeders: 1,
        leecher: client,
      };
      const row = measurement('magnet', client.name, 'first-piece-s', { label, unit: 's', better: 'lower' });
      const reason = swarmUnavailable(ctx, spec);
      if (reason) row.unavailable = reason;
      else {
        try {
          await withSwarm(ctx, spec, (swarm) => measureFirstPiece(ctx, spec, swarm, row));
        } catch (err) {
          row.failures.push(`swarm: ${(err as Error).message}`);
        }
      }
      measurements.push(row);
    }
    measurements.push({
      ...measurement('magnet', 'transmission', 'first-piece-s', {
        label: 'transmission → transmission, magnet',
        unit: 's',
        better: 'lower',
      }),
      unavailable:
        'not measurable on loopback: two Transmission 3.00 daemons never connect (127.x peers are dropped as martian)',
    });
    return {
      measurements,
      notes: [
        'Seeder started from the .torrent and confirmed complete first; the leecher gets `magnet:?xt=urn:btih:…&tr=udp://127.0.0.1:…`.',
      ],
    };
  },
};
