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
  /** Mainline DHT (BEP 5): find peers with no tracker; applies after a restart. */
  dhtEnabled: boolean;
  /** DHT nodes to join through, `host:port` each; applies after a restart. */
  dhtBootstrap: string[];
}

/** `host:port` of a DHT bootstrap node: a host name or IPv4 address, or [IPv6]. */
export const DHT_NODE_PATTERN =
  /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*):([0-9]{1,5})$/;

/** Whether `text` is a usable `host:port` for a DHT bootstrap node (port 1–65535). */
export function isDhtNodeAddress(text: string): boolean {
  const m = text.length <= 260 ? DHT_NODE_PATTERN.exec(text) : null;
  return !!m && Number(m[1]) >= 1 && Number(m[1]) <= 65535;
}

/**
 * 'auto', an IPv4 or IPv6 address (no brackets) or a host name: what
 * `embeddedTracker.advertiseHost` and `--advertise-host` accept.
 */
export const ADVERTISE_HOST_PATTERN =
  /^(auto|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*)$/;
export const ADVERTISE_HOST_MAX_LENGTH = 253;
