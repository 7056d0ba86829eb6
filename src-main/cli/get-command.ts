// `swarmdrop get <magnet | info-hash | file.torrent | catalog name> --out DIR`: downloads
// from every peer the trackers know, verifies every piece, then seeds until interrupted
// (or, with --no-seed, exits 0 once complete and verified).
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Session, TorrentSource, TorrentSummary } from '../service/headless-session.ts';
import { searchCatalog } from '../tracker/client/catalog-client.ts';
import { cliCommand, UsageError } from './cli-command.ts';
import { compileGlob } from '../../src-shared/util/path-glob.ts';
import type { Logger } from '../service/log/logger.ts';
import { logSession } from '../service/log/session-log.ts';
import { openCliLog } from './cli-log.ts';
import {
  cliDataDir,
  lanInterfaceOf,
  openCliSession,
  parseSessionFlags,
  sessionFlagHelp,
  trackersOf,
  type SessionFlags,
} from './session-flags.ts';
import { formatMagnet } from '../protocol/magnet.ts';
import { lanInterfaceFor, listNearby } from '../service/nearby-listing.ts';
import { waitForSignal } from './wait-for-signal.ts';
import { transferProgress } from './transfer-progress.ts';
import { reportPortMapping } from './report-port-mapping.ts';

const help = `usage: swarmdrop get <magnet | info-hash | file.torrent | name> --out DIR [options]

Downloads a torrent into DIR from every peer at once, verifies every piece (SHA-1),
then keeps seeding until interrupted. A name is looked up in the tracker's catalog, or
without --tracker in the LAN catalog (what Swarmdrops on the same LAN share). Peers come
from the trackers, from Local Service Discovery on the LAN (BEP 14) unless --no-lsd, and,
for a torrent that is not private, from the DHT (BEP 5) unless --no-dht: a magnet with no
tracker needs nothing else.
What an earlier run into DIR completed is resumed without hashing it again, as long as
the files' size and modification time are unchanged; it is then reported as
"complete (resumed)" rather than "verified". --recheck hashes everything on disk instead.

options:
  -o, --out DIR           download folder (required)
      --no-seed           exit once the download is complete and verified
      --recheck           hash every piece already on disk (ignore the last run's resume data)
      --super-seed        once complete, seed by offering each peer one piece at a time (BEP 16)
      --only GLOB         download only files whose path inside the torrent matches GLOB
                          (repeatable: any of them). * and ? stay inside one folder, **
                          spans folders, [a-z] / [!a-z] sets, \\ escapes; a GLOB without /
                          matches the file name in any folder: --only '*.mkv',
                          --only 'season 1/**'. Other files are never created; "complete"
                          means the selected files are
      --sequential        fetch pieces in order (to play a file while it downloads)
      --timeout S         give up after S seconds without completing (default: never)
      --events            print progress events as JSON lines on stdout: {"event":"metadata"},
                          {"event":"first-piece","piece":N,"transport":"tcp"|"utp"},
                          {"event":"complete"}, and once a second
                          {"event":"totals","verifiedBytes":N,"uploadedBytes":N}
${sessionFlagHelp}`;

export const getCommand = cliCommand(
  'get',
  'download a magnet link, info-hash, .torrent or catalog name',
  help,
  run,
);

