/**
 * The session's side of LAN discovery: which torrents LSD announces and which shares the
 * LAN catalog lists, and where the peers LSD hears about go. The sockets and the
 * protocol live in engine/lan/.
 */
import os from 'node:os';
import { ipFamily, isLoopbackIp } from '../../protocol/ip-address.ts';
import { LSD_IPV4_GROUP, LSD_IPV6_GROUP, LSD_PORT } from '../../protocol/lan/lsd-message.ts';
import type { NearbyShare as AdvertisedShare } from '../../protocol/lan/nearby-message.ts';
import { LocalDiscovery } from '../lan/local-discovery.ts';
import { NearbyCatalog } from '../lan/nearby-catalog.ts';
import type { LanOptions, LanStatus, NearbyShare } from '../session-api.ts';
import type { Torrent } from '../torrent/torrent.ts';

/** The LAN catalog's default port: its own, so LSD-only clients never see its datagrams. */
export const NEARBY_PORT = 6772;

/** What LAN discovery reads of a torrent. */
export type LanTorrent = Pick<Torrent, 'id' | 'name' | 'state' | 'metainfo' | 'unlisted' | 'isPaused'>;

export interface LanLinkHost {
  torrents(): Iterable<Torrent>;
  torrent(id: string): Torrent | undefined;
  peerPort(): number;
  /** The peer server's bind address ('0.0.0.0' when it listens everywhere). */
  peerHost: string;
  warning(code: string, message: string): void;
  nearbyChanged(shares: NearbyShare[]): void;
}

const ACTIVE_STATES = new Set(['fetching-metadata', 'downloading', 'seeding', 'files-changed']);

/** BEP 27: a private torrent's peers come from its tracker only: never LSD, never the LAN catalog. */
const isPrivate = (t: LanTorrent) => t.metainfo?.private === true;

/** Info-hashes LSD announces: active torrents, private ones never. */
export function lsdAnnounceable(torrents: Iterable<LanTorrent>): string[] {
  return [...torrents].filter((t) => !isPrivate(t) && ACTIVE_STATES.has(t.state)).map((t) => t.id);
}

/** Whether a peer LSD heard of goes to this torrent's swarm. */
export function takesLsdPeers<T extends LanTorrent>(t: T | undefined): t is T {
  return t !== undefined && !isPrivate(t) && !t.isPaused;
}

/**
 * Where LAN discovery runs unless told (LanOptions.interfaceAddress): every interface
 * when the peer server listens everywhere, that address's interface when it listens on
 * one, and nowhere (null) when that address is loopback: no one on the LAN could dial it.
 */
export function lanInterfaceFor(options: LanOptions, peerHost: string): string | null {
  if (options.interfaceAddress) return options.interfaceAddress;
  if (peerHost === '0.0.0.0' || peerHost === '::' || peerHost === '') return 'all';
  const loopback = peerHost === 'localhost' || (ipFamily(peerHost) !== undefined && isLoopbackIp(peerHost));
  return loopback ? null : peerHost;
}

export class LanLink {
  private constructor(
    private readonly lsd: LocalDiscovery | null,
    private readonly catalog: NearbyCatalog | null,
    private readonly interfaceAddress: string | null,
  ) {}

  status(): LanStatus {
    return {
      lsd: this.lsd !== null,
      nearby: this.catalog !== null,
      interfaceAddress: this.lsd || this.catalog ? this.interfaceAddress : null,
    };
  }

  static async open(options: LanOptions, host: LanLinkHost): Promise<LanLink> {
    const interfaceAddress = lanInterfaceFor(options, host.peerHost);
    if (interfaceAddress === null) return new LanLink(null, null, null);
    const lsd = options.lsd
      ? await LocalDiscovery.open({
          ipv4Group: options.lsdIpv4Group ?? LSD_IPV4_GROUP,
          ipv6Group: options.lsdIpv6Group ?? LSD_IPV6_GROUP,
          port: options.lsdPort ?? LSD_PORT,
          interfaceAddress,
          peerPort: host.peerPort,
          announceable: () => lsdAnnounceable(host.torrents()),
          onPeer: (hash, peer) => {
            const t = host.torrent(hash);
            if (takesLsdPeers(t)) t.swarm.addCandidates([peer]);
          },
          warning: host.warning,
          ...(options.lsdAnnounceIntervalMs ? { announceIntervalMs: options.lsdAnnounceIntervalMs } : {}),
        })
      : null;
    let catalog: NearbyCatalog | null = null;
    if (options.nearby) {
      const advertise = options.advertiseShares ?? true;
      catalog = await NearbyCatalog.open({
        ipv4Group: options.nearbyIpv4Group ?? options.lsdIpv4Group ?? LSD_IPV4_GROUP,
        ipv6Group: options.nearbyIpv6Group ?? options.lsdIpv6Group ?? LSD_IPV6_GROUP,
        port: options.nearbyPort ?? NEARBY_PORT,
        interfaceAddress,
        who: options.who ?? os.hostname(),
        peerPort: host.peerPort,
        shares: () => (advertise ? listedShares(host.torrents()) : null),
        onChange: () => host.nearbyChanged(catalog?.list() ?? []),
        warning: host.warning,
        ...(options.nearbyAnnounceIntervalMs ? { announceIntervalMs: options.nearbyAnnounceIntervalMs } : {}),
      });
    }
    return new LanLink(lsd, catalog, interfaceAddress);
  }

  nearby(): NearbyShare[] {
    return this.catalog?.list() ?? [];
  }

  queryNearby(): void {
    this.catalog?.query();
  }

  /** A torrent was added or resumed: announce it on LSD now. */
  torrentStarted(id: string): void {
    this.lsd?.announceSoon(id);
  }

  async close(): Promise<void> {
    this.lsd?.close();
    await this.catalog?.close();
  }
}

/** What we list: complete, seeding, not private, not unlisted. */
export function listedShares(torrents: Iterable<LanTorrent>): AdvertisedShare[] {
  const out: AdvertisedShare[] = [];
  for (const t of torrents) {
    if (t.unlisted || isPrivate(t)) continue;
    // Not summary(): it marks the shown rates as seen (Torrent.ratesMoved).
    if (t.state === 'seeding' && t.metainfo)
      out.push({ infoHashHex: t.id, name: t.name, totalBytes: t.metainfo.totalLengthBytes });
  }
  return out;
}
