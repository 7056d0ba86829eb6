/**
 * What an engine session does, into a log: every warning (through the one mapping in
 * engine-warnings.ts), fatal errors, torrents added, metadata, completion, state changes,
 * and at debug level the swarm's size and the first verified piece. Nothing per block or
 * per piece: state and peer counts are logged when they change, from the batched updates.
 */
import type { EngineEvent, Session } from '../../engine/session-api.ts';
import { logEngineWarning, type WarningView } from './engine-warnings.ts';
import type { Logger } from './logger.ts';

export interface SessionLogOptions {
  /** Called after each warning is logged (the CLI's and the UI's own reactions). */
  onWarning?: (e: EngineEvent, view: WarningView) => void;
  /** Where fatal errors go when the host reports them itself (`get` exits with one line). */
  fatalLogger?: Logger;
}

/** Subscribes; returns the unsubscribe function. */
export function logSession(session: Session, logger: Logger, options: SessionLogOptions = {}): () => void {
  const last = new Map<string, { state: string; peers: number; seeds: number }>();
  const firstPieceLogged = new Set<string>();
  // `${torrentId} ${peer}` of every ban this session, to tell the last failures of a
  // banned peer's in-flight data from news.
  const banned = new Set<string>();
  const offs = [
    session.on('warning', (e) => {
      const torrent = e.torrentId ?? '';
      if (e.code === 'peer-banned' && e.peer) banned.add(`${torrent} ${e.peer}`);
      const sendersBanned =
        e.code === 'hash-failed' &&
        e.peers !== undefined &&
        e.peers.length > 0 &&
        e.peers.every((p) => banned.has(`${torrent} ${p}`));
      const view = logEngineWarning(logger, e, { sendersBanned });
      options.onWarning?.(e, view);
    }),
    session.on('fatal', (e) =>
      (options.fatalLogger ?? logger).error(`${e.message} (${e.code})`, {
        code: e.code,
        torrentId: e.torrentId,
        peer: e.peer,
      }),
    ),
    session.on('torrent-added', (t) =>
      logger.info('torrent added', { torrentId: t.id, name: t.name, state: t.state, savePath: t.savePath }),
    ),
    session.on('torrent-removed', (id) => {
      last.delete(id);
      firstPieceLogged.delete(id);
      for (const key of banned) if (key.startsWith(`${id} `)) banned.delete(key);
      logger.info('torrent removed', { torrentId: id });
    }),
    session.on('metadata', (t) =>
      logger.info('metadata received', { torrentId: t.id, name: t.name, totalBytes: t.totalBytes }),
    ),
    session.on('torrent-completed', (t) =>
      logger.info('download complete', { torrentId: t.id, name: t.name, totalBytes: t.totalBytes }),
    ),
    session.on('update', (changed) => {
      for (const t of changed) {
        const prev = last.get(t.id);
        if (!prev || prev.state !== t.state) {
          logger.info('state', { torrentId: t.id, state: t.state, from: prev?.state ?? null });
        }
        if (logger.enabled('debug') && (!prev || prev.peers !== t.peers || prev.seeds !== t.seeds)) {
          logger.debug('peers', { torrentId: t.id, peers: t.peers, seeds: t.seeds });
        }
        last.set(t.id, { state: t.state, peers: t.peers, seeds: t.seeds });
      }
    }),
  ];
  // Only a debug log listens to every verified piece, and only until each torrent's first.
  if (logger.enabled('debug')) {
    offs.push(
      session.on('piece-verified', (e) => {
        if (firstPieceLogged.has(e.torrentId)) return;
        firstPieceLogged.add(e.torrentId);
        logger.debug('first verified piece', { torrentId: e.torrentId, piece: e.piece, peer: e.fromAddress });
      }),
    );
  }
  return () => {
    for (const off of offs) off();
  };
}
