// `swarmdrop create <path>...`: hashes a file or folder (or several, as one torrent named with
// --name) into a .torrent (BEP 3) on every core
// (this thread and a worker per other core), with a progress bar on a terminal and plain
// periodic lines otherwise.
import { constants as fsConstants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { HashPool, loadCreateTorrent, type CreateProgress } from '../service/headless-session.ts';
import { formatMagnet } from '../protocol/magnet.ts';
import type { Metainfo } from '../protocol/metainfo/metainfo-types.ts';
import { cliCommand, parseFlags, UsageError } from './cli-command.ts';

const help = `usage: swarmdrop create <path>... [options]

Creates a .torrent for a file or a folder (every file below it, sorted by path). Several
paths make one torrent named with --name (required then): files at its top level under
their own names, folders with what is in them; two paths with the same name are refused.

options:
  -o, --output FILE       where to write the .torrent (default: ./<name>.torrent)
  -t, --tracker URL       announce URL (udp://, http://, https://); repeat for more tiers,
                          or separate URLs of one tier with commas
  -l, --piece-length N    piece size in bytes, a power of two ≥ 16384; suffixes K and M
                          (KiB, MiB) are accepted, e.g. 256K (default: ~1000–2000 pieces)
  -n, --name NAME         torrent name (default: the file's or folder's name; required
                          with several paths)
  -p, --private           set the private flag (BEP 27: no DHT or peer exchange)
  -c, --comment TEXT      comment stored in the .torrent
  -w, --web-seed URL      web seed (BEP 19 url-list): an http(s) URL serving the same
                          files; repeatable
      --json              print {infoHash, magnet, name, length, pieceLength, pieces} as JSON
  -h, --help              show this help`;

const TRACKER_SCHEMES = new Set(['udp:', 'http:', 'https:', 'ws:', 'wss:']);
const PROGRESS_LINE_INTERVAL_MS = 2000;

export const createCommand = cliCommand('create', 'create a .torrent from a file or folder', help, run);

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    console.log(help);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('missing <path>');
  if (positionals.length > 1 && !values.name)
    throw new UsageError('several paths make one torrent: give it a name with --name NAME');
  const inputPaths = positionals.map((p) => path.resolve(p));
  const announceList = (values.tracker ?? []).map(parseTier).filter((tier) => tier.length > 0);
  const webSeeds = (values['web-seed'] ?? []).map(parseWebSeed);
  const pieceLengthBytes =
    values['piece-length'] === undefined ? undefined : parseSize(values['piece-length']);
  const name = values.name ?? path.basename(inputPaths[0]!);
  const outputPath = path.resolve(values.output ?? `${name}.torrent`);
  for (const inputPath of inputPaths) {
    if (outputPath === inputPath || outputPath.startsWith(inputPath + path.sep)) {
      throw new Error(`refusing to write the .torrent inside the folder being hashed (${outputPath})`);
    }
  }
  // Before hashing (which can take minutes): the .torrent must have somewhere to go.
  await assertWritableFolder(path.dirname(outputPath));

  // This thread hashes too (it has nothing else to do), so one worker fewer than cores. They
  // start first: each takes ~20 ms to boot, on the other cores while this thread loads the
  // engine's modules and lists the files.
  const pool = new HashPool({ size: Math.max(1, availableParallelism() - 1) });
  pool.prestart();
  try {
    const createTorrent = await loadCreateTorrent();
    const progress = await progressReporter();
    let result;
    try {
      result = await createTorrent(
        inputPaths.length === 1 ? inputPaths[0]! : inputPaths,
        {
          ...(values.name !== undefined ? { name: values.name } : {}),
          ...(webSeeds.length > 0 ? { webSeeds } : {}),
          ...(pieceLengthBytes !== undefined ? { pieceLengthBytes } : {}),
          ...(values.comment !== undefined ? { comment: values.comment } : {}),
          announceList,
          private: values.private ?? false,
          hashPool: pool,
          hashOnCallingThread: true,
        },
        progress.update,
      );
    } finally {
      progress.stop();
    }
    // The workers stop (a few ms) while the .torrent is written; awaited below.
    void pool.close();
    for (const s of result.skipped) console.error(`swarmdrop create: skipped ${s.path} (${s.reason})`);
    await writeFile(outputPath, result.torrentBytes);
    printSummary(result.metainfo, outputPath, values.json === true);
    return 0;
  } finally {
    await pool.close();
  }
}

