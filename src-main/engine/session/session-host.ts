import type { HashPool } from '../workers/hash-pool.ts';
import type { ResumeStore } from '../resume/resume-store.ts';
import type { SessionOptions } from '../session-api.ts';
import type { Torrent, TorrentInit } from '../torrent/torrent.ts';
import type { TorrentContext } from '../torrent/torrent-context.ts';

/**
 * What `shareTorrent` and `restoreTorrents` need from the session that calls them.
 * EngineSession implements it; they import this interface rather than EngineSession, so
 * the session's modules do not import each other in a circle.
 */
export interface SessionHost {
  readonly options: SessionOptions;
  readonly ctx: TorrentContext;
  readonly internals: SessionInternals;
  /** Creates, starts and announces a Torrent. */
  register(init: TorrentInit): Torrent;
  has(id: string): boolean;
}

export interface SessionInternals {
  hashPool: HashPool;
  resumeStore: ResumeStore;
  torrent(id: string): Torrent | undefined;
  /** Aborted when the session closes. */
  closed: AbortSignal;
}
