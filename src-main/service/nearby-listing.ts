/**
 * `swarmdrop list` and `get NAME` without a tracker: listen to the LAN catalog for a
 * moment, after asking everyone to announce (a query), and return what was heard. The
 * engine's own sockets; nothing is advertised.
 */
import { LSD_IPV4_GROUP, LSD_IPV6_GROUP } from '../protocol/lan/lsd-message.ts';
import { NearbyCatalog } from '../engine/lan/nearby-catalog.ts';
import { NEARBY_PORT } from '../engine/session/lan-link.ts';

export { lanInterfaceFor } from '../engine/session/lan-link.ts';
import type { NearbyShare } from '../../src-shared/types/nearby.ts';

/**
 * How long `list` listens by default. A Swarmdrop answers a query within 0.75 s (half a
 * second after its last announce at most, plus up to 0.25 s of random delay so a LAN of
 * them does not answer at the same instant), pages sent back to back.
 */
export const NEARBY_LISTEN_MS = 2000;

export interface NearbyListingOptions {
  /** 'all' or a local address (LanOptions.interfaceAddress). */
  interfaceAddress: string;
  listenMs?: number;
  port?: number;
  ipv4Group?: string;
  ipv6Group?: string;
  /** Problems with sockets or interfaces (none usable: the list is empty). */
  onWarning?: (code: string, message: string) => void;
}

export async function listNearby(o: NearbyListingOptions): Promise<NearbyShare[]> {
  const catalog = await NearbyCatalog.open({
    ipv4Group: o.ipv4Group ?? LSD_IPV4_GROUP,
    ipv6Group: o.ipv6Group ?? LSD_IPV6_GROUP,
    port: o.port ?? NEARBY_PORT,
    interfaceAddress: o.interfaceAddress,
    who: '',
    peerPort: () => 0,
    shares: () => null,
    onChange: () => undefined,
    warning: o.onWarning ?? (() => undefined),
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, o.listenMs ?? NEARBY_LISTEN_MS));
    return catalog.list();
  } finally {
    await catalog.close();
  }
}
