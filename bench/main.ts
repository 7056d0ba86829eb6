// `npm run bench`: measures Swarmdrop beside libtorrent, WebTorrent,
// Transmission and opentracker on this machine, in one run, on loopback only. Each figure
// is a module in bench/figures/; a figure whose Swarmdrop part does not exist yet reports
// it as unavailable with the reason instead of a number.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { libtorrentClient } from '../harness/clients/libtorrent-client.ts';
import { swarmdropCli } from './lib/clients/swarmdrop-client.ts';
import { transmissionClient } from '../harness/clients/transmission-client.ts';
import { webtorrentClient } from '../harness/clients/webtorrent-client.ts';
import type { BenchContext } from './lib/context.ts';
import type { Figure } from './lib/figure.ts';
import { machineInfo } from './lib/machine.ts';
import { parseOptions, usage } from './lib/options.ts';
import { makePayload, type Payload } from '../harness/payload.ts';
import { consoleTable, markdown, type BenchReport } from './lib/report.ts';
import { isBenchReport, mergeRerun } from './lib/rerun.ts';
import { ratiosOf, summarize, type FigureResult } from './lib/result.ts';
import { checkTargets } from './lib/targets.ts';
import { findTool } from '../harness/tools.ts';
import { TrackedChild } from '../harness/tracked-child.ts';
import { ceilings } from './figures/ceilings.ts';
import { create } from './figures/create.ts';
import { crossSeed } from './figures/cross-seed.ts';
import { daemonUiLoad } from './figures/daemon-ui-load.ts';
import { foreignSeeders } from './figures/foreign-seeders.ts';
import { streamPlay } from './figures/stream-play.ts';
import { swarmFigure } from './figures/swarm.ts';
import { daemonStart } from './figures/daemon-start.ts';
import { lanDiscovery } from './figures/lan-discovery.ts';
import { magnet } from './figures/magnet.ts';
import { manyTorrentsFigure } from './figures/many-torrents.ts';
import { memoryScaling } from './figures/memory-scaling.ts';
import { tracker } from './figures/tracker.ts';
import { transferFigure } from './figures/transfer.ts';
import { uiSpeed } from './figures/ui-speed.ts';
import { utpLoopback } from './figures/utp-loopback.ts';
import { utpNetem } from './figures/utp-netem.ts';
import { serveTracker } from './tracker-server-child.ts';

// Loopback only: no Swarmdrop the bench starts asks this machine's router to map a port.
process.env.SWARMDROP_PORT_MAPPING = 'off';
// LAN discovery multicasts on loopback only: nothing the bench starts reaches the LAN.
process.env.SWARMDROP_LAN_INTERFACE ??= '127.0.0.1';

