/**
 * Hand-run profile for the daemon-ui-load figure (no assertions): where the daemon's main
 * thread spends a download with a web UI watching it. One libtorrent seeder and one
 * opentracker on 127.0.0.1; a warm-up download (not profiled), then one download with no
 * client and one with the UI client, each by a fresh daemon started as
 * `node --cpu-prof --cpu-prof-dir DIR bin/swarmdrop.mjs daemon …` (on the daemon's own
 * command line, not NODE_OPTIONS, so nothing else the run starts is profiled). Each main
 * thread profile is split over the download window (`add` → complete) into service/UI work
 * and engine work (bench/lib/cpu-profile-split.ts says how); the worker threads' busy time
 * over the window is printed beside it. The profiles stay in OUT_DIR.
 *
 *   node scripts/build.mjs && npx esbuild bench/daemon-ui-profile.ts --bundle --platform=node \
 *     --format=esm --packages=external --outfile=dist/bench/daemon-ui-profile.mjs && \
 *     node dist/bench/daemon-ui-profile.mjs [sizeMiB=1024] [OUT_DIR=/tmp/daemon-ui-profile]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { libtorrentClient } from '../harness/clients/libtorrent-client.ts';
import { transmissionClient } from '../harness/clients/transmission-client.ts';
import { webtorrentClient } from '../harness/clients/webtorrent-client.ts';
import { makePayload, type Payload } from '../harness/payload.ts';
import { findTool } from '../harness/tools.ts';
import { TrackedChild } from '../harness/tracked-child.ts';
import { swarmdropCli } from './lib/clients/swarmdrop-client.ts';
import { swarmdropPeer } from './lib/clients/swarmdrop-peer.ts';
import type { BenchContext } from './lib/context.ts';
import { busyMs, splitProfile, type CpuProfile, type ProfileSplit } from './lib/cpu-profile-split.ts';
import { daemonDownload, daemonUnavailable } from './lib/daemon-download.ts';
import { parseOptions } from './lib/options.ts';
import { swarmUnavailable, withSwarm, type SwarmSpec } from './lib/swarm.ts';

process.env.SWARMDROP_PORT_MAPPING = 'off';
process.env.SWARMDROP_LAN_INTERFACE ??= '127.0.0.1';
process.env.SWARMDROP_DHT_BOOTSTRAP ??= '';

const sizeMiB = Number(process.argv[2] ?? 1024);
const outDir = path.resolve(process.argv[3] ?? path.join(tmpdir(), 'daemon-ui-profile'));

async function main(): Promise<void> {
  const repoRoot = process.cwd();
  if (!existsSync(path.join(repoRoot, 'bench')) || !existsSync(path.join(repoRoot, 'package.json')))
    throw new Error('run this from the repository folder');
  const workDir = await mkdtemp(path.join(tmpdir(), 'swarmdrop-profile-'));
  const log = (m: string): void => void process.stderr.write(`${m}\n`);
  let payload: Promise<Payload> | undefined;
  const ctx: BenchContext = {
    options: parseOptions(['--size-mib', String(sizeMiB), '--no-docs']),
    repoRoot,
    workDir,
    payload: () => (payload ??= makePayload(path.join(workDir, 'payload'), sizeMiB)),
    peers: {
      libtorrent: libtorrentClient(repoRoot),
      webtorrent: webtorrentClient(repoRoot),
      transmission: transmissionClient(),
    },
    swarmdrop: swarmdropCli(repoRoot),
    tools: { opentracker: findTool('opentracker') },
    log,
  };
  const spec: SwarmSpec = {
    figure: 'daemon-ui-profile',
    subject: 'libtorrent',
    label: 'daemon-ui-profile: 1 libtorrent seeder',
    seeder: ctx.peers.libtorrent,
    seeders: 1,
    leecher: swarmdropPeer(ctx),
  };
  const reason = swarmUnavailable(ctx, spec) ?? daemonUnavailable(ctx);
  if (reason) throw new Error(reason);
  await rm(outDir, { recursive: true, force: true });
  try {
    await withSwarm(ctx, spec, async (swarm) => {
      const warm = await daemonDownload(ctx, swarm, { name: 'warm-up', uiClient: false });
      log(`warm-up (not profiled): ${warm.mbps.toFixed(0)} MB/s`);
      for (const uiClient of [false, true]) {
        const name = uiClient ? 'ui-client' : 'no-client';
        const dir = path.join(outDir, name);
        await mkdir(dir, { recursive: true });
        const r = await daemonDownload(ctx, swarm, {
          name,
          uiClient,
          nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir],
        });
        console.log(
          `\n== ${name}: ${r.mbps.toFixed(0)} MB/s, ${r.seconds.toFixed(2)} s, daemon CPU ${r.cpuSec.toFixed(2)} s` +
            (uiClient
              ? `; the client got ${r.received.torrents} torrents batches, ${r.received.detail} details, ` +
                `${r.received.status} status, ${(r.received.bytes / 1024).toFixed(0)} KiB`
              : ''),
        );
        report(dir, r.windowUs.start, r.windowUs.end);
      }
    });
  } finally {
    TrackedChild.killAll();
    await rm(workDir, { recursive: true, force: true });
  }
  console.log(`\nprofiles: ${outDir}`);
}

/** `CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`: thread 0 is the main thread. */
function report(dir: string, startUs: number, endUs: number): void {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const thread = (f: string): number => Number(f.split('.')[4]);
  const load = (f: string) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CpuProfile;
  const main = files.find((f) => thread(f) === 0);
  if (!main) throw new Error(`no main-thread profile in ${dir} (the daemon must exit by itself)`);
  const profile = load(main);
  if (startUs < profile.startTime || endUs > profile.endTime)
    console.log(`  (the window is not inside the profile: ${profile.startTime}–${profile.endTime} µs)`);
  printSplit(splitProfile(profile, startUs, endUs));
  for (const f of files.filter((x) => thread(x) !== 0))
    console.log(`  worker thread ${thread(f)}: busy ${busyMs(load(f), startUs, endUs).toFixed(0)} ms`);
}

function printSplit(s: ProfileSplit): void {
  const busy = Object.entries(s.bySide)
    .filter(([k]) => k !== 'idle')
    .reduce((sum, [, v]) => sum + v, 0);
  const pct = (ms: number) => `${((100 * ms) / s.windowMs).toFixed(1)} % of the window`;
  console.log(
    `  main thread over the ${s.windowMs.toFixed(0)} ms window: busy ${busy.toFixed(0)} ms (${pct(busy)})`,
  );
  for (const [side, ms] of Object.entries(s.bySide))
    console.log(`    ${side.padEnd(14)} ${ms.toFixed(0).padStart(6)} ms  ${pct(ms)}`);
  const list = (title: string, rows: { name: string; ms: number }[]) => {
    console.log(`  ${title}:`);
    for (const r of rows) console.log(`    ${r.ms.toFixed(1).padStart(8)} ms  ${r.name}`);
  };
  list('service/UI, by the outermost service frame', s.serviceEntries);
  list('service/UI, by leaf', s.serviceLeaves);
  list('engine, by leaf', s.engineLeaves);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    TrackedChild.killAll();
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