function parse(argv: string[]) {
  return parseSessionFlags(argv, {
    out: { type: 'string', short: 'o' },
    'no-seed': { type: 'boolean' },
    recheck: { type: 'boolean' },
    'super-seed': { type: 'boolean' },
    only: { type: 'string', multiple: true },
    sequential: { type: 'boolean' },
    events: { type: 'boolean' },
    timeout: { type: 'string' },
  });
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    console.log(help);
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError(positionals.length === 0 ? 'missing what to get' : 'give one thing to get');
  if (!values.out) throw new UsageError('missing --out DIR');
  const timeoutSec = values.timeout === undefined ? 0 : Number(values.timeout);
  if (!Number.isFinite(timeoutSec) || timeoutSec < 0)
    throw new UsageError(`not a number of seconds: ${values.timeout}`);
  for (const pattern of values.only ?? []) {
    try {
      compileGlob(pattern);
    } catch (err) {
      throw new UsageError(`--only: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const trackers = trackersOf(values);
  const outDir = path.resolve(values.out);
  const log = openCliLog('get', { dataDir: cliDataDir(values), verbose: values.verbose ?? false });
  const { logger } = log;
  logger.debug('get', { source: positionals[0], out: outDir, log: logger.filePath });
  let session: Session;
  let source: TorrentSource;
  try {
    source = await sourceOf(positionals[0]!, trackers, logger, values);
    logger.debug('source', { kind: source.kind });
    // The DHT comes up beside the download, not before it: its library alone is ~0.1 s of
    // CPU, which on a busy machine held back the first connection (docs/PERFORMANCE.md).
    session = await openCliSession(values, outDir, logger, { dhtInBackground: true });
  } catch (err) {
    logger.close();
    throw err;
  }
  // A fatal error ends `get`, and main.ts prints it: the file only, so it is said once.
  const stopLogging = logSession(session, logger, { fatalLogger: logger.fileOnly });
  const json = values.json ?? false;
  // With --json, stdout carries exactly one document: progress goes to stderr.
  const events = values.events ?? false;
  // With --json or --events, stdout carries JSON only: progress goes to stderr.
  const progress = transferProgress(
    json || events || process.stderr.isTTY ? process.stderr : process.stdout,
    process.stderr,
    () => session.dhtStatus()?.nodes ?? null,
  );
  log.setPrinter((line) => progress.log(line));
  const stopReporting = reportPortMapping(session, 'get', (line) => progress.log(line));
  // Listening from here on: Ctrl-C mid-download closes the session (which writes the resume
  // record) instead of Node's default exit, so the next `get` continues where this one stopped.
  const stopped = waitForSignal();
  try {
    if (events) printEvents(session);
    const added = await session.add(source, {
      savePath: outDir,
      ...(values.recheck ? { recheck: true } : {}),
      ...(values.only?.length ? { only: values.only } : {}),
      ...(values.sequential ? { sequential: true } : {}),
    });
    if (values['super-seed']) session.setSuperSeeding(added.id, true);
    const end = await untilComplete(session, added.id, progress.update, timeoutSec, stopped);
    progress.stop();
    if (end.kind === 'signal') {
      console.error(interruptedLine(end.summary, end.signal));
      return end.signal === 'SIGINT' ? 130 : 143;
    }
    const done = end.summary;
    if (events) console.log(JSON.stringify({ event: 'complete', infoHash: done.id, atMs: Date.now() }));
    const target = path.join(outDir, done.name);
    const resumedPieces = done.resumedPieces ?? 0;
    // With --only, what was downloaded is the selection.
    const doneBytes = done.selectedBytes ?? done.totalBytes;
    if (json)
      console.log(
        JSON.stringify({
          infoHash: done.id,
          name: done.name,
          sizeBytes: done.totalBytes,
          ...(done.selectedBytes !== undefined ? { selectedSizeBytes: done.selectedBytes } : {}),
          path: target,
          peerPort: session.peerPort,
          portMapping: session.portMapping(),
          // Every piece hashed in this run (false: some were trusted from resume data).
          verified: resumedPieces === 0,
          resumedPieces,
        }),
      );
    else (events ? console.error : console.log)(completeLine(target, doneBytes, resumedPieces));
    if (values['no-seed']) return 0;
    if (!json) console.error(`swarmdrop get: seeding on port ${session.peerPort}; Ctrl-C to stop`);
    await stopped;
    return 0;
  } catch (err) {
    // main.ts prints it: into the file only.
    logger.fileOnly.error(err instanceof Error ? err.message : String(err), { code: codeOf(err) });
    throw err;
  } finally {
    progress.stop();
    log.setPrinter(null);
    await session.close();
    stopReporting();
    stopLogging();
    logger.close();
  }
}

/**
 * "verified" only when every piece was hashed in this run: pieces resumed from an earlier
 * run were checked by size and mtime alone, which an edit can keep.
 */
export function completeLine(target: string, totalBytes: number, resumedPieces: number): string {
  if (resumedPieces === 0) return `complete: ${target} (${totalBytes} bytes, verified)`;
  const pieces = `${resumedPieces} piece${resumedPieces === 1 ? '' : 's'}`;
  return `complete (resumed): ${target} (${totalBytes} bytes; ${pieces} from the last run not hashed again, --recheck hashes them)`;
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** `--events`: the moments a benchmark or script times, as JSON lines. */
function printEvents(session: Session): void {
  let firstPiece = true;
  session.on('metadata', (s) =>
    console.log(JSON.stringify({ event: 'metadata', infoHash: s.id, name: s.name, atMs: Date.now() })),
  );
  // A seeder's upload, for scripts (and the swarm benchmark) that have no other view of it.
  const totals = setInterval(() => {
    for (const t of session.list())
      console.log(
        JSON.stringify({
          event: 'totals',
          infoHash: t.id,
          verifiedBytes: t.verifiedBytes,
          uploadedBytes: t.uploadedBytes,
          atMs: Date.now(),
        }),
      );
  }, 1000);
  totals.unref();
  session.on('piece-verified', (e) => {
    if (!firstPiece) return;
    firstPiece = false;
    console.log(
      JSON.stringify({
        event: 'first-piece',
        infoHash: e.torrentId,
        piece: e.piece,
        transport: e.fromTransport,
        atMs: Date.now(),
      }),
    );
  });
}

/** Magnet, bare info-hash, a .torrent path, or else a name to look up in the catalog. */
async function sourceOf(
  arg: string,
  trackers: string[],
  logger: Logger,
  flags: SessionFlags,
): Promise<TorrentSource> {
  if (/^magnet:\?/i.test(arg)) return { kind: 'magnet', uri: arg };
  if (/^[0-9a-f]{40}$/i.test(arg) || /^[a-z2-7]{32}$/i.test(arg))
    return { kind: 'info-hash', infoHashHex: arg };
  const isFile = await stat(arg).then(
    (s) => s.isFile(),
    () => false,
  );
  if (isFile) return { kind: 'torrent-file', path: path.resolve(arg) };
  if (arg.endsWith('.torrent')) throw new Error(`no such file: ${arg}`);
  if (!trackers.some((t) => t.toLowerCase().startsWith('udp://'))) return fromLan(arg, flags);
  return fromCatalog(arg, trackers, logger);
}

/** A name in the LAN catalog: a magnet with every machine that shares it as `x.pe`. */
async function fromLan(name: string, flags: SessionFlags): Promise<TorrentSource> {
  const where = lanInterfaceFor(
    lanInterfaceOf(flags) ? { interfaceAddress: lanInterfaceOf(flags)! } : {},
    flags.host ?? '0.0.0.0',
  );
  if (where === null)
    throw new UsageError(
      `'${name}' is not a magnet link, info-hash or file; a name is looked up in a catalog: give --tracker udp://… or --lan-interface (the LAN catalog is off with a loopback --host)`,
    );
  const shares = await listNearby({ interfaceAddress: where });
  const exact = shares.filter((s) => s.name === name);
  const pick = exact.length > 0 ? exact : shares.filter((s) => s.name.toLowerCase() === name.toLowerCase());
  const hashes = [...new Set(pick.map((s) => s.infoHashHex))];
  if (hashes.length === 0)
    throw new Error(
      shares.length === 0
        ? `nothing named '${name}' on the LAN (no Swarmdrop there answered; 'swarmdrop list' shows what is shared)`
        : `nothing named '${name}' on the LAN ('swarmdrop list' shows the ${shares.length} shares there)`,
    );
  if (hashes.length > 1)
    throw new Error(
      `'${name}' matches ${hashes.length} shares on the LAN: ${hashes.join(', ')}; give the info-hash`,
    );
  const peers = pick.map((s) =>
    s.host.includes(':') ? `[${s.host}]:${s.peerPort}` : `${s.host}:${s.peerPort}`,
  );
  return { kind: 'magnet', uri: formatMagnet({ infoHashHex: hashes[0]!, name, trackers: [], peers }) };
}

async function fromCatalog(name: string, trackers: string[], logger: Logger): Promise<TorrentSource> {
  const udp = trackers.filter((t) => t.toLowerCase().startsWith('udp://'));
  if (udp.length === 0)
    throw new UsageError(
      `'${name}' is not a magnet link, info-hash or file; a catalog name needs --tracker udp://…`,
    );
  const items = [];
  let answered = 0;
  for (const url of udp) {
    try {
      const page = await searchCatalog(
        url,
        { query: name, pageSize: 1000 },
        { baseTimeoutMs: 2000, maxRetransmits: 2 },
      );
      items.push(...page.items);
      answered++;
    } catch (err) {
      logger.warn(`catalog of ${url} unreachable: ${err instanceof Error ? err.message : String(err)}`, {
        code: 'catalog-unreachable',
        tracker: url,
      });
    }
  }
  const exact = items.filter((i) => i.name === name);
  const folded = items.filter((i) => i.name.toLowerCase() === name.toLowerCase());
  const pick = exact.length > 0 ? exact : folded.length > 0 ? folded : items;
  const unique = [...new Map(pick.map((i) => [i.infoHashHex, i])).values()];
  if (unique.length === 0) {
    // With no catalog answering, "nothing named" would be a guess, not a finding.
    if (answered === 0) throw new Error(`could not look up '${name}': no tracker's catalog answered`);
    throw new Error(`nothing named '${name}' in the catalog`);
  }
  if (unique.length > 1) {
    const list = unique
      .slice(0, 10)
      .map((i) => `${i.name} (${i.infoHashHex})`)
      .join(', ');
    throw new Error(`'${name}' matches ${unique.length} catalog entries: ${list}; give the info-hash`);
  }
  return { kind: 'info-hash', infoHashHex: unique[0]!.infoHashHex, name: unique[0]!.name };
}

/** What stopped `get` mid-download, said on stderr; the exit code says it to scripts. */
export function interruptedLine(s: TorrentSummary | undefined, signal: NodeJS.Signals): string {
  const percent = `${((s?.progress ?? 0) * 100).toFixed(1)}%`;
  return `swarmdrop get: stopped by ${signal} at ${percent}; the same command continues from there`;
}

type DownloadEnd =
  | { kind: 'complete'; summary: TorrentSummary }
  | { kind: 'signal'; signal: NodeJS.Signals; summary: TorrentSummary | undefined };

/**
 * Resolves once every piece is verified, or when `stopped` does first; rejects on a fatal
 * error or the time-out.
 */
function untilComplete(
  session: Session,
  id: string,
  onUpdate: (s: TorrentSummary) => void,
  timeoutSec: number,
  stopped: Promise<NodeJS.Signals>,
): Promise<DownloadEnd> {
  return new Promise((resolve, reject) => {
    const offs: (() => void)[] = [];
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = () => {
      settled = true;
      for (const off of offs) off();
      if (timer) clearTimeout(timer);
    };
    const check = (s: TorrentSummary | undefined) => {
      if (!s) return;
      onUpdate(s);
      if (s.state === 'seeding' && s.progress === 1) {
        finish();
        resolve({ kind: 'complete', summary: s });
      } else if (s.state === 'error') {
        finish();
        reject(new Error(`${s.error?.code ?? 'error'}: ${s.error?.message ?? 'download failed'}`));
      }
    };
    offs.push(session.on('update', (changed) => check(changed.find((s) => s.id === id))));
    offs.push(
      session.on('fatal', (e) => {
        if (e.torrentId !== id) return;
        finish();
        reject(new Error(`${e.code}: ${e.message}`));
      }),
    );
    if (timeoutSec > 0) {
      timer = setTimeout(() => {
        finish();
        const s = session.list().find((t) => t.id === id);
        reject(
          new Error(
            `timed out after ${timeoutSec} s at ${((s?.progress ?? 0) * 100).toFixed(1)}% (${s?.state ?? 'unknown'}, ${s?.peers ?? 0} peers)`,
          ),
        );
      }, timeoutSec * 1000);
    }
    void stopped.then((signal) => {
      if (settled) return;
      finish();
      resolve({ kind: 'signal', signal, summary: session.list().find((t) => t.id === id) });
    });
    check(session.list().find((t) => t.id === id));
  });
}
