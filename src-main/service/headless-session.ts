/**
 * The headless host: the engine as the CLI's `share`, `get` and `create` use it — one
 * session for one transfer, printed to a terminal, with no settings store, no event
 * batching and no client contract (AppService adds those for windows and browser tabs).
 *
 * Hosts (src-main/app, cli, daemon) never import src-main/engine themselves: the service
 * layer is where the engine is opened (the layering rule in .dependency-cruiser.mjs). So
 * what the CLI needs from the engine, it takes from here.
 *
 * The session and the creator are imported when first used, not with this module:
 * `swarmdrop create` then never evaluates the session's modules, and starts in about half
 * the time (cli/main.ts loads each sub-command the same way).
 */
import type { Session, SessionOptions } from '../engine/session-api.ts';

export type { CreateProgress } from '../engine/create/create-torrent.ts';
export type {
  EngineEvent,
  PeerClosedEvent,
  Session,
  SessionOptions,
  ShareResult,
  TorrentSource,
  TorrentSummary,
} from '../engine/session-api.ts';
export { HashPool } from '../engine/workers/hash-pool.ts';
export { DEFAULT_MAX_PER_IP } from '../engine/slots/peer-slots.ts';

/**
 * Opens the engine for one transfer. With `anyPortIfTaken`, a peer port another program
 * holds (another client on this machine often has 6881) falls back to any free port, and
 * `onPortTaken` hears of it; without it, a taken port is the error the caller reports.
 */
export async function openHeadlessSession(
  options: SessionOptions,
  {
    anyPortIfTaken,
    onPortTaken,
  }: { anyPortIfTaken: boolean; onPortTaken?: (port: number | undefined) => void },
): Promise<Session> {
  const { openSession } = await import('../engine/session/open-session.ts');
  try {
    return await openSession(options);
  } catch (err) {
    if (!anyPortIfTaken || (err as { code?: string }).code !== 'port-in-use') throw err;
    onPortTaken?.(options.peerPort);
    return openSession({ ...options, peerPort: 0 });
  }
}

/** The torrent creator: `swarmdrop create` starts its hash workers, then loads this while they boot. */
export async function loadCreateTorrent(): Promise<
  (typeof import('../engine/create/create-torrent.ts'))['createTorrent']
> {
  return (await import('../engine/create/create-torrent.ts')).createTorrent;
}
