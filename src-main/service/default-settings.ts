/**
 * The settings' defaults, apart from settings-store.ts: the CLI reads them (the DHT
 * routers) without loading the settings schema, whose zod is ~0.1 s of CPU at start-up
 * (docs/PERFORMANCE.md).
 */
import type { Settings } from '../../src-shared/types/settings.ts';
import { LSD_IPV4_GROUP, LSD_IPV6_GROUP, LSD_PORT } from '../protocol/lan/lsd-message.ts';
import { NEARBY_PORT } from '../engine/session/lan-link.ts';

/** Defaults; `downloadDir` depends on the host (and its --data-dir). */
export function defaultSettings(downloadDir: string): Settings {
  return {
    downloadDir,
    peerPort: 6881,
    trackers: [],
    embeddedTracker: { enabled: true, port: 6969, advertiseHost: 'auto' },
    encryption: 'prefer',
    utp: true,
    preferUtp: false,
    rateLimits: { downloadBps: 0, uploadBps: 0 },
    theme: 'system',
    notifyOnComplete: true,
    keepSharingWhenClosed: true,
    dhtEnabled: true,
    dhtBootstrap: [...PUBLIC_DHT_BOOTSTRAP],
    lan: {
      lsd: true,
      nearby: true,
      listShares: true,
      interfaceAddress: 'auto',
      lsdIpv4Group: LSD_IPV4_GROUP,
      lsdIpv6Group: LSD_IPV6_GROUP,
      lsdPort: LSD_PORT,
      nearbyPort: NEARBY_PORT,
    },
    portMapping: { enabled: true, gateway: '' },
  };
}

/**
 * The DHT routers clients commonly start from (libtorrent's and Transmission's defaults).
 * Only the settings' default: the engine has none, and tests and benchmarks always give
 * their own local nodes (or none).
 */
const PUBLIC_DHT_BOOTSTRAP = [
  'router.bittorrent.com:6881',
  'router.utorrent.com:6881',
  'dht.transmissionbt.com:6881',
  'dht.libtorrent.org:25401',
] as const;
