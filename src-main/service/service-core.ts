import type { EventMap, EventName } from '../../src-shared/contract/events.ts';
import type { AppInfo } from '../../src-shared/types/app-info.ts';
import type { TorrentDetail } from '../../src-shared/types/torrent.ts';
import type { Settings } from '../../src-shared/types/settings.ts';
import type { Session } from '../engine/session-api.ts';
import type { HostLogger } from './log/logger.ts';
import type { ServiceDeps, ServiceOptions } from './service-types.ts';
import type { UploadManager } from './upload-manager.ts';

/**
 * The part of AppService that a client connection and its command handlers use.
 * AppService implements it and owns the connections; service-connection.ts and
 * command-handlers.ts import this interface instead of AppService, so the three modules
 * do not import each other in a circle.
 */
export interface ServiceCore {
  readonly options: ServiceOptions;
  readonly deps: ServiceDeps;
  readonly session: Session;
  readonly settings: Settings;
  readonly uploads: UploadManager;
  readonly logger: HostLogger;
  readonly downloadDir: string;
  /** Errors from start-up, shown to every client that connects. */
  readonly startupProblems: readonly StartupProblem[];
  /** A file's stream URL (file-stream.ts); null when the host runs no stream server. */
  readonly streamLinks: ((id: string, fileIndex: number) => string) | null;
  /** A torrent's detail as the contract shows it (with its recent events). */
  detail(id: string): TorrentDetail;
  trackerAlias(url: string): string;
  trackerUrls(): string[];
  appInfo(): AppInfo;
  updateSettings(
    patch: Partial<Settings>,
  ): Promise<{ settings: Settings; restartRequired: (keyof Settings)[] }>;
  broadcast<E extends EventName>(event: E, payload: EventMap[E]): void;
}

export interface StartupProblem {
  code: string;
  message: string;
  where: 'settings' | 'tracker';
}

/** The connection as its command handlers see it: which torrent's detail it receives. */
export interface DetailWatcher {
  watch(id: string | null): void;
  /**
   * The client runs on the engine's own machine (the app's window, or a page opened from
   * loopback): paths are the same for both, so opening a file for it opens it in front of
   * the same person. A remote page must never make this machine launch programs.
   */
  readonly onThisMachine: boolean;
}
