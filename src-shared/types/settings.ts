/** Persisted user settings (the service stores them with a version and migrations). */

export type Theme = 'system' | 'light' | 'dark';

/**
 * Message Stream Encryption of peer connections. 'prefer': dial with MSE and fall back
 * to plaintext, accept both. 'require': MSE (RC4) only, both ways. 'off': plaintext only.
 */
export type EncryptionMode = 'prefer' | 'require' | 'off';
export const ENCRYPTION_MODES = ['prefer', 'require', 'off'] as const satisfies readonly EncryptionMode[];

export interface Settings {
  /** Where downloads go. */
  downloadDir: string;
  /** TCP port the peer server listens on; applies after a restart. */
  peerPort: number;
  /** Announce URLs added to every torrent we add or share, besides the embedded tracker. */
  trackers: string[];
  embeddedTracker: {
    enabled: boolean;
    port: number;
    /**
     * The host written into torrents and magnets we make (`udp://<host>:<port>`): the
     * address other people reach this machine at. 'auto' = the listen address when the
     * tracker listens on one address, else this machine's first network address
     * (loopback when it has none).
     */
    advertiseHost: string;
  };
  /** Peer connection encryption (MSE); applies to new connections at once. */
  encryption: EncryptionMode;
  /** uTP (BEP 29) besides TCP on the peer port; applies to new connections at once. */
  utp: boolean;
  /**
   * Dial peers over uTP first, TCP after (default: TCP first). uTP's congestion control
   * gives way to other traffic on the link, for more CPU per byte. Applies to new dials.
   */
  preferUtp: boolean;
  /** Bytes per second; 0 = unlimited. */
  rateLimits: { downloadBps: number; uploadBps: number };
  theme: Theme;
  /** Show a notification when a download completes. */
  notifyOnComplete: boolean;
  /** Desktop app: closing the window hides it and sharing goes on from the tray. */
  keepSharingWhenClosed: boolean;
  /** Mainline DHT (BEP 5): find peers with no tracker; applies after a restart. */
  dhtEnabled: boolean;
  /** DHT nodes to join through, `host:port` each; applies after a restart. */
  dhtBootstrap: string[];
  /** Finding peers and shares on the LAN; applies after a restart. */
  lan: LanSettings;
  /**
   * Ask the router (UPnP IGD or NAT-PMP) to forward the peer port while running, so peers
   * outside the LAN can connect; removed at exit. `gateway`: '' = discover the router, or
   * an IPv4 address (NAT-PMP) or the http:// URL of a UPnP device description.
   * Applies after a restart.
   */
  portMapping: { enabled: boolean; gateway: string };
}

/** `host:port` of a DHT bootstrap node: a host name or IPv4 address, or [IPv6]. */
export const DHT_NODE_PATTERN =
  /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*):([0-9]{1,5})$/;

/** Whether `text` is a usable `host:port` for a DHT bootstrap node (port 1–65535). */
export function isDhtNodeAddress(text: string): boolean {
  const m = text.length <= 260 ? DHT_NODE_PATTERN.exec(text) : null;
  return !!m && Number(m[1]) >= 1 && Number(m[1]) <= 65535;
}

/** LSD (BEP 14) and the LAN catalog ("Nearby", docs/PROTOCOL.md). */
export interface LanSettings {
  /** Local Service Discovery: announce our torrents on the LAN, take peers from others'. */
  lsd: boolean;
  /** Show what other Swarmdrops on the LAN share (the Network tab's Nearby list). */
  nearby: boolean;
  /** "List my shares on the LAN": advertise our shares (not those marked unlisted). */
  listShares: boolean;
  /**
   * The interface LSD and the LAN catalog use: 'auto' (every interface, or the peer
   * server's address when it listens on one; none when that is loopback), 'all', or an
   * address of this machine.
   */
  interfaceAddress: string;
  /** BEP 14 multicast groups and port. */
  lsdIpv4Group: string;
  lsdIpv6Group: string;
  lsdPort: number;
  /** The LAN catalog's port (on the same groups). */
  nearbyPort: number;
}

/** 'auto', 'all' or an IP address: what `lan.interfaceAddress` accepts. */
export const LAN_INTERFACE_PATTERN = /^(auto|all|[0-9]{1,3}(\.[0-9]{1,3}){3}|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*)$/;

/**
 * 'auto', an IPv4 or IPv6 address (no brackets) or a host name: what
 * `embeddedTracker.advertiseHost` and `--advertise-host` accept.
 */
export const ADVERTISE_HOST_PATTERN =
  /^(auto|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*)$/;
export const ADVERTISE_HOST_MAX_LENGTH = 253;

/** What `portMapping.gateway` and `--nat-gateway` accept: '', an IPv4 address, or an http(s) URL. */
export const NAT_GATEWAY_PATTERN =
  /^(|(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}|https?:\/\/[^\s/]+(\/\S*)?)$/i;
export const NAT_GATEWAY_MAX_LENGTH = 2048;
