// `npm run fuzz`: every decoder, ≥ 1 M inputs each by default, split over worker threads
// (one per core). Prints progress on a terminal, stores any crasher in
// test/fuzz-corpus/<decoder>/, and writes the counts to docs/FUZZING.md (the generated
// section) and docs/fuzzing-results.json. Exit status 1 when any check failed.
//
//   npm run fuzz -- [--decoder NAME[,NAME…]] [--count N] [--seed S] [--workers W]
//                   [--no-docs] [--write-corpus] [--rewrite-docs] [--list]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { corpusFiles, corpusOf, REPO_ROOT, storeInput } from './corpus.ts';
import {
  AMPLIFICATION,
  AMPLIFICATION_SLACK_BYTES,
  confirmSlowest,
  emptyStats,
  MEMORY_GROWTH_LIMIT,
  runRange,
  SLOW_INPUT_MS,
  type Failure,
  type FuzzStats,
} from './fuzz-engine.ts';
import { TARGETS, targetNamed, type FuzzTarget } from './targets.ts';

const DEFAULT_COUNT = 1_000_000;
const DEFAULT_SEED = 20261207;
/** Failures a worker sends back in full; the rest are only counted. */
const MAX_REPORTED_FAILURES = 50;
const PROGRESS_EVERY = 16_384;

interface Job {
  target: string;
  seed: number;
  from: number;
  to: number;
}

type WorkerMessage =
  | { type: 'progress'; done: number }
  | { type: 'done'; stats: FuzzStats; failuresTotal: number; messages: string[] };

function runWorker(job: Job): void {
  // Stack traces are most of the cost of constructing an error and nothing here reads
  // them (a failure records the message; replaying the input gives the stack).
  Error.stackTraceLimit = 0;
  const target = targetNamed(job.target)!;
  const stats = emptyStats();
  const messages = new Set<string>();
  const corpus = corpusOf(target);
  let reported = 0;
  let failuresTotal = 0;
  const chunk = 4096;
  for (let from = job.from; from < job.to; from += chunk) {
    const to = Math.min(job.to, from + chunk);
    const before = stats.failures.length;
    runRange(target, corpus, job.seed, from, to, stats, messages);
    failuresTotal += stats.failures.length - before;
    // Keep memory flat on a decoder that fails every input: send a few, count the rest.
    if (stats.failures.length > MAX_REPORTED_FAILURES) stats.failures.length = MAX_REPORTED_FAILURES;
    if (to - job.from - reported >= PROGRESS_EVERY || to === job.to) {
      parentPort!.postMessage({ type: 'progress', done: to - job.from - reported } satisfies WorkerMessage);
      reported = to - job.from;
    }
  }
  confirmSlowest(target, stats);
  stats.slowCandidates = [];
  parentPort!.postMessage({
    type: 'done',
    stats,
    failuresTotal,
    messages: [...messages],
  } satisfies WorkerMessage);
}

interface Options {
  targets: FuzzTarget[];
  count: number;
  seed: number;
  workers: number;
  docs: boolean;
}

interface TargetResult {
  decoder: string;
  what: string;
  errors: string;
  inputs: number;
  accepted: number;
  roundTrips: number;
  errorCodes: Record<string, number>;
  distinctErrors: number;
  slowestMs: number;
  largestRatio: number;
  peakMemoryGrowthMiB: number;
  corpusFiles: number;
  failures: number;
  failureSamples: Failure[];
  seconds: number;
}

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help')) {
    console.log(
      'usage: npm run fuzz -- [--decoder NAME[,NAME…]] [--count N] [--seed S] [--workers W] [--no-docs] [--write-corpus] [--rewrite-docs] [--list]',
    );
    return;
  }
  if (argv.includes('--list')) {
    for (const t of TARGETS) console.log(`${t.name.padEnd(22)} ${t.what}`);
    return;
  }
  if (argv.includes('--rewrite-docs')) {
    const saved = JSON.parse(readFileSync(RESULTS_JSON, 'utf8')) as { run: RunInfo; results: TargetResult[] };
    writeMarkdown(saved.results, saved.run);
    return;
  }
  if (argv.includes('--write-corpus')) {
    for (const t of TARGETS) for (const seed of t.seeds()) storeInput(t, 'seed', seed);
    console.log(`seed inputs written under test/fuzz-corpus/ for ${TARGETS.length} decoders`);
    return;
  }
  const options = parseOptions(argv);
  const results: TargetResult[] = [];
  const startedAt = new Date();
  const commit = gitCommit();
  for (const target of options.targets) results.push(await fuzzTarget(target, options));
  const failed = results.filter((r) => r.failures > 0);
  if (options.docs) writeDocs(results, runInfo(options, startedAt, commit));
  for (const r of failed) {
    for (const f of r.failureSamples) {
      const stored = f.inputBase64
        ? storeInput(targetNamed(f.target)!, 'crash', Buffer.from(f.inputBase64, 'base64'))
        : '';
      console.log(
        `  ${f.kind} in ${f.target} at input ${f.index}: ${f.detail}${stored ? `\n    stored as ${path.relative(REPO_ROOT, stored)}` : ''}`,
      );
    }
  }
  console.log(failed.length === 0 ? 'fuzz: no failures' : `fuzz: ${failed.length} decoder(s) failed a check`);
  process.exitCode = failed.length === 0 ? 0 : 1;
}

