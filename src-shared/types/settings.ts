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
  /** Bytes per second; 0 = unlimited. */
  rateLimits: { downloadBps: number; uploadBps: number };
  theme: Theme;
  /** Show a notification when a download completes. */
  notifyOnComplete: boolean;
  /** Desktop app: closing the window hides it and sharing goes on from the tray. */
  keepSharingWhenClosed: boolean;
  /**
   * Ask the router (UPnP IGD or NAT-PMP) to forward the peer port while running, so peers
   * outside the LAN can connect; removed at exit. `gateway`: '' = discover the router, or
   * an IPv4 address (NAT-PMP) or the http:// URL of a UPnP device description.
   * Applies after a restart.
   */
  portMapping: { enabled: boolean; gateway: string };
}

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
