// `swarmdrop list --tracker udp://H:P`: prints a tracker's catalog (the Swarmdrop
// extension of BEP 15, docs/PROTOCOL.md), optionally filtered by a name substring.
// Without --tracker: what the Swarmdrops on the same LAN share (the LAN catalog).
import { safeDisplayName } from '../protocol/display-name.ts';
import { formatMagnet } from '../protocol/magnet.ts';
import { formatBytes } from '../../src-shared/util/format.ts';
import { listCatalog } from '../tracker/client/catalog-client.ts';
import { trackerScheme } from '../tracker/client/tracker-url.ts';
import { cliCommand, parseFlags, UsageError } from './cli-command.ts';
import { listNearby, NEARBY_LISTEN_MS } from '../service/nearby-listing.ts';
import { lanInterfaceOf } from './session-flags.ts';
import type { NearbyShare } from '../../src-shared/types/nearby.ts';

const help = `usage: swarmdrop list [--tracker udp://HOST:PORT] [options]

Lists what a Swarmdrop tracker's catalog offers: name, size, seeders, leechers,
info-hash and a magnet link for each entry. Without --tracker, lists what the
Swarmdrops on the same LAN share (the LAN catalog): name, size, info-hash and who
shares it; it asks them to announce and listens for ${NEARBY_LISTEN_MS / 1000} s (--wait).

options:
  -t, --tracker URL       the tracker (udp://host:port)
      --wait S            LAN catalog: seconds to listen (default ${NEARBY_LISTEN_MS / 1000})
      --lan-interface A   LAN catalog: address of the interface to listen on, or all (default)
  -s, --search TEXT       only names containing TEXT (case-insensitive)
      --limit N           at most N entries (default 1000)
      --timeout S         seconds to wait for the first answer; retried twice with
                          doubled waits (default 2)
      --json              print one JSON array instead of text
  -h, --help              show this help`;

export const listCommand = cliCommand('list', "list a tracker's catalog of shared files", help, run);

function parse(argv: string[]) {
  return parseFlags({
    args: argv,
    strict: true,
    options: {
      tracker: { type: 'string', short: 't' },
      search: { type: 'string', short: 's' },
      limit: { type: 'string' },
      timeout: { type: 'string' },
      wait: { type: 'string' },
      'lan-interface': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
}

async function run(argv: string[]): Promise<number> {
  const values = parse(argv);
  if (values.help) {
    console.log(help);
    return 0;
  }
  const tracker = values.tracker;
  if (!tracker) return listLan(values);
  if (trackerScheme(tracker) !== 'udp')
    throw new UsageError('--tracker must be a udp:// URL (the catalog is a UDP extension)');
  const limit = Number(values.limit ?? 1000);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
  const timeoutSec = Number(values.timeout ?? 2);
  if (!(timeoutSec > 0)) throw new UsageError('--timeout must be a positive number of seconds');

  const query = values.search ?? '';
  const { items, totalMatches } = await listCatalog(tracker, query, {
    baseTimeoutMs: timeoutSec * 1000,
    maxRetransmits: 2,
    maxItems: limit,
  });
  const rows = items.map((i) => ({
    name: i.name,
    infoHash: i.infoHashHex,
    sizeBytes: i.totalSizeBytes,
    fileCount: i.fileCount,
    seeders: i.seeders,
    leechers: i.leechers,
    completed: i.completed,
    magnet: formatMagnet({ infoHashHex: i.infoHashHex, name: i.name, trackers: [tracker] }),
  }));
  if (values.json) {
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    console.log(query ? `no catalog entries match '${query}'` : 'the catalog is empty');
    return 0;
  }
  for (const r of rows) {
    const files = r.fileCount === 1 ? '1 file' : `${r.fileCount} files`;
    // Names come from strangers: no escape sequences or separators on the terminal.
    console.log(safeDisplayName(r.name) ?? r.infoHash);
    console.log(
      `  ${formatBytes(r.sizeBytes)}, ${files}, ${r.seeders} seeders, ${r.leechers} leechers  ${r.infoHash}`,
    );
    console.log(`  ${r.magnet}`);
  }
  console.log(`${rows.length} of ${totalMatches} entries`);
  return 0;
}

async function listLan(values: {
  search?: string;
  wait?: string;
  json?: boolean;
  'lan-interface'?: string;
}): Promise<number> {
  const waitSec = Number(values.wait ?? NEARBY_LISTEN_MS / 1000);
  if (!(waitSec > 0)) throw new UsageError('--wait must be a positive number of seconds');
  const problems: string[] = [];
  const all = await listNearby({
    interfaceAddress: lanInterfaceOf(values) ?? 'all',
    listenMs: waitSec * 1000,
    onWarning: (_code, message) => problems.push(message),
  });
  for (const p of problems) console.error(`swarmdrop list: ${p}`);
  const query = (values.search ?? '').toLowerCase();
  const rows = all
    .filter((s) => s.name.toLowerCase().includes(query))
    .map((s: NearbyShare) => ({
      name: s.name,
      infoHash: s.infoHashHex,
      sizeBytes: s.totalBytes,
      who: s.who,
      peer: s.host.includes(':') ? `[${s.host}]:${s.peerPort}` : `${s.host}:${s.peerPort}`,
      magnet: formatMagnet({
        infoHashHex: s.infoHashHex,
        name: s.name,
        trackers: [],
        peers: [s.host.includes(':') ? `[${s.host}]:${s.peerPort}` : `${s.host}:${s.peerPort}`],
      }),
    }));
  if (values.json) {
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    console.log(query ? `nothing on the LAN matches '${values.search}'` : 'nothing shared on the LAN');
    return 0;
  }
  // Names were made display-safe when decoded (protocol/lan/nearby-message.ts).
  for (const r of rows) {
    console.log(r.name);
    console.log(`  ${formatBytes(r.sizeBytes)}, shared by ${r.who} (${r.peer})  ${r.infoHash}`);
  }
  console.log(`${rows.length} on the LAN`);
  return 0;
}
