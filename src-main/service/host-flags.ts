/**
 * Flags shared by `swarmdrop daemon` and the Electron app (`swarmdrop-app --data-dir …`),
 * parsed with node:util parseArgs. They override settings for one run.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { UsageError } from './usage-error.ts';
import type { HostOverrides } from './service-types.ts';
import {
  ADVERTISE_HOST_MAX_LENGTH,
  ADVERTISE_HOST_PATTERN,
  ENCRYPTION_MODES,
  isDhtNodeAddress,
  LAN_INTERFACE_PATTERN,
  NAT_GATEWAY_MAX_LENGTH,
  NAT_GATEWAY_PATTERN,
  type EncryptionMode,
} from '../../src-shared/types/settings.ts';

export const HOST_FLAG_OPTIONS = {
  'data-dir': { type: 'string' },
  'download-dir': { type: 'string' },
  'embedded-tracker': { type: 'string' },
  'peer-port': { type: 'string' },
  tracker: { type: 'string', multiple: true },
  bind: { type: 'string' },
  'advertise-host': { type: 'string' },
  verbose: { type: 'boolean' },
  encryption: { type: 'string' },
  'dht-bootstrap': { type: 'string', multiple: true },
  'no-dht': { type: 'boolean' },
  'no-lsd': { type: 'boolean' },
  'lan-interface': { type: 'string' },
  'no-port-mapping': { type: 'boolean' },
  'nat-gateway': { type: 'string' },
  utp: { type: 'boolean' },
  'no-utp': { type: 'boolean' },
} as const;

export const HOST_FLAGS_HELP = `  --data-dir DIR            settings, resume data and uploads (default: the platform's app data folder)
  --download-dir DIR        where downloads go (default: a setting; DIR/downloads with --data-dir)
  --embedded-tracker PORT|off  run the built-in tracker on PORT (default: a setting, on, 6969)
  --peer-port P             TCP port for peers (default: a setting, 6881; 0 = any free port)
  --tracker URL             a tracker for new torrents and catalog search (repeatable)
  --bind HOST               address the peer server and embedded tracker listen on (default 0.0.0.0)
  --advertise-host H|auto   host written into shared torrents for the built-in tracker (default: a
                            setting, auto = the --bind address, else this machine's first address)
  --verbose                 debug lines on stderr and in DIR/logs/ (warnings and more are logged there anyway)
  --encryption MODE         peer encryption (MSE): prefer, require or off (default: a setting, prefer)
  --dht-bootstrap HOST:PORT a DHT node to join through (repeatable; default: a setting, or
                            SWARMDROP_DHT_BOOTSTRAP, comma-separated, empty for none)
  --no-dht                  no DHT this run (default: a setting, on)
  --no-lsd                  no Local Service Discovery (BEP 14) this run (default: a setting, on)
  --lan-interface A|all     address of the interface for LSD and the LAN catalog (default: a
                            setting, auto = all, or the --bind address; none when that is loopback)
  --no-port-mapping         do not ask the router (UPnP / NAT-PMP) to forward the peer port (default: a
                            setting, on; SWARMDROP_PORT_MAPPING=off in the environment does the same)
  --nat-gateway G           the router to ask: an IPv4 address (NAT-PMP) or a UPnP description URL
                            (default: a setting, empty = discover it)
  --no-utp, --utp           uTP (BEP 29) on the peer port over UDP off or on (default: a setting, on)`;

/** The environment variable that replaces the DHT bootstrap setting (tests: empty = none). */
export const DHT_BOOTSTRAP_ENV = 'SWARMDROP_DHT_BOOTSTRAP';

/** `--dht-bootstrap` values (each may be comma-separated): host:port each. */
export function parseDhtBootstrap(values: readonly string[], flag = '--dht-bootstrap'): string[] {
  const nodes = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  for (const n of nodes)
    if (!isDhtNodeAddress(n)) throw new UsageError(`${flag} needs HOST:PORT, got '${n}'`);
  return [...new Set(nodes)];
}