function printSummary(metainfo: Metainfo, outputPath: string, json: boolean): void {
  const magnet = formatMagnet({
    infoHashHex: metainfo.infoHashHex,
    name: metainfo.name,
    trackers: metainfo.announceList.flat(),
  });
  if (json) {
    const summary = {
      infoHash: metainfo.infoHashHex,
      magnet,
      name: metainfo.name,
      sizeBytes: metainfo.totalLengthBytes,
      pieceLengthBytes: metainfo.pieceLengthBytes,
      pieceCount: metainfo.pieceCount,
    };
    console.log(JSON.stringify(summary));
  } else {
    console.log(`wrote ${outputPath}
  name:       ${metainfo.name}${metainfo.multiFile ? ` (${metainfo.files.length} files)` : ''}
  size:       ${metainfo.totalLengthBytes} bytes
  pieces:     ${metainfo.pieceCount} × ${metainfo.pieceLengthBytes} bytes
  info-hash:  ${metainfo.infoHashHex}
  magnet:     ${magnet}`);
  }
}

function parse(argv: string[]) {
  return parseFlags({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' },
      tracker: { type: 'string', short: 't', multiple: true },
      'piece-length': { type: 'string', short: 'l' },
      name: { type: 'string', short: 'n' },
      private: { type: 'boolean', short: 'p' },
      comment: { type: 'string', short: 'c' },
      'web-seed': { type: 'string', short: 'w', multiple: true },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** One --tracker value: a tier of comma-separated URLs (as mktorrent's -a). */
function parseTier(value: string): string[] {
  return value
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url.length > 0)
    .map((url) => {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new UsageError(`not a tracker URL: ${url}`);
      }
      if (!TRACKER_SCHEMES.has(parsed.protocol))
        throw new UsageError(`tracker URL must be udp://, http:// or https://: ${url}`);
      return url;
    });
}

/** One --web-seed value (BEP 19): an absolute http:// or https:// URL. */
export function parseWebSeed(value: string): string {
  const url = value.trim();
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.host)
    throw new UsageError(`web seed must be an http:// or https:// URL: ${value}`);
  return url;
}

/** "262144", "256K", "256KiB", "4M", "4MiB" → bytes. */
export function parseSize(text: string): number {
  const match = /^(\d+)\s*(k|kib|m|mib)?$/i.exec(text.trim());
  if (!match) throw new UsageError(`not a size in bytes: ${text}`);
  const unit = (match[2] ?? '').toLowerCase();
  const factor = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1;
  return Number(match[1]) * factor;
}

async function progressReporter(): Promise<{ update(p: CreateProgress): void; stop(): void }> {
  const mib = (n: number) => (n / (1024 * 1024)).toFixed(1);
  if (process.stderr.isTTY) {
    // Loaded only for a terminal: its ~8 ms of module loading would delay every scripted run.
    const { default: cliProgress } = await import('cli-progress');
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: 'hashing [{bar}] {percentage}% | {done}/{all} MiB | {eta_formatted}',
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update({ bytesHashed, totalBytes }) {
        if (!started) bar.start(totalBytes, 0, { done: mib(0), all: mib(totalBytes) });
        started = true;
        bar.update(bytesHashed, { done: mib(bytesHashed), all: mib(totalBytes) });
      },
      stop: () => started && bar.stop(),
    };
  }
  let lastLineMs = 0;
  const startMs = Date.now();
  return {
    update({ bytesHashed, totalBytes }) {
      const now = Date.now();
      if (bytesHashed !== totalBytes && now - lastLineMs < PROGRESS_LINE_INTERVAL_MS) return;
      lastLineMs = now;
      const percent = totalBytes === 0 ? 100 : Math.floor((100 * bytesHashed) / totalBytes);
      const seconds = (now - startMs) / 1000;
      const rate = seconds > 0 ? `, ${mib(bytesHashed / seconds)} MiB/s` : '';
      process.stderr.write(`hashing: ${mib(bytesHashed)}/${mib(totalBytes)} MiB (${percent}%${rate})\n`);
    },
    stop: () => undefined,
  };
}

/** A clear error, now, when `dir` does not exist or is not a writable folder. */
async function assertWritableFolder(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (!info) throw new Error(`cannot write the .torrent: folder ${dir} does not exist`);
  if (!info.isDirectory()) throw new Error(`cannot write the .torrent: ${dir} is not a folder`);
  await access(dir, fsConstants.W_OK).catch(() => {
    throw new Error(`cannot write the .torrent: folder ${dir} is not writable`);
  });
}
