// Launch → first peer with no tracker, found on the LAN: by LSD (BEP 14) and by the LAN
// catalog (Nearby). Loopback multicast (interface 127.0.0.1) on ports picked for the run,
// so the bench stays on this machine like every other figure.
//
// Setup, not timed: a seeder session shares a 1 MiB file with LSD and the LAN catalog on.
// Each run then opens a fresh leecher session and times, from the call that opens it:
//  - LSD: add the bare info-hash (no peers, no trackers) → first peer connected. The
//    leecher's start-up announce makes the seeder dial it (BEP 14 has no answer message).
//  - LAN catalog: LSD off; the session's query is answered by the seeder → the share is
//    listed → added with the announcing machine as a direct peer → first peer connected.
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSession } from '../../src-main/engine/session/open-session.ts';
import type { LanOptions, Session } from '../../src-main/engine/session-api.ts';
import { formatMagnet } from '../../src-main/protocol/magnet.ts';
import type { Figure } from '../lib/figure.ts';
import { measurement, type Measurement } from '../lib/result.ts';

const TIMEOUT_MS = 30_000;

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function until<T>(
  what: string,
  check: () => T | undefined,
  subscribe: (wake: () => void) => () => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let off = (): void => undefined;
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${what} within ${TIMEOUT_MS / 1000} s`));
    }, TIMEOUT_MS);
    const wake = () => {
      const value = check();
      if (value === undefined) return;
      clearTimeout(timer);
      off();
      resolve(value);
    };
    off = subscribe(wake);
    wake();
  });
}

export const lanDiscovery: Figure = {
  id: 'lan-discovery',
  title: 'Launch → first peer on the LAN, no tracker (LSD, LAN catalog)',
  async run(ctx) {
    const viaLsd = measurement('lan-discovery', 'swarmdrop', 'lsd-first-peer-s', {
      label: 'session open → first peer, by LSD (BEP 14)',
      unit: 's',
      better: 'lower',
    });
    const viaNearby = measurement('lan-discovery', 'swarmdrop', 'nearby-first-peer-s', {
      label: 'session open → first peer, by the LAN catalog (query, list, dial)',
      unit: 's',
      better: 'lower',
    });
    const listed = measurement('lan-discovery', 'swarmdrop', 'nearby-listed-s', {
      label: 'session open → share listed in the LAN catalog',
      unit: 's',
      better: 'lower',
    });
    const dir = path.join(ctx.workDir, 'lan-discovery');
    await mkdir(path.join(dir, 'seed'), { recursive: true });
    const file = path.join(dir, 'seed', 'lan-payload.bin');
    await writeFile(file, randomBytes(1024 * 1024));
    const lan: LanOptions = {
      interfaceAddress: '127.0.0.1',
      lsdPort: await freeUdpPort(),
      nearbyPort: await freeUdpPort(),
    };
    const seeder = await openSession({
      dataDir: path.join(dir, 'seed-data'),
      downloadDir: path.join(dir, 'seed'),
      peerHost: '127.0.0.1',
      peerPort: 0,
      restoreTorrents: false,
      publishOnShare: false,
      lan: { ...lan, lsd: true, nearby: true },
    });
    const all: Measurement[] = [viaLsd, listed, viaNearby];
    try {
      const { id } = await seeder.share([file]);
      for (let run = 1; run <= ctx.options.runs; run++) {
        await timeRun(ctx.log, run, 'LSD', viaLsd, async (started) => {
          const s = await openLeecher(dir, `lsd-${run}`, { ...lan, lsd: true, nearby: false });
          try {
            await s.add({ kind: 'info-hash', infoHashHex: id });
            await firstPeer(s, id);
            return (performance.now() - started) / 1000;
          } finally {
            await s.close();
          }
        });
        await timeRun(ctx.log, run, 'LAN catalog', viaNearby, async (started) => {
          const s = await openLeecher(dir, `nearby-${run}`, {
            ...lan,
            lsd: false,
            nearby: true,
            advertiseShares: false,
          });
          try {
            const share = await until(
              'LAN catalog entry',
              () => s.nearby().find((e) => e.infoHashHex === id),
              (wake) => s.on('nearby', wake),
            );
            listed.samples.push((performance.now() - started) / 1000);
            const peer = `${share.host}:${share.peerPort}`;
            await s.add({
              kind: 'magnet',
              uri: formatMagnet({ infoHashHex: id, name: share.name, trackers: [], peers: [peer] }),
            });
            await firstPeer(s, id);
            return (performance.now() - started) / 1000;
          } finally {
            await s.close();
          }
        });
      }
    } catch (err) {
      for (const m of all) m.failures.push(`setup: ${(err as Error).message}`);
    } finally {
      await seeder.close();
    }
    return {
      measurements: all,
      notes: [
        'Two engine sessions in this process on loopback multicast (interface 127.0.0.1), one seeding a 1 MiB file; a fresh leecher session per run. ' +
          '"First peer" = the leecher has a connected peer for the torrent. On a real LAN add the wire time of one or two datagrams.',
      ],
    };
  },
};

function openLeecher(dir: string, tag: string, lan: LanOptions): Promise<Session> {
  return openSession({
    dataDir: path.join(dir, `${tag}-data`),
    downloadDir: path.join(dir, tag),
    peerHost: '127.0.0.1',
    peerPort: 0,
    restoreTorrents: false,
    lan,
  });
}

function firstPeer(s: Session, id: string): Promise<true> {
  return until(
    'peer',
    () => ((s.list().find((t) => t.id === id)?.peers ?? 0) > 0 ? true : undefined),
    (wake) => s.on('update', wake),
  );
}

async function timeRun(
  log: (m: string) => void,
  run: number,
  what: string,
  m: Measurement,
  body: (startedMs: number) => Promise<number>,
): Promise<void> {
  try {
    const seconds = await body(performance.now());
    m.samples.push(seconds);
    log(`  run ${run}: first peer by ${what} after ${(seconds * 1000).toFixed(0)} ms`);
  } catch (err) {
    m.failures.push(`run ${run}: ${(err as Error).message}`);
  }
}