function parseOptions(argv: string[]): Options {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const names = value('--decoder')?.split(',') ?? TARGETS.map((t) => t.name);
  const targets = names.map((n) => {
    const t = targetNamed(n);
    if (!t) throw new Error(`unknown decoder ${n}; --list shows them`);
    return t;
  });
  const count = Number(value('--count') ?? DEFAULT_COUNT);
  const seed = Number(value('--seed') ?? DEFAULT_SEED);
  const workers = Number(value('--workers') ?? os.availableParallelism());
  if (!Number.isSafeInteger(count) || count < 1) throw new Error('--count must be a positive integer');
  if (!Number.isSafeInteger(seed)) throw new Error('--seed must be an integer');
  if (!Number.isSafeInteger(workers) || workers < 1) throw new Error('--workers must be a positive integer');
  return { targets, count, seed, workers, docs: !argv.includes('--no-docs') };
}

async function fuzzTarget(target: FuzzTarget, options: Options): Promise<TargetResult> {
  const started = performance.now();
  const per = Math.ceil(options.count / options.workers);
  const jobs: Job[] = [];
  for (let from = 0; from < options.count; from += per) {
    jobs.push({ target: target.name, seed: options.seed, from, to: Math.min(options.count, from + per) });
  }
  let done = 0;
  const tty = process.stdout.isTTY;
  const progress = () => {
    if (!tty) return;
    const rate = done / Math.max(0.001, (performance.now() - started) / 1000);
    process.stdout.write(
      `\r${target.name.padEnd(22)} ${String(done).padStart(9)} / ${options.count}  ${Math.round(rate)} inputs/s   `,
    );
  };
  const outcomes = await Promise.all(
    jobs.map(
      (job) =>
        new Promise<{ stats: FuzzStats; failuresTotal: number; messages: string[] }>((resolve) => {
          const worker = new Worker(fileURLToPath(import.meta.url), {
            workerData: job,
            // A decoder whose heap runs away kills its worker instead of the machine.
            resourceLimits: { maxOldGenerationSizeMb: 1024 },
          });
          let finished = false;
          worker.on('message', (m: WorkerMessage) => {
            if (m.type === 'progress') {
              done += m.done;
              progress();
            } else {
              finished = true;
              resolve(m);
            }
          });
          worker.on('error', (err) => {
            finished = true;
            const stats = emptyStats();
            stats.failures.push({
              target: target.name,
              kind: 'memory',
              index: job.from,
              detail: `worker for inputs ${job.from}–${job.to} died: ${err.message} (replay: --decoder ${target.name} --seed ${job.seed})`,
            });
            resolve({ stats, failuresTotal: 1, messages: [] });
          });
          worker.on('exit', () => {
            if (!finished) resolve({ stats: emptyStats(), failuresTotal: 0, messages: [] });
          });
        }),
    ),
  );
  const merged = emptyStats();
  const messages = new Set<string>();
  let failures = 0;
  for (const o of outcomes) {
    merged.inputs += o.stats.inputs;
    merged.accepted += o.stats.accepted;
    merged.roundTrips += o.stats.roundTrips;
    merged.slowestMs = Math.max(merged.slowestMs, o.stats.slowestMs);
    merged.largestRatio = Math.max(merged.largestRatio, o.stats.largestRatio);
    merged.peakMemoryGrowthBytes = Math.max(merged.peakMemoryGrowthBytes, o.stats.peakMemoryGrowthBytes);
    for (const [k, n] of Object.entries(o.stats.errorCodes))
      merged.errorCodes[k] = (merged.errorCodes[k] ?? 0) + n;
    for (const m of o.messages) messages.add(m);
    merged.failures.push(...o.stats.failures);
    failures += o.failuresTotal;
  }
  const seconds = (performance.now() - started) / 1000;
  const line = `${target.name.padEnd(22)} ${String(merged.inputs).padStart(9)} inputs  ${failures} failures  slowest ${merged.slowestMs.toFixed(1)} ms  ${seconds.toFixed(0)} s`;
  process.stdout.write(tty ? `\r${line}\n` : `${line}\n`);
  return {
    decoder: target.name,
    what: target.what,
    errors: target.errors,
    inputs: merged.inputs,
    accepted: merged.accepted,
    roundTrips: merged.roundTrips,
    errorCodes: merged.errorCodes,
    distinctErrors: messages.size,
    slowestMs: Number(merged.slowestMs.toFixed(2)),
    largestRatio: Number(merged.largestRatio.toFixed(1)),
    peakMemoryGrowthMiB: Number((merged.peakMemoryGrowthBytes / 2 ** 20).toFixed(1)),
    corpusFiles: corpusFiles(target).length,
    failures,
    failureSamples: merged.failures.slice(0, MAX_REPORTED_FAILURES),
    seconds: Number(seconds.toFixed(1)),
  };
}

