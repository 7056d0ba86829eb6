// `swarmdrop share <path>...`: hashes each file or folder into a torrent (or all of them into
// one, with --name), publishes it to the tracker's catalog, prints its magnet link, and
// seeds until SIGINT/SIGTERM.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ShareResult } from '../service/headless-session.ts';
import { cliCommand, UsageError } from './cli-command.ts';
import { parseSize, parseWebSeed } from './create-command.ts';
import { logSession } from '../service/log/session-log.ts';
import { openCliLog } from './cli-log.ts';
import {
  cliDataDir,
  openCliSession,
  parseSessionFlags,
  sessionFlagHelp,
  trackersOf,
} from './session-flags.ts';
import { seedUntil } from './seed-until.ts';
import { watchAudience } from './share-audience.ts';
import { reportPortMapping } from './report-port-mapping.ts';
import { waitForSignal } from './wait-for-signal.ts';

const help = `usage: swarmdrop share <path>... [--tracker udp://HOST:PORT] [options]

Shares files or folders in place (nothing is copied): each path becomes one torrent,
published to the tracker's catalog and listed in the LAN catalog, where 'swarmdrop
list' on the same LAN sees it; peers find it through the DHT (BEP 5) unless --no-dht,
and on the LAN by Local Service Discovery (BEP 14), so no tracker is needed. Its magnet
link is printed on one line. With --name, all the paths become one torrent of that name
instead (files at its top level, folders with what is in them; two paths with the same
name are refused). Says who downloads (one line when a peer starts, has everything, or
leaves). Seeds until interrupted (Ctrl-C / SIGTERM), then tells the tracker it stopped.
Exits 1 when a shared
file is deleted or shrinks while shared (nothing left to seed). A file edited in place is
reported (warning files-changed) and its changed pieces are no longer shared.

options:
  -n, --name NAME         share all the paths as one torrent called NAME
      --torrent-out F     also write the .torrent to F (one torrent only)
  -l, --piece-length N    piece size, e.g. 256K (default: chosen from the size)
      --private           set the private flag (BEP 27: no DHT or peer exchange)
  -c, --comment TEXT      comment stored in the .torrent
  -w, --web-seed URL      web seed (BEP 19 url-list), an http(s) URL; repeatable
      --no-publish        do not add the torrent to the tracker's catalog
      --super-seed        offer each peer one piece at a time (BEP 16): the first copies
                          spread with less upload from here
      --unlisted          keep it out of every catalog (the LAN's and trackers'):
                          only people given the magnet link find it
${sessionFlagHelp}`;

export const shareCommand = cliCommand(
  'share',
  'share files: print a magnet link and seed until interrupted',
  help,
  run,
);

function parse(argv: string[]) {
  return parseSessionFlags(argv, {
    name: { type: 'string', short: 'n' },
    'torrent-out': { type: 'string' },
    'piece-length': { type: 'string', short: 'l' },
    private: { type: 'boolean' },
    comment: { type: 'string', short: 'c' },
    'web-seed': { type: 'string', short: 'w', multiple: true },
    'no-publish': { type: 'boolean' },
    'super-seed': { type: 'boolean' },
    unlisted: { type: 'boolean' },
  });
}

