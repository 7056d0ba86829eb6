// Flags shared by `swarmdrop share` and `swarmdrop get`: peer address, data folder,
// trackers; parsing them beside each command's own flags, and opening the engine
// session they describe.
import type { ParseArgsConfig } from 'node:util';
import { defaultDataDir } from '../service/host-paths.ts';
import { openHeadlessSession, type Session, type SessionOptions } from '../service/headless-session.ts';
import { parseFlags, UsageError } from './cli-command.ts';
import { parseSize } from './create-command.ts';
import type { Logger } from '../service/log/logger.ts';
import { DEFAULT_MAX_PER_IP } from '../service/headless-session.ts';
import {
  dhtBootstrapFromEnv,
  lanInterfaceFromEnv,
  parseDhtBootstrap,
  parseEncryption,
  parseNatGateway,
  portMappingOffInEnvironment,
} from '../service/host-flags.ts';
import { defaultSettings } from '../service/default-settings.ts';

export const DEFAULT_PEER_PORT = 6881;

export const sessionFlagOptions = {
  tracker: { type: 'string', short: 't', multiple: true },
  host: { type: 'string' },
  port: { type: 'string', short: 'p' },
  'announce-ip': { type: 'string' },
  'data-dir': { type: 'string' },
  'download-limit': { type: 'string' },
  'upload-limit': { type: 'string' },
  encryption: { type: 'string' },
  'peers-per-ip': { type: 'string' },
  'dht-bootstrap': { type: 'string', multiple: true },
  'no-dht': { type: 'boolean' },
  'no-lsd': { type: 'boolean' },
  'lan-interface': { type: 'string' },
  'no-port-mapping': { type: 'boolean' },
  'nat-gateway': { type: 'string' },
  'no-utp': { type: 'boolean' },
  'prefer-utp': { type: 'boolean' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const sessionFlagHelp = `  -t, --tracker URL       tracker announce URL (udp://H:P, http://…); repeatable
      --host H            address to accept peers on, IPv4 or IPv6 (default: all, IPv6 and IPv4)
  -p, --port P            peer port (default ${DEFAULT_PEER_PORT}; 0 = any free port)
      --announce-ip H     address to announce to the tracker, if not the one it sees
      --data-dir D        resume data and logs/ (default: ${defaultDataDir()})
      --download-limit R  bytes per second, e.g. 512K or 10M (default: unlimited)
      --upload-limit R    bytes per second (default: unlimited)
      --encryption MODE   peer encryption (MSE): prefer (default), require or off
      --peers-per-ip N    connections from one IP address (default ${DEFAULT_MAX_PER_IP}); raise it for
                          many clients on one machine
      --dht-bootstrap H:P a DHT node to join through (repeatable; default: the app's setting,
                          or SWARMDROP_DHT_BOOTSTRAP, comma-separated, empty for none)
      --no-dht            no DHT (BEP 5); then peers come from trackers and magnet x.pe only
      --no-lsd            no Local Service Discovery (BEP 14) on the LAN
      --lan-interface A   address of the interface for LSD and the LAN catalog, or all
                          (default: all; the --host address when it is one address;
                          none when --host is loopback, unless given here)
      --no-port-mapping   do not ask the router (UPnP / NAT-PMP) to forward the peer port
                          (SWARMDROP_PORT_MAPPING=off in the environment does the same)
      --nat-gateway G     the router to ask: an IPv4 address (NAT-PMP) or a UPnP
                          description URL (default: discover it)
      --no-utp            TCP only: no uTP (BEP 29) on the peer port over UDP
      --prefer-utp        dial peers over uTP first, TCP after (default: TCP first); uTP
                          gives way to other traffic on your link, for more CPU per byte
      --json              print one JSON document on stdout
  -v, --verbose           debug lines on stderr (the log in the data folder gets them too)
  -h, --help              show this help`;

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** Parses `argv` (positionals allowed) for the session flags plus `commandOptions`. */
export function parseSessionFlags<O extends OptionsConfig>(argv: string[], commandOptions: O) {
  return parseFlags<{ args: string[]; allowPositionals: true; options: typeof sessionFlagOptions & O }>({
    args: argv,
    allowPositionals: true,
    options: { ...sessionFlagOptions, ...commandOptions },
  });
}

export interface SessionFlags {
  tracker?: string[];
  host?: string;
  port?: string;
  'announce-ip'?: string;
  'data-dir'?: string;
  'download-limit'?: string;
  'upload-limit'?: string;
  verbose?: boolean;
  encryption?: string;
  'peers-per-ip'?: string;
  'dht-bootstrap'?: string[];
  'no-dht'?: boolean;
  'no-lsd'?: boolean;
  'lan-interface'?: string;
  'no-port-mapping'?: boolean;
  'nat-gateway'?: string;
  'no-utp'?: boolean;
  'prefer-utp'?: boolean;
}

/** The DHT for this command: --no-dht, --dht-bootstrap, SWARMDROP_DHT_BOOTSTRAP, else the settings' default nodes. */
export function dhtOf(flags: SessionFlags): { enabled: boolean; bootstrap: string[] } {
  const bootstrap = flags['dht-bootstrap']
    ? parseDhtBootstrap(flags['dht-bootstrap'])
    : (dhtBootstrapFromEnv() ?? defaultSettings('').dhtBootstrap);
  return { enabled: !flags['no-dht'], bootstrap };
}

/** `--lan-interface`: all, or an IP address of this machine. */
export function lanInterfaceOf(flags: { 'lan-interface'?: string }): string | undefined {
  const value = flags['lan-interface'];
  if (value === undefined) return undefined;
  if (value !== 'all' && !/^[0-9a-fA-F.:]+$/.test(value))
    throw new UsageError(`--lan-interface needs an IP address or all, got '${value}'`);
  return value;
}

export function trackersOf(flags: SessionFlags): string[] {
  const urls = (flags.tracker ?? [])
    .flatMap((t) => t.split(','))
    .map((t) => t.trim())
    .filter(Boolean);
  for (const url of urls) {
    if (!/^(udp|https?):\/\/[^/]+/i.test(url)) throw new UsageError(`not a tracker URL: ${url}`);
  }
  return urls;
}

export function portOf(flags: SessionFlags): number | undefined {
  if (flags.port === undefined) return undefined;
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`not a port: ${flags.port}`);
  return port;
}

/**
 * Opens the engine for one CLI transfer. Without --port, a busy default port falls back to
 * any free one (another client on this machine often holds 6881); with --port it is an error.
 */
export async function openCliSession(
  flags: SessionFlags,
  downloadDir: string,
  logger: Logger,
  { dhtInBackground = false }: { dhtInBackground?: boolean } = {},
): Promise<Session> {
  const port = portOf(flags);
  if (flags['no-utp'] && flags['prefer-utp'])
    throw new UsageError('--prefer-utp and --no-utp contradict each other');
  const options: SessionOptions = {
    dataDir: cliDataDir(flags),
    downloadDir,
    ...(flags.host !== undefined ? { peerHost: flags.host } : {}),
    peerPort: port ?? DEFAULT_PEER_PORT,
    defaultTrackers: trackersOf(flags),
    dht: { ...dhtOf(flags), ...(dhtInBackground ? { background: true } : {}) },
    restoreTorrents: false,
    rateLimits: {
      downloadBps: flags['download-limit'] ? parseSize(flags['download-limit']) : 0,
      uploadBps: flags['upload-limit'] ? parseSize(flags['upload-limit']) : 0,
    },
    ...(flags['announce-ip'] ? { announceHost: flags['announce-ip'] } : {}),
    ...(flags.encryption !== undefined ? { encryption: parseEncryption(flags.encryption) } : {}),
    ...(flags['peers-per-ip'] !== undefined
      ? { connections: { perIp: peersPerIpOf(flags['peers-per-ip']) } }
      : {}),
    // LSD and the LAN catalog (ours listed while we seed); lan-link.ts picks the interface.
    lan: {
      lsd: !flags['no-lsd'],
      nearby: true,
      ...((lanInterfaceOf(flags) ?? lanInterfaceFromEnv(flags.host))
        ? { interfaceAddress: lanInterfaceOf(flags) ?? lanInterfaceFromEnv(flags.host) }
        : {}),
    },
    ...(flags['no-port-mapping'] === true || portMappingOffInEnvironment()
      ? {}
      : {
          portMapping: {
            ...(flags['nat-gateway'] !== undefined ? { gateway: parseNatGateway(flags['nat-gateway']) } : {}),
          },
        }),
    ...(flags['no-utp'] ? { utp: false } : {}),
    ...(flags['prefer-utp'] ? { preferUtp: true } : {}),
  };
  const session = await openHeadlessSession(options, {
    anyPortIfTaken: port === undefined,
    onPortTaken: (takenPort) => logger.info('peer port taken, using any free one', { port: takenPort }),
  });
  const udp = session.udpSocket();
  logger.debug('session open', {
    peerPort: session.peerPort,
    dataDir: options.dataDir,
    downloadDir,
    trackers: options.defaultTrackers,
    dhtPort: session.dhtStatus()?.port ?? null,
    udpSocket: udp?.io ?? null,
    udpSocketWhyNotNative: udp?.fallbackReason ?? null,
  });
  return session;
}

function peersPerIpOf(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new UsageError(`--peers-per-ip must be a whole number from 1 to 1000: ${text}`);
  return n;
}

/** The engine's data folder for this command: --data-dir, else the platform's. */
export function cliDataDir(flags: SessionFlags): string {
  return flags['data-dir'] ?? defaultDataDir();
}
