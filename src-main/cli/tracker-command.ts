// `swarmdrop tracker`: runs the UDP tracker (BEP 15 + the catalog extension) in the
// foreground until SIGINT/SIGTERM. Prints exactly one `tracker listening on udp://H:P`
// line once datagrams are served (scripts and tests wait for it), then a one-line summary
// every --stats-interval seconds.
import { DEFAULT_TRACKER_PORT, TrackerServer, type TrustAnnounceIp } from '../tracker/server/index.ts';
import { cliCommand, parseFlags, UsageError } from './cli-command.ts';
import { waitForSignal } from './wait-for-signal.ts';

const help = `usage: swarmdrop tracker [options]

Runs a UDP BitTorrent tracker (BEP 15) with the Swarmdrop catalog (docs/PROTOCOL.md).

options:
      --host H              bind address (default: every address, IPv6 and IPv4; 0.0.0.0
                            where the system has no IPv6)
      --port P              UDP port (default ${DEFAULT_TRACKER_PORT}; 0 = any free port)
      --interval S          announce interval in seconds (default 1800; e.g. 15 on a LAN
                            or in tests); peers silent for 2 intervals are dropped
      --stats-interval S    seconds between summary lines (default 10; 0 = none)
      --max-swarms N        torrents tracked at once (default 100000)
      --max-peers N         peers per torrent (default 5000)
      --max-catalog N       catalog entries (default 10000)
      --trust-ip MODE       whose announce IP field to believe: never, loopback (default)
                            or always
      --http                also serve HTTP announce and scrape (BEP 3, 23, 48) over TCP on
                            the same port number: http://H:P/announce
  -h, --help                show this help`;

export const trackerCommand = cliCommand('tracker', 'run a UDP tracker with a file catalog', help, run);

function parse(argv: string[]) {
  return parseFlags({
    args: argv,
    strict: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      interval: { type: 'string' },
      'stats-interval': { type: 'string' },
      'max-swarms': { type: 'string' },
      'max-peers': { type: 'string' },
      'max-catalog': { type: 'string' },
      'trust-ip': { type: 'string' },
      http: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
}

function integer(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

async function run(argv: string[]): Promise<number> {
  const values = parse(argv);
  if (values.help) {
    console.log(help);
    return 0;
  }
  const host = values.host;
  const port = integer(values.port, 'port', 0, 65535) ?? DEFAULT_TRACKER_PORT;
  const trust = values['trust-ip'] ?? 'loopback';
  if (trust !== 'never' && trust !== 'loopback' && trust !== 'always')
    throw new UsageError('--trust-ip must be never, loopback or always');
  const statsIntervalSec = integer(values['stats-interval'], 'stats-interval', 0, 86_400) ?? 10;
  const server = new TrackerServer({
    intervalSec: integer(values.interval, 'interval', 1, 86_400) ?? 1800,
    maxSwarms: integer(values['max-swarms'], 'max-swarms', 1, 10_000_000),
    maxPeersPerSwarm: integer(values['max-peers'], 'max-peers', 1, 1_000_000),
    maxCatalogEntries: integer(values['max-catalog'], 'max-catalog', 0, 10_000_000),
    trustAnnounceIp: trust satisfies TrustAnnounceIp,
    http: values.http ?? false,
  });
  let bound;
  try {
    bound = await server.listen({ host, port });
  } catch (err) {
    await server.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      console.error(
        `swarmdrop tracker: ${values.http ? 'udp or tcp' : 'udp'} port ${port}${host ? ` on ${host}` : ''} is already in use`,
      );
    else if (code === 'EADDRNOTAVAIL')
      console.error(`swarmdrop tracker: ${host ?? '::'} is not an address of this machine`);
    else if (code === 'EACCES') console.error(`swarmdrop tracker: not allowed to bind udp port ${port}`);
    else
      console.error(
        `swarmdrop tracker: cannot listen on port ${port}${host ? ` of ${host}` : ''}: ${(err as Error).message}`,
      );
    return 1;
  }
  const shownHost = bound.family === 6 ? `[${bound.host}]` : bound.host;
  console.log(`tracker listening on udp://${shownHost}:${bound.port}`);
  if (values.http) console.log(`tracker serving http://${shownHost}:${bound.port}/announce`);

  const summary =
    statsIntervalSec > 0
      ? setInterval(() => {
          const s = server.stats();
          console.log(
            `tracker: ${s.swarms} swarms, ${s.peers} peers (${s.seeders} seeders, ${s.leechers} leechers), ` +
              `${s.announcesPerSec.toFixed(1)} announces/s, ${s.catalogEntries} catalog entries, ${s.malformedDropped} malformed dropped`,
          );
        }, statsIntervalSec * 1000)
      : undefined;

  const signal = await waitForSignal();
  if (summary) clearInterval(summary);
  await server.close();
  console.log(`tracker stopped (${signal})`);
  return 0;
}
