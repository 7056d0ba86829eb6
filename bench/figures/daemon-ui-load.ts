// What a watching UI costs a download: the daemon runs the engine on the same thread as the
// service that feeds the web UI (torrent batches ≤ 10/s, the watched torrent's detail with
// its piece map and peers 4/s, JSON over the WebSocket). A fresh `swarmdrop daemon`
// downloads the run's payload from one libtorrent seeder on loopback, in alternating runs:
//
// - **no client**: the torrent is added over the WebSocket, which then closes: nobody
//   watches while the payload arrives;
// - **UI client**: a WebSocket client does what the renderer does (the requests of
//   connect-store.ts on connection, `add`, then `watchDetail` on the torrent as selecting
//   it does) and parses every frame it gets until the download completes.
//
// The gap between the two is the most that moving the engine into a worker thread could win
// for a download while a UI watches (docs/PERFORMANCE.md, "An engine worker thread").
import type { BenchContext } from '../lib/context.ts';
import type { Figure } from '../lib/figure.ts';
import { recordPair } from '../lib/paired-runs.ts';
import { measurement, type Measurement } from '../lib/result.ts';
import { swarmUnavailable, withSwarm, type Swarm, type SwarmSpec } from '../lib/swarm.ts';
import { swarmdropPeer } from '../lib/clients/swarmdrop-peer.ts';
import { daemonDownload, daemonUnavailable, type DaemonDownloadResult } from '../lib/daemon-download.ts';

const ID = 'daemon-ui-load';

interface Rows {
  mbpsNone: Measurement;
  mbpsUi: Measurement;
  ratio: Measurement;
  cpuNone: Measurement;
  cpuUi: Measurement;
}

function rows(): Rows {
  const row = (metric: string, label: string, unit: string, better: 'higher' | 'lower') =>
    measurement(ID, 'swarmdrop', metric, { label, unit, better });
  return {
    mbpsNone: row('mbps-no-client', 'no client: daemon MB/s (add → complete)', 'MB/s', 'higher'),
    mbpsUi: row('mbps-ui-client', 'UI client (torrents + watchDetail): daemon MB/s', 'MB/s', 'higher'),
    ratio: row('ui-ratio', 'MB/s with the UI client ÷ without (each pair in turn)', '×', 'higher'),
    cpuNone: row('cpu-s-per-gib-no-client', 'no client: daemon CPU per GiB', 's', 'lower'),
    cpuUi: row(
      'cpu-s-per-gib-ui-client',
      'UI client: daemon CPU per GiB (serving the UI included)',
      's',
      'lower',
    ),
  };
}

export const daemonUiLoad: Figure = {
  id: ID,
  title: 'Daemon download (1 libtorrent seeder) with and without a web UI client watching it',
  target: 'information: the most an engine worker could win',
  async run(ctx) {
    const r = rows();
    const all = Object.values(r) as Measurement[];
    const spec: SwarmSpec = {
      figure: ID,
      subject: 'libtorrent',
      label: `${ID}: 1 libtorrent seeder`,
      seeder: ctx.peers.libtorrent,
      seeders: 1,
      leecher: swarmdropPeer(ctx),
    };
    const reason = swarmUnavailable(ctx, spec) ?? daemonUnavailable(ctx);
    if (reason) {
      for (const m of all) m.unavailable = reason;
      return { measurements: all, notes: [] };
    }
    const runNotes: string[] = [];
    try {
      await withSwarm(ctx, spec, async (swarm) => {
        // One warm-up transfer on full runs, not counted (the page-cache effect described in
        // bench/lib/swarm.ts hits whichever transfer comes first).
        if (!ctx.options.quick) await measureRun(ctx, swarm, 'warm-up', false);
        for (let round = 1; round <= ctx.options.runs; round++) {
          // Odd rounds without the client first, even rounds with it first.
          const order = round % 2 === 1 ? [false, true] : [true, false];
          const results = new Map<boolean, DaemonDownloadResult | Error>();
          for (const ui of order) results.set(ui, await measureRun(ctx, swarm, `${round}`, ui));
          const none = results.get(false)!;
          const ui = results.get(true)!;
          if (none instanceof Error || ui instanceof Error) {
            const failed = none instanceof Error ? none : (ui as Error);
            for (const m of all) m.failures.push(`round ${round}: ${failed.message}`);
            continue;
          }
          recordPair(
            { mbps: [r.mbpsNone, r.mbpsUi], ratio: r.ratio, cpuPerGib: [r.cpuNone, r.cpuUi] },
            none,
            ui,
            swarm.payload.lengthBytes,
          );
          const got = ui.received;
          const line =
            `round ${round}: no client ${none.mbps.toFixed(0)} MB/s, UI client ${ui.mbps.toFixed(0)} MB/s ` +
            `(${(ui.mbps / none.mbps).toFixed(2)}×); the client got ${got.torrents} torrents batches, ` +
            `${got.detail} details, ${got.status} status, ${(got.bytes / 1024).toFixed(0)} KiB in ${ui.seconds.toFixed(1)} s`;
          runNotes.push(line);
          ctx.log(`  ${line}`);
        }
      });
    } catch (err) {
      for (const m of all) m.failures.push(`swarm: ${(err as Error).message}`);
    }
    return {
      measurements: all,
      notes: [
        `${ctx.options.sizeMiB} MiB payload, 1 MiB pieces, one libtorrent seeder and one opentracker on 127.0.0.1; a fresh \`swarmdrop daemon\` ` +
          '(DHT, LSD, port mapping and the embedded tracker off) per run, runs alternating no client / UI client, the order swapped every round.',
        'Both add the .torrent over the daemon’s WebSocket; "no client" closes it once `add` has answered. The UI client sends what the renderer sends on ' +
          'connection, then `add` and `watchDetail`, and parses every frame. Timed from `add` to the daemon’s `download complete` log line; output checked by SHA-256. ' +
          'CPU is the daemon process’s (every thread) over that window. The ratio is taken per round.',
        ...runNotes,
      ],
    };
  },
};

async function measureRun(
  ctx: BenchContext,
  swarm: Swarm,
  round: string,
  uiClient: boolean,
): Promise<DaemonDownloadResult | Error> {
  const name = `daemon-${round}-${uiClient ? 'ui' : 'none'}`;
  try {
    const result = await daemonDownload(ctx, swarm, { name, uiClient });
    ctx.log(
      `    ${round === 'warm-up' ? 'warm-up (not counted)' : `round ${round}`}, ${uiClient ? 'UI client' : 'no client'}: ` +
        `${result.mbps.toFixed(1)} MB/s, CPU ${result.cpuSec.toFixed(2)} s`,
    );
    return result;
  } catch (err) {
    ctx.log(`    ${name} failed: ${(err as Error).message}`);
    return new Error(`${uiClient ? 'UI client' : 'no client'}: ${(err as Error).message}`);
  }
}
