import type { PortMappingStatus } from './port-mapping.ts';

/** Facts about the running host, for the first-run screen and the status bar. */
export interface AppInfo {
  version: string;
  /** 'electron' has native dialogs and file paths; 'daemon' is the browser UI. */
  host: 'electron' | 'daemon';
  /** Bound TCP port of the peer server. */
  listeningPort: number;
  /** The embedded tracker, when running. */
  embeddedTracker: {
    running: boolean;
    port: number | null;
    /**
     * Addresses other people should use, e.g. `udp://192.0.2.20:6969`: first the one
     * written into our torrents (the advertised host, a setting), then one per
     * non-internal interface of this machine (loopback only when there is none).
     */
    shareAddresses: string[];
    /** Why it is not running (port in use, …), in user words. */
    error: string | null;
  };
  /**
   * Settings a command-line flag overrides for this run (e.g. `--peer-port`): the
   * Settings view says so beside them.
   */
  overridden: (
    | 'peerPort'
    | 'embeddedTracker'
    | 'trackers'
    | 'downloadDir'
    | 'advertiseHost'
    | 'encryption'
    | 'dht'
    | 'portMapping'
    | 'utp'
  )[];
  /** Trackers new torrents announce to and Network searches: ours first, then the user's. */
  trackers: string[];
  dataDir: string;
  downloadDir: string;
  /** Where files uploaded from the browser are stored before being shared. */
  shareDir: string;
  /** LAN discovery as it runs now (settings `lan`, flags, the peer address). */
  lan?: LanStatus;
}

export interface LanStatus {
  lsd: boolean;
  /** The LAN catalog is listened to (the Nearby list can fill). */
  nearby: boolean;
  /** 'all' or the address whose interface is used; null when LAN discovery is off. */
  interfaceAddress: string | null;
}

/** Session-wide totals for the status bar, pushed about once a second. */
export interface StatusInfo {
  downRateBps: number;
  upRateBps: number;
  connectedPeers: number;
  listeningPort: number;
  torrentCount: number;
  /**
   * 'none': no tracker configured; 'idle': configured, nothing to announce yet; 'ok':
   * active torrents announce without errors; 'error': a tracker failed recently.
   */
  trackerState: 'none' | 'idle' | 'ok' | 'error';
  trackerError: string | null;
  /**
   * The torrents of the last run coming back after a start (the UI is served before they
   * are all there): how many are back of how many; null once the restore is over.
   */
  restoring: { restored: number; total: number } | null;
  /** Nodes in the DHT routing table; null when the DHT is off. */
  dhtNodes: number | null;
  /** The router's port mapping and whether peers outside the LAN can reach us. */
  portMapping: PortMappingStatus;
}
