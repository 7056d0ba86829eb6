/**
 * Hand-run DHT measurement (no assertions; speed goals live in the bench only). Everything
 * is on 127.0.0.1: a local DHT of `fillers` bittorrent-dht nodes joined through one local
 * bootstrap node; no public router is contacted.
 *
 *  1. launch → first peer via DHT: a seeder session shares a file and announces it; then,
 *     `runs` times, a fresh leecher session is opened with the local bootstrap node, adds
 *     the magnet (no tracker) and is timed from openSession() to its first connected peer
 *     and to the download complete.
 *  2. idle DHT traffic: a session seeding `torrents` torrents with the announce interval
 *     shortened to `announceSec` (instead of 15 min) sits idle for `idleSec`; the KRPC
 *     bytes it sent and received in that window, divided by the announce rounds it made,
 *     give bytes per torrent per announce round, × 4 rounds an hour at the real interval.
 *  3. memory: `swarmdrop share` as two child processes, one with the DHT (local bootstrap)
 *     and one with --no-dht, idle for `idleSec`; their RssAnon/VmRSS at the end.
 *
 *   node scripts/build.mjs && npx esbuild bench/dht-micro.ts --bundle --platform=node \
 *     --format=esm --packages=external --outfile=dist/bench/dht-micro.mjs && \
 *     node dist/bench/dht-micro.mjs [idleSec=120] [fillers=40] [torrents=5] [runs=5]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client as DhtClient } from 'bittorrent-dht';
import { openSession } from '../src-main/engine/session/open-session.ts';
import type { Session, SessionOptions } from '../src-main/engine/session-api.ts';
import { formatMagnet } from '../src-main/protocol/magnet.ts';

const idleSec = Number(process.argv[2] ?? 120);
const fillers = Number(process.argv[3] ?? 40);
const torrents = Number(process.argv[4] ?? 5);
const runs = Number(process.argv[5] ?? 5);
const announceSec = 30;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const portOf = (c: DhtClient) => (c as unknown as { address(): { port: number } }).address().port;

async function listen(c: DhtClient): Promise<void> {
  await new Promise<void>((resolve) => c.listen(0, resolve));
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(10);
  }
}

function procKiB(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dht-micro-'));
  const nodes: DhtClient[] = [];
  const sessions: Session[] = [];
  try {
    const root = new DhtClient({ bootstrap: false });
    await listen(root);
    nodes.push(root);
    const bootstrap = `127.0.0.1:${portOf(root)}`;
    for (let i = 0; i < fillers; i++) {
      const n = new DhtClient({ bootstrap: [bootstrap] });
      await listen(n);
      nodes.push(n);
    }
    await Promise.all(
      nodes.slice(1).map((n) => new Promise<void>((r) => (n.ready ? r() : n.once('ready', r)))),
    );
    console.log(`local DHT: 1 bootstrap + ${fillers} nodes on 127.0.0.1 (root knows ${root.nodes.count()})`);

    const open = async (name: string, extra: Partial<SessionOptions>): Promise<Session> => {
      const s = await openSession({
        dataDir: path.join(dir, name, 'data'),
        downloadDir: path.join(dir, name, 'downloads'),
        peerHost: '127.0.0.1',
        peerPort: 0,
        ...extra,
      });
      sessions.push(s);
      return s;
    };

    // ---- seeder with `torrents` shares, announce interval shortened for the idle window
    const seeder = await open('seeder', {
      dht: { enabled: true, bootstrap: [bootstrap] },
      tuning: { dhtAnnounceIntervalMs: announceSec * 1000 },
    });
    const openedAt = performance.now();
    const announced = new Set<string>();
    for (const n of nodes) n.on('announce_peer', (ih: Buffer) => announced.add(ih.toString('hex')));
    const ids: string[] = [];
    for (let i = 0; i < torrents; i++) {
      const file = path.join(dir, 'payload', `t${i}.bin`);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, randomBytes(1024 * 1024));
      ids.push((await seeder.share([file], { publish: false })).id);
    }
    await until(() => ids.every((id) => announced.has(id)), 60_000, 'every share announced');
    const launchTraffic = seeder.dhtStatus()!;
    console.log(
      `seeder: ${torrents} torrents announced ${((performance.now() - openedAt) / 1000).toFixed(2)} s after open; ` +
        `${launchTraffic.nodes} nodes; launch traffic ${launchTraffic.sentBytes} B out, ${launchTraffic.receivedBytes} B in`,
    );

    // ---- launch → first peer via DHT
    const firstPeer: number[] = [];
    const complete: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      const leecher = await open(`leecher-${r}`, { dht: { enabled: true, bootstrap: [bootstrap] } });
      const added = await leecher.add({ kind: 'magnet', uri: formatMagnet({ infoHashHex: ids[0]! }) });
      await until(
        () => (leecher.list().find((t) => t.id === added.id)?.peers ?? 0) > 0,
        60_000,
        'first peer',
      );
      firstPeer.push(performance.now() - t0);
      await until(() => leecher.list().find((t) => t.id === added.id)?.progress === 1, 60_000, 'complete');
      complete.push(performance.now() - t0);
      await leecher.close();
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(
      `launch → first peer via DHT: median ${median(firstPeer).toFixed(0)} ms (${firstPeer.map((x) => x.toFixed(0)).join(', ')}); ` +
        `→ 1 MiB complete: median ${median(complete).toFixed(0)} ms`,
    );

    // ---- idle traffic + memory (children), same window
    const cli = path.resolve('bin/swarmdrop.mjs');
    const memFile = path.join(dir, 'payload', 't0.bin');
    const child = (name: string, flags: string[]) =>
      spawn(
        process.execPath,
        [
          cli,
          'share',
          memFile,
          '--host',
          '127.0.0.1',
          '--port',
          '0',
          '--data-dir',
          path.join(dir, name),
          ...flags,
        ],
        { stdio: ['ignore', 'ignore', 'ignore'] },
      );
    const withDht = child('mem-dht', ['--dht-bootstrap', bootstrap]);
    const withoutDht = child('mem-nodht', ['--no-dht']);
    const before = seeder.dhtStatus()!;
    await sleep(idleSec * 1000);
    const after = seeder.dhtStatus()!;
    const memory = {
      dht: { rssAnonKiB: procKiB(withDht.pid!, 'RssAnon'), vmRssKiB: procKiB(withDht.pid!, 'VmRSS') },
      noDht: { rssAnonKiB: procKiB(withoutDht.pid!, 'RssAnon'), vmRssKiB: procKiB(withoutDht.pid!, 'VmRSS') },
    };
    withDht.kill('SIGTERM');
    withoutDht.kill('SIGTERM');
    const sent = after.sentBytes - before.sentBytes;
    const received = after.receivedBytes - before.receivedBytes;
    const rounds = idleSec / announceSec;
    const perRoundPerTorrent = (sent + received) / rounds / torrents;
    console.log(
      `idle ${idleSec} s, ${torrents} torrents, announce every ${announceSec} s (${rounds} rounds): ` +
        `${sent} B out, ${received} B in; ${perRoundPerTorrent.toFixed(0)} B per torrent per round`,
    );
    console.log(
      `per idle hour at the real 15-min interval (4 rounds): ${((4 * perRoundPerTorrent) / 1024).toFixed(1)} KiB per torrent ` +
        `(${((4 * perRoundPerTorrent * torrents) / 1024).toFixed(1)} KiB for ${torrents})`,
    );
    console.log(
      `memory after ${idleSec} s idle, swarmdrop share: with DHT RssAnon ${memory.dht.rssAnonKiB} KiB (VmRSS ${memory.dht.vmRssKiB}), ` +
        `--no-dht RssAnon ${memory.noDht.rssAnonKiB} KiB (VmRSS ${memory.noDht.vmRssKiB})`,
    );
  } finally {
    for (const s of sessions) await s.close().catch(() => undefined);
    for (const n of nodes) await new Promise<void>((r) => n.destroy(r));
    await rm(dir, { recursive: true, force: true });
  }
}

process.env.SWARMDROP_DHT_BOOTSTRAP ??= '';
await main();
