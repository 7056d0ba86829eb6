/** Persisted user settings (the service stores them with a version and migrations). */

export type Theme = 'system' | 'light' | 'dark';

export interface Settings {
  /** Where downloads go. */
  downloadDir: string;
  /** TCP port the peer server listens on; applies after a restart. */
  peerPort: number;
  /** Announce URLs added to every torrent we add or share, besides the embedded tracker. */
  trackers: string[];
  embeddedTracker: { enabled: boolean; port: number };
  /** Bytes per second; 0 = unlimited. */
  rateLimits: { downloadBps: number; uploadBps: number };
  theme: Theme;
  /** Show a notification when a download completes. */
  notifyOnComplete: boolean;
}

/** Settings that only take effect when the engine restarts. */
export const RESTART_SETTINGS = ['peerPort'] as const satisfies readonly (keyof Settings)[];