export const FIGURES: Figure[] = [
  ceilings,
  create,
  transferFigure(1),
  transferFigure(4),
  memoryScaling,
  crossSeed,
  foreignSeeders,
  daemonUiLoad,
  swarmFigure,
  magnet,
  tracker,
  daemonStart,
  ...[10, 100, 1000, 10_000].map(manyTorrentsFigure),
  uiSpeed,
  lanDiscovery,
  utpLoopback,
  utpNetem,
  streamPlay,
];

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--internal-tracker-server') return serveTracker();
  let options;
  try {
    options = parseOptions(argv);
  } catch (err) {
    console.error(`bench: ${(err as Error).message}\n\n${usage}`);
    return 2;
  }
  if (options.help) {
    console.log(`${usage}\n\nfigures: ${FIGURES.map((f) => f.id).join(', ')}`);
    return 0;
  }
  const unknown = options.only.filter((id) => !FIGURES.some((f) => f.id === id));
  if (unknown.length) {
    console.error(
      `bench: unknown figure ${unknown.join(', ')}; figures: ${FIGURES.map((f) => f.id).join(', ')}`,
    );
    return 2;
  }
  const repoRoot = findRepoRoot();
  const workDir = await mkdtemp(path.join(tmpdir(), 'swarmdrop-bench-'));
  const started = performance.now();
  const log = (message: string): void => void process.stderr.write(`${message}\n`);
  let payload: Promise<Payload> | undefined;
  const ctx: BenchContext = {
    options,
    repoRoot,
    workDir,
    payload: () => {
      payload ??= (async () => {
        const t = performance.now();
        const p = await makePayload(path.join(workDir, 'payload'), options.sizeMiB);
        log(
          `payload: ${options.sizeMiB} MiB pseudo-random in ${((performance.now() - t) / 1000).toFixed(1)} s (${p.infoHashHex})`,
        );
        return p;
      })();
      return payload;
    },
    peers: {
      libtorrent: libtorrentClient(repoRoot),
      webtorrent: webtorrentClient(repoRoot),
      transmission: transmissionClient(),
    },
    swarmdrop: swarmdropCli(repoRoot),
    tools: {
      opentracker: findTool('opentracker'),
      mktorrent: findTool('mktorrent'),
      transmissionCreate: findTool('transmission-create'),
    },
    log,
  };
  const interrupted = (): void => {
    TrackedChild.killAll();
    rmSync(workDir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  const figures: FigureResult[] = [];
  try {
    for (const figure of FIGURES.filter((f) => options.only.length === 0 || options.only.includes(f.id))) {
      log(`[${figure.id}] ${figure.title}`);
      const t = performance.now();
      let result: FigureResult;
      try {
        const out = await figure.run(ctx);
        result = {
          id: figure.id,
          title: figure.title,
          target: figure.target,
          measurements: out.measurements.map(summarize),
          notes: out.notes,
          durationSec: 0,
        };
      } catch (err) {
        const reason = `failed: ${(err as Error).message}`;
        log(`  ${reason}`);
        result = {
          id: figure.id,
          title: figure.title,
          measurements: [
            summarize({
              id: `${figure.id}/figure/error`,
              subject: 'figure',
              metric: 'error',
              label: figure.title,
              unit: '-',
              better: 'higher',
              samples: [],
              failures: [],
              unavailable: reason,
            }),
          ],
          notes: [],
          durationSec: 0,
        };
      }
      result.durationSec = (performance.now() - t) / 1000;
      figures.push(result);
    }
  } finally {
    TrackedChild.killAll();
    await rm(workDir, { recursive: true, force: true });
  }

  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    command: argv.length > 0 ? `npm run bench -- ${argv.join(' ')}` : 'npm run bench',
    options,
    machine: machineInfo(repoRoot),
    figures,
    ratios: figures.flatMap(ratiosOf),
    targets: checkTargets(figures),
    durationSec: (performance.now() - started) / 1000,
  };
  console.log(consoleTable(report));
  const docsReport =
    options.markdownFile && options.only.length > 0
      ? await intoLastFullRun(path.resolve(repoRoot, options.jsonFile ?? 'docs/benchmarks.json'), report, log)
      : report;
  const jsonFile =
    options.jsonFile ??
    path.join(repoRoot, 'bench/results', `raw-${report.generatedAt.replace(/[:.]/g, '-')}.json`);
  await writeOut(path.resolve(repoRoot, jsonFile), `${JSON.stringify(docsReport, null, 2)}\n`);
  log(`\nraw results: ${jsonFile}`);
  if (options.markdownFile) {
    const file = path.resolve(repoRoot, options.markdownFile);
    await writeOut(file, markdown(docsReport) + handRunSection(file));
    log(`report: ${options.markdownFile}`);
  }
  return 0;
}

/**
 * `fresh` merged into the full run held in `file` (the JSON the docs are made from), when
 * there is one; otherwise `fresh` alone, said in the log.
 */
async function intoLastFullRun(
  file: string,
  fresh: BenchReport,
  log: (m: string) => void,
): Promise<BenchReport> {
  let previous: unknown;
  try {
    previous = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    log(`no full run to merge into (${file}): the docs will hold these figures only`);
    return fresh;
  }
  if (!isBenchReport(previous)) {
    log(`${file} is not a bench report: the docs will hold these figures only`);
    return fresh;
  }
  log(`merged into the full run of ${previous.generatedAt}`);
  return mergeRerun(
    previous,
    fresh,
    FIGURES.map((f) => f.id),
  );
}

async function writeOut(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

/** The folder holding Swarmdrop's package.json (dist/bench/main.js is two levels down). */
function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'bench'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

/**
 * The part of docs/BENCHMARKS.md from HAND_RUN_MARKER on: figures measured by hand-run
 * scripts (bench/dht-micro.ts), which a bench run does not measure and must not drop.
 */
const HAND_RUN_MARKER = '<!-- hand-run figures: kept as they are by npm run bench -->';
function handRunSection(file: string): string {
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = old.indexOf(HAND_RUN_MARKER);
  return at < 0 ? '' : `\n${old.slice(at)}`;
}

// Every Swarmdrop the bench starts inherits this: no public DHT router is contacted; the
// DHT figure gives its own local bootstrap node.
process.env.SWARMDROP_DHT_BOOTSTRAP ??= '';
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    TrackedChild.killAll();
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