/** The commit fuzzed, with `+changes` when the worktree differed from it. */
function gitCommit(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src-main', 'src-shared', 'test/fuzz'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  }).stdout.trim();
  return head ? `${head}${dirty ? '+changes' : ''}` : 'unknown';
}

const START = '<!-- fuzz-results:start (written by npm run fuzz) -->';
const END = '<!-- fuzz-results:end -->';

interface RunInfo {
  date: string;
  commit: string;
  seed: number;
  inputsPerDecoder: number;
  workers: number;
  node: string;
  cpus: number;
  limits: Record<string, number>;
}

function runInfo(options: Options, startedAt: Date, commit: string): RunInfo {
  return {
    date: startedAt.toISOString(),
    commit,
    seed: options.seed,
    inputsPerDecoder: options.count,
    workers: options.workers,
    node: process.version,
    cpus: os.cpus().length,
    limits: {
      slowInputMs: SLOW_INPUT_MS,
      amplification: AMPLIFICATION,
      amplificationSlackBytes: AMPLIFICATION_SLACK_BYTES,
      memoryGrowthLimitMiB: MEMORY_GROWTH_LIMIT / 2 ** 20,
    },
  };
}

const RESULTS_JSON = path.join(REPO_ROOT, 'docs', 'fuzzing-results.json');

function writeDocs(results: TargetResult[], run: RunInfo): void {
  writeFileSync(RESULTS_JSON, `${JSON.stringify({ run, results }, null, 2)}\n`);
  writeMarkdown(results, run);
}

/** Rewrites the generated section of docs/FUZZING.md from docs/fuzzing-results.json. */
function writeMarkdown(results: TargetResult[], run: RunInfo): void {
  const mdFile = path.join(REPO_ROOT, 'docs', 'FUZZING.md');

  const rows = results.map((r) => {
    const errors = Object.entries(r.errorCodes)
      .sort((a, b) => b[1] - a[1])
      .map(([code, n]) => `${code.replace(/^[A-Za-z]+Error:/, '')} ${n}`)
      .join(', ');
    return `| ${r.decoder} | ${r.inputs.toLocaleString('en-US')} | ${r.accepted.toLocaleString('en-US')} | ${r.roundTrips.toLocaleString('en-US')} | ${r.distinctErrors} | ${r.slowestMs} | ${r.largestRatio} | ${r.peakMemoryGrowthMiB} | **${r.failures}** | ${errors} |`;
  });
  const section = [
    START,
    '',
    `Last full run: ${run.date.slice(0, 16).replace('T', ' ')} UTC on commit ${run.commit}, seed ${run.seed}, ${run.inputsPerDecoder.toLocaleString('en-US')} inputs per decoder on ${run.workers} worker threads (${run.cpus} CPUs, Node ${run.node}), while other work shared the machine. Raw numbers: [fuzzing-results.json](fuzzing-results.json).`,
    '',
    '| decoder | inputs | accepted | round trips | distinct errors | slowest input (ms) | largest output/input | peak memory growth (MiB) | failures | error codes (count) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows,
    '',
    END,
  ].join('\n');
  const existing = existsSync(mdFile) ? readFileSync(mdFile, 'utf8') : `# Fuzzing\n\n${START}\n${END}\n`;
  const start = existing.indexOf(START);
  const end = existing.indexOf(END);
  const next =
    start >= 0 && end > start
      ? existing.slice(0, start) + section + existing.slice(end + END.length)
      : `${existing.trimEnd()}\n\n${section}\n`;
  writeFileSync(mdFile, next);
  console.log(
    `counts written to ${path.relative(REPO_ROOT, mdFile)} and ${path.relative(REPO_ROOT, RESULTS_JSON)}`,
  );
}

// Last, so every module-level constant above is initialised before it runs.
if (!isMainThread) runWorker(workerData as Job);
else await main(process.argv.slice(2));