/**
 * The DHT bootstrap nodes for this run when no flag names them: SWARMDROP_DHT_BOOTSTRAP
 * when set (empty = none; the test suites set it so no test reaches a public router),
 * else undefined (the setting).
 */
export function dhtBootstrapFromEnv(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const value = env[DHT_BOOTSTRAP_ENV];
  return value === undefined ? undefined : parseDhtBootstrap([value], DHT_BOOTSTRAP_ENV);
}

export function parsePort(value: string, flag: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535)
    throw new UsageError(`${flag} needs a port number 0-65535, got '${value}'`);
  return Number(value);
}

/** `--nat-gateway`: an IPv4 address or an http(s) URL. */
export function parseNatGateway(value: string): string {
  if (value === '' || value.length > NAT_GATEWAY_MAX_LENGTH || !NAT_GATEWAY_PATTERN.test(value))
    throw new UsageError(
      `--nat-gateway needs a router address (e.g. 192.0.2.1) or a UPnP description URL (http://…), got '${value}'`,
    );
  return value;
}

/**
 * SWARMDROP_PORT_MAPPING=off in the environment turns port mapping off whatever the
 * settings and flags say: the test suites and the bench set it, so nothing they start
 * ever talks to this machine's real router.
 */
export function portMappingOffInEnvironment(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SWARMDROP_PORT_MAPPING === 'off';
}

/**
 * SWARMDROP_LAN_INTERFACE in the environment: the interface LSD and the LAN catalog use
 * when no `--lan-interface` names one (an address of this machine, or all), for a peer
 * server that listens beyond loopback (`peerHost`; one on loopback keeps LAN discovery
 * off, as without the variable). The test suites and the bench set 127.0.0.1, so no
 * multicast they cause leaves this machine; a test that builds its own LAN of network
 * namespaces clears it.
 */
export function lanInterfaceFromEnv(
  peerHost: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const value = env.SWARMDROP_LAN_INTERFACE;
  if (value === undefined || value === '') return undefined;
  if (peerHost !== undefined && (peerHost === 'localhost' || /^127\.|^::1$/.test(peerHost))) return undefined;
  if (!LAN_INTERFACE_PATTERN.test(value) || value === 'auto')
    throw new UsageError(`SWARMDROP_LAN_INTERFACE needs an IP address or all, got '${value}'`);
  return value;
}

/** `--encryption`: one of prefer, require, off. */
export function parseEncryption(value: string): EncryptionMode {
  const mode = ENCRYPTION_MODES.find((m) => m === value);
  if (!mode) throw new UsageError(`--encryption needs prefer, require or off, got '${value}'`);
  return mode;
}

export interface HostFlags {
  dataDir: string | undefined;
  overrides: HostOverrides;
  /** --verbose: debug lines on stderr and in the log. */
  verbose: boolean;
}