function reportPublication(name: string, published: boolean): void {
  if (published) console.error(`swarmdrop share: ${name}: published to the catalog`);
  else console.error(`swarmdrop share: ${name}: not published (the catalog did not answer)`);
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    console.log(help);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('missing <path>');
  const name = values.name?.trim();
  if (values.name !== undefined && !name) throw new UsageError('--name needs a non-empty name');
  if (values['torrent-out'] && positionals.length > 1 && !name)
    throw new UsageError('--torrent-out takes one <path> (or several with --name: one torrent)');
  const webSeeds = (values['web-seed'] ?? []).map(parseWebSeed);
  if (name && positionals.length === 1)
    // Seeding in place needs the torrent's name to be the file's or folder's own.
    console.error(`swarmdrop share: --name is for several paths; one path is shared under its own name`);
  // With --name every path goes into one torrent; without, each path is a torrent of its own.
  const groups = name ? [positionals.map((p) => path.resolve(p))] : positionals.map((p) => [path.resolve(p)]);
  const trackers = trackersOf(values);
  if (trackers.length === 0)
    console.error(
      values['no-dht'] && values['no-lsd'] && values.unlisted
        ? 'swarmdrop share: no --tracker, --no-dht, --no-lsd and --unlisted: peers must be given the magnet link with an address'
        : values['no-dht']
          ? 'swarmdrop share: no --tracker and --no-dht: found on the LAN only (LSD and the LAN catalog)'
          : 'swarmdrop share: no --tracker: found through the DHT and on the LAN',
    );
  const pieceLengthBytes = values['piece-length'] ? parseSize(values['piece-length']) : undefined;
  const { logger } = openCliLog('share', { dataDir: cliDataDir(values), verbose: values.verbose ?? false });
  logger.debug('share', { paths: positionals, log: logger.filePath });
  let session;
  try {
    session = await openCliSession(values, process.cwd(), logger);
  } catch (err) {
    logger.close();
    throw err;
  }
  const stopped = waitForSignal();
  // Warnings (hash failures, bans, changed files…) are printed by the log. A fatal error
  // ends `share` with one line of its own (seedUntil below), so the log keeps it in the file.
  const stopLogging = logSession(session, logger, { fatalLogger: logger.fileOnly });
  const stopReporting = reportPortMapping(session, 'share');
  try {
    const results: (ShareResult & { name: string; totalBytes: number })[] = [];
    const publishing = !values['no-publish'] && !values.unlisted && trackers.length > 0;
    for (const paths of groups) {
      const result = await session.share(paths, {
        ...(name ? { name } : {}),
        ...(values.private ? { private: true } : {}),
        ...(values.comment ? { comment: values.comment } : {}),
        ...(webSeeds.length > 0 ? { webSeeds } : {}),
        trackers,
        publish: !values['no-publish'] && !values.unlisted,
        ...(values.unlisted ? { unlisted: true } : {}),
        // The magnet is printed at once; the catalog's answer is reported when it comes
        // (a tracker without the catalog extension only answers with its time-out).
        // --json prints one document, so it waits for the answer to put it in.
        awaitPublish: !!values.json,
        ...(pieceLengthBytes ? { pieceLengthBytes } : {}),
      });
      if (values['super-seed']) session.setSuperSeeding(result.id, true);
      const summary = session.list().find((t) => t.id === result.id);
      const shownName = summary?.name ?? paths.join(', ');
      results.push({ ...result, name: summary?.name ?? '', totalBytes: summary?.totalBytes ?? 0 });
      if (values['torrent-out']) await writeFile(values['torrent-out'], result.torrentBytes);
      if (!values.json) {
        console.log(result.magnet);
        if (publishing) void result.publication.then((ok) => reportPublication(shownName, ok));
      } else if (publishing && !result.published) reportPublication(shownName, false);
    }
    if (values.json) {
      const torrents = results.map((r) => ({
        infoHash: r.id,
        name: r.name,
        sizeBytes: r.totalBytes,
        magnet: r.magnet,
        published: r.published,
      }));
      console.log(
        JSON.stringify({
          peerPort: session.peerPort,
          portMapping: session.portMapping(),
          magnet: torrents[0]!.magnet,
          infoHash: torrents[0]!.infoHash,
          torrents,
        }),
      );
    } else {
      console.error(`swarmdrop share: seeding on port ${session.peerPort}; Ctrl-C to stop`);
    }
    // Who downloads from us, one line per arrival, completion and departure (stderr, so
    // --json's one document on stdout stays intact).
    const stopAudience = watchAudience(session, results, (line) => console.error(`swarmdrop share: ${line}`));
    const end = await seedUntil(
      session,
      results.map((r) => r.id),
      stopped,
    );
    stopAudience();
    if (end.kind === 'signal') return 0;
    console.error(`swarmdrop share: stopped: ${end.event.message} (${end.event.code})`);
    return 1;
  } catch (err) {
    // main.ts prints it: into the file only.
    logger.fileOnly.error(err instanceof Error ? err.message : String(err));
    throw err;
  } finally {
    await session.close();
    stopReporting();
    stopLogging();
    logger.close();
  }
}
