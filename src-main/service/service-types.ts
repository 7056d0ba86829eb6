/** What a host (daemon, Electron main) hands the service: the real engine and tracker. */
import type { NetworkInterfaceInfo } from 'node:os';
import type { OpenSession } from '../engine/session-api.ts';
import type { CommandHandlers } from '../../src-shared/contract/commands.ts';
import type { EncryptionMode } from '../../src-shared/types/settings.ts';

export interface EmbeddedTracker {
  readonly port: number;
  /** The address it listens on: '::' (IPv6 and IPv4), '0.0.0.0' (IPv4 only) or one address. */
  readonly host: string;
  close(): Promise<void>;
}

export interface TrackerCatalogEntry {
  infoHashHex: string;
  name: string;
  totalBytes: number;
  seeders: number;
  leechers: number;
}

export interface ServiceDeps {
  openSession: OpenSession;
  /** Starts the embedded tracker (tracker/server TrackerServer); rejects with EADDRINUSE when taken. */
  /** `host` undefined: every address, IPv6 and IPv4 where the system has IPv6. */
  startTracker(options: { host?: string; port: number }): Promise<EmbeddedTracker>;
  /** Searches one tracker's catalog (docs/PROTOCOL.md catalog extension). */
  searchCatalog(trackerUrl: string, query: string, timeoutMs: number): Promise<TrackerCatalogEntry[]>;
  networkInterfaces(): NodeJS.Dict<NetworkInterfaceInfo[]>;
}

/** Flags that override persisted settings for this run only (never written back). */
export interface HostOverrides {
  peerPort?: number;
  /** A port, or 'off'. */
  embeddedTracker?: number | 'off';
  trackers?: string[];
  downloadDir?: string;
  /** Bind address of the peer server and the embedded tracker. */
  bindHost?: string;
  /** Host written into our torrents' embedded-tracker URL ('auto' or a host); overrides the setting. */
  advertiseHost?: string;
  /** Peer connection encryption for this run. */
  encryption?: EncryptionMode;
  /** `--no-dht`: no DHT this run. */
  dhtEnabled?: boolean;
  /** `--dht-bootstrap` (or SWARMDROP_DHT_BOOTSTRAP): bootstrap nodes for this run. */
  dhtBootstrap?: string[];
  /** `--no-lsd`: no Local Service Discovery this run. */
  lsd?: boolean;
  /** `--lan-interface`: where LSD and the LAN catalog run ('all' or an address). */
  lanInterface?: string;
  /** --no-port-mapping (false) or the SWARMDROP_PORT_MAPPING=off environment (false). */
  portMapping?: boolean;
  /** --nat-gateway: the router to map the port on, instead of discovering one. */
  natGateway?: string;
  /** uTP on (true) or off (false) for this run. */
  utp?: boolean;
}

export interface ServiceOptions {
  host: 'electron' | 'daemon';
  version: string;
  dataDir: string;
  /** Download folder when the settings have none yet. */
  defaultDownloadDir: string;
  overrides?: HostOverrides;
  /** Commands only the host can do (native dialogs, opening files). */
  hostCommands?: Partial<Pick<CommandHandlers, 'pickPaths' | 'openPath'>>;
  /** Where the log's text lines go (default: stderr); the log file is written regardless. */
  log?: (line: string) => void;
  /** Debug lines in the log file and on stderr. */
  verbose?: boolean;
}
