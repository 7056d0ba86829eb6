/**
 * The real engine and tracker, as the hosts (daemon, Electron main) hand them to the
 * service. The only place that picks implementations: the shipped app never runs a fake.
 */
import os from 'node:os';
import { openSession } from '../engine/session/open-session.ts';
import { TrackerServer } from '../tracker/server/index.ts';
import { searchCatalog } from '../tracker/client/catalog-client.ts';
import type { ServiceDeps } from './service-types.ts';

/** LAN trackers re-announce every 2 minutes: new peers are found quickly, traffic is tiny. */
const EMBEDDED_INTERVAL_SEC = 120;

export function realServiceDeps(): ServiceDeps {
  return {
    openSession,
    async startTracker({ host, port }) {
      const server = new TrackerServer({ intervalSec: EMBEDDED_INTERVAL_SEC });
      const bound = await server.listen({ host, port });
      return { port: bound.port, host: bound.host, close: () => server.close() };
    },
    async searchCatalog(trackerUrl, query, timeoutMs) {
      if (!trackerUrl.toLowerCase().startsWith('udp://')) return [];
      const page = await searchCatalog(
        trackerUrl,
        { query, pageSize: 500 },
        // One retransmit inside the time-out (BEP 15 schedule shortened for an interactive search).
        {
          baseTimeoutMs: Math.floor(timeoutMs / 3),
          maxRetransmits: 1,
          signal: AbortSignal.timeout(timeoutMs),
        },
      );
      return page.items.map((i) => ({
        infoHashHex: i.infoHashHex,
        name: i.name,
        totalBytes: i.totalSizeBytes,
        seeders: i.seeders,
        leechers: i.leechers,
      }));
    },
    networkInterfaces: () => os.networkInterfaces(),
  };
}