export function hostFlagsFrom(
  values: {
    'data-dir'?: string;
    'download-dir'?: string;
    'embedded-tracker'?: string;
    'peer-port'?: string;
    tracker?: string[];
    bind?: string;
    'advertise-host'?: string;
    verbose?: boolean;
    encryption?: string;
    'dht-bootstrap'?: string[];
    'no-dht'?: boolean;
    'no-lsd'?: boolean;
    'lan-interface'?: string;
    'no-port-mapping'?: boolean;
    'nat-gateway'?: string;
    utp?: boolean;
    'no-utp'?: boolean;
  },
  /** Where SWARMDROP_DHT_BOOTSTRAP is read (the hosts pass process.env). */
  env: NodeJS.ProcessEnv = {},
): HostFlags {
  const overrides: HostOverrides = {};
  if (values['peer-port'] !== undefined) overrides.peerPort = parsePort(values['peer-port'], '--peer-port');
  const et = values['embedded-tracker'];
  if (et !== undefined)
    overrides.embeddedTracker = et === 'off' ? 'off' : parsePort(et, '--embedded-tracker');
  if (values.tracker) {
    for (const t of values.tracker)
      if (!/^(udp|https?):\/\/[^\s/]+/i.test(t))
        throw new UsageError(`--tracker needs udp://host:port or http://host/announce, got '${t}'`);
    overrides.trackers = values.tracker;
  }
  if (values['download-dir'] !== undefined) overrides.downloadDir = path.resolve(values['download-dir']);
  if (values.bind !== undefined) overrides.bindHost = values.bind;
  const ah = values['advertise-host'];
  if (ah !== undefined) {
    if (ah.length > ADVERTISE_HOST_MAX_LENGTH || !ADVERTISE_HOST_PATTERN.test(ah))
      throw new UsageError(`--advertise-host needs an address, a host name or auto, got '${ah}'`);
    overrides.advertiseHost = ah;
  }
  if (values.encryption !== undefined) overrides.encryption = parseEncryption(values.encryption);
  if (values['no-dht']) overrides.dhtEnabled = false;
  const dhtBootstrap = values['dht-bootstrap']
    ? parseDhtBootstrap(values['dht-bootstrap'])
    : dhtBootstrapFromEnv(env);
  if (dhtBootstrap) overrides.dhtBootstrap = dhtBootstrap;
  if (values['no-lsd']) overrides.lsd = false;
  const lanInterface = values['lan-interface'];
  if (lanInterface !== undefined) {
    if (!LAN_INTERFACE_PATTERN.test(lanInterface) || lanInterface === 'auto')
      throw new UsageError(`--lan-interface needs an IP address or all, got '${lanInterface}'`);
    overrides.lanInterface = lanInterface;
  }
  if (values['no-port-mapping'] === true) overrides.portMapping = false;
  if (values['nat-gateway'] !== undefined) overrides.natGateway = parseNatGateway(values['nat-gateway']);
  if (values.utp && values['no-utp']) throw new UsageError('--utp and --no-utp contradict each other');
  if (values.utp) overrides.utp = true;
  if (values['no-utp']) overrides.utp = false;
  return {
    dataDir: values['data-dir'] === undefined ? undefined : path.resolve(values['data-dir']),
    overrides,
    verbose: values.verbose === true,
  };
}

/** For the Electron app, which gets its flags in process.argv among Chromium's. */
export function parseHostFlags(argv: string[], env: NodeJS.ProcessEnv = {}): HostFlags {
  const { values } = parseArgs({
    args: argv,
    options: HOST_FLAG_OPTIONS,
    strict: false,
    allowPositionals: true,
  });
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const tracker = Array.isArray(values.tracker)
    ? values.tracker.filter((t): t is string => typeof t === 'string')
    : undefined;
  const dhtBootstrap = Array.isArray(values['dht-bootstrap'])
    ? values['dht-bootstrap'].filter((t): t is string => typeof t === 'string')
    : undefined;
  return hostFlagsFrom(
    {
      ...(dhtBootstrap ? { 'dht-bootstrap': dhtBootstrap } : {}),
      'no-dht': values['no-dht'] === true,
      'data-dir': str(values['data-dir']),
      'download-dir': str(values['download-dir']),
      'embedded-tracker': str(values['embedded-tracker']),
      'peer-port': str(values['peer-port']),
      ...(tracker ? { tracker } : {}),
      bind: str(values.bind),
      'advertise-host': str(values['advertise-host']),
      verbose: values.verbose === true,
      encryption: str(values.encryption),
      'no-lsd': values['no-lsd'] === true,
      'lan-interface': str(values['lan-interface']),
      'no-port-mapping': values['no-port-mapping'] === true,
      'nat-gateway': str(values['nat-gateway']),
      utp: values.utp === true,
      'no-utp': values['no-utp'] === true,
    },
    env,
  );
}
