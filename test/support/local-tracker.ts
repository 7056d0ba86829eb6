// Swarmdrop's own UDP tracker (BEP 15), in the test process on 127.0.0.1 with an
// ephemeral port, as the one tracker every client in an interop test announces to.
// A short interval so that peers joining later are learned within seconds; the tests
// read its swarm table to know who has announced before they start the next client.
import { TrackerServer } from '../../src-main/tracker/server/index.ts';

export interface TrackedPeer {
  ip: string;
  port: number;
  seeder: boolean;
}

export interface LocalTracker {
  readonly port: number;
  /** `udp://HOST:PORT/announce`. */
  readonly announceUrl: string;
  /** Peers the tracker lists for an info-hash now. */
  peers(infoHashHex: string): TrackedPeer[];
  /** Resolves once `match` holds for the info-hash's peer list; rejects after `timeoutMs`. */
  waitForPeers(
    infoHashHex: string,
    match: (peers: TrackedPeer[]) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<TrackedPeer[]>;
  /** Idempotent. */
  close(): Promise<void>;
}

/** `host`: the address to listen on (default 127.0.0.1; a test's own namespace link otherwise). */
export async function startLocalTracker(intervalSec = 5, host = '127.0.0.1'): Promise<LocalTracker> {
  const server = new TrackerServer({ intervalSec });
  const { port } = await server.listen({ host, port: 0 });
  const peers = (infoHashHex: string): TrackedPeer[] => {
    const swarm = server.snapshot().swarms.find((s) => s.infoHashHex === infoHashHex.toLowerCase());
    return (swarm?.peers ?? []).map(({ ip, port: p, seeder }) => ({ ip, port: p, seeder }));
  };
  return {
    port,
    announceUrl: `udp://${host.includes(':') ? `[${host}]` : host}:${port}/announce`,
    peers,
    async waitForPeers(infoHashHex, match, timeoutMs, what) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const now = peers(infoHashHex);
        if (match(now)) return now;
        if (Date.now() > deadline) {
          throw new Error(
            `tracker: ${what} not seen within ${timeoutMs / 1000} s (peers: ${JSON.stringify(now)})`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close: () => server.close(),
  };
}
