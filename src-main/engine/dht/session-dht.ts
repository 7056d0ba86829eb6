/**
 * The session's DHT: rides on the uTP socket of the peer port, or binds a UDP port (the
 * peer port number unless told otherwise), starts the node from the routing table saved
 * in the data folder, saves the table every few minutes and at close. Opening never fails the session: a DHT that cannot start is a
 * warning and the engine runs without it.
 */
import { isIPv6 } from 'node:net';
import { isVersionedDataError } from '../resume/versioned-json-store.ts';
import type { DhtNode } from './dht-node.ts';
import { DhtStateStore } from './dht-state-store.ts';
import { UdpPort, type SharedUdpSocket } from './udp-port.ts';

export interface SessionDhtOptions {
  dataDir: string;
  /** Address of the peer server; the DHT binds its IPv4 counterpart (see NOTES.md). */
  host: string;
  /** The peer port number, or the port asked for. */
  port: number;
  /**
   * The uTP socket on the peer port, to ride on instead of binding (`canShareForDht` must
   * hold for its address); `host` and `port` are then unused.
   */
  shared?: SharedUdpSocket;
  /** `host:port` nodes to join through. */
  bootstrap: readonly string[];
  warning(code: string, message: string): void;
}

/** How often the routing table is written while running. */
const SAVE_INTERVAL_MS = 5 * 60_000;

export class SessionDht {
  private readonly saveTimer: ReturnType<typeof setInterval>;
  private closing: Promise<void> | null = null;

  private constructor(
    readonly node: DhtNode,
    private readonly udp: UdpPort,
    private readonly store: DhtStateStore,
    private readonly warning: SessionDhtOptions['warning'],
  ) {
    this.saveTimer = setInterval(() => void this.save(), SAVE_INTERVAL_MS);
    this.saveTimer.unref?.();
  }

  static async open(o: SessionDhtOptions): Promise<SessionDht | null> {
    // The DHT library and its dependencies are loaded only when a DHT starts, and their
    // loading overlaps the socket bind and the state read below: importing them with the
    // engine cost every process ~70 ms of CPU before its first connection, with the DHT on
    // or off (docs/PERFORMANCE.md, "Start-up and the first piece from a foreign seeder").
    const library = import('./mainline-dht.ts');
    library.catch(() => undefined); // handled where it is awaited; the bind may return first
    const udp = o.shared ? UdpPort.share(o.shared) : await bindDhtPort(o);
    if (!udp) return null;
    const store = new DhtStateStore(o.dataDir);
    const saved = await store.load().catch((err: unknown) => {
      const code = isVersionedDataError(err) ? err.code : 'io-error';
      o.warning(
        'dht-state-unreadable',
        `saved DHT nodes unusable (${code}); starting from the bootstrap nodes`,
      );
      return undefined;
    });
    const loaded = await library.catch((err: unknown) =>
      err instanceof Error ? err : new Error(String(err)),
    );
    if (loaded instanceof Error) {
      await udp.close().catch(() => undefined);
      o.warning('dht-unavailable', `the DHT could not start: ${loaded.message}`);
      return null;
    }
    const node = new loaded.MainlineDht({
      udp,
      bootstrap: o.bootstrap,
      ...(saved ? { saved } : {}),
      onWarning: o.warning,
    });
    return new SessionDht(node, udp, store, o.warning);
  }

  private async save(): Promise<void> {
    // An empty table (a run with no network) would overwrite one worth keeping.
    if (this.node.nodeCount() === 0) return;
    try {
      await this.store.save(this.node.state());
    } catch (err) {
      this.warning('dht-state-save-failed', `could not save the DHT nodes: ${(err as Error).message}`);
    }
  }

  /** Saves the routing table, stops the node, closes the socket. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.saveTimer);
      await this.save();
      await this.node.close();
      await this.udp.close();
    })();
    return this.closing;
  }
}

/** A socket of the DHT's own: the port asked for, else any free one (with a warning). */
async function bindDhtPort(o: SessionDhtOptions): Promise<UdpPort | null> {
  // BEP 5 as the library speaks it is IPv4: an IPv6 peer address gets its IPv4 twin.
  const host = isIPv6(o.host) ? (o.host === '::1' ? '127.0.0.1' : '0.0.0.0') : o.host;
  try {
    return await UdpPort.bind({ host, port: o.port });
  } catch (err) {
    try {
      const udp = await UdpPort.bind({ host, port: 0 });
      o.warning(
        'dht-port-taken',
        `UDP port ${o.port} is taken (${(err as Error).message}); the DHT listens on ${udp.port} instead`,
      );
      return udp;
    } catch (err2) {
      o.warning('dht-unavailable', `the DHT could not start: ${(err2 as Error).message}`);
      return null;
    }
  }
}
