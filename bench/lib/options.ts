// Command-line flags of `npm run bench`. `--quick` is what CI runs: small
// payloads and one run each, so the harness is exercised without taking minutes.
import { parseArgs } from 'node:util';

export interface BenchOptions {
  quick: boolean;
  /** Runs per measured figure; the table shows their median, min and max. */
  runs: number;
  /** Payload size for the transfer and create figures. */
  sizeMiB: number;
  /** Only run figures whose id is in this list (empty = all). */
  only: string[];
  /** Where the raw JSON goes; full runs default to docs/benchmarks.json. */
  jsonFile: string | undefined;
  /** Where the Markdown report goes; undefined = do not write one. */
  markdownFile: string | undefined;
  /** Seconds a single transfer may take before the run counts as failed. */
  transferTimeoutSec: number;
  /** Duration of one tracker load burst. */
  trackerLoadSec: number;
  help: boolean;
}

export const usage = `usage: node dist/bench/main.js [options]

  --quick          small payloads, 1 run each (CI; finishes in < 2 min); writes no docs
  --runs N         runs per figure (default 3; --quick: 1)
  --size-mib N     payload size in MiB for transfer and create figures (default 1024; --quick: 32)
  --only IDS       comma-separated figure ids (see the list below); with docs on, their new
                   results replace theirs in the last full run (docs/benchmarks.json), and
                   docs/BENCHMARKS.md says which figures were measured again and when
  --json FILE      write the raw results there (default: docs/benchmarks.json on full runs,
                   bench/results/raw-<time>.json with --quick)
  --no-docs        do not write docs/BENCHMARKS.md
  -h, --help       this text`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      'size-mib': { type: 'string' },
      only: { type: 'string' },
      json: { type: 'string' },
      'no-docs': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const quick = values.quick === true;
  const runs = positiveInt(values.runs, '--runs') ?? (quick ? 1 : 3);
  const sizeMiB = positiveInt(values['size-mib'], '--size-mib') ?? (quick ? 32 : 1024);
  const only = (values.only ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const writeDocs = !quick && values['no-docs'] !== true;
  return {
    quick,
    runs,
    sizeMiB,
    only,
    jsonFile: values.json ?? (writeDocs ? 'docs/benchmarks.json' : undefined),
    markdownFile: writeDocs ? 'docs/BENCHMARKS.md' : undefined,
    // Slow clients (WebTorrent at tens of MB/s) still finish 1 GiB well inside this.
    transferTimeoutSec: Math.max(60, Math.ceil(sizeMiB / 4)),
    trackerLoadSec: quick ? 1 : 5,
    help: values.help === true,
  };
}

function positiveInt(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} wants a positive integer, got '${text}'`);
  return n;
}
