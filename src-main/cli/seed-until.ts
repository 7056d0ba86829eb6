import type { EngineEvent, Session } from '../service/headless-session.ts';

/**
 * How a seeding command ends: a signal (a clean stop, exit 0) or a fatal error of one of
 * its torrents (its files vanished or shrank: nothing left to seed, exit non-zero).
 */
export type SeedEnd = { kind: 'signal'; signal: NodeJS.Signals } | { kind: 'fatal'; event: EngineEvent };

/** Resolves with whichever of `stopped` or a fatal event for one of `ids` comes first. */
export function seedUntil(
  session: Session,
  ids: readonly string[],
  stopped: Promise<NodeJS.Signals>,
): Promise<SeedEnd> {
  return new Promise((resolve) => {
    const failed = session.list().find((t) => ids.includes(t.id) && t.state === 'error');
    if (failed) {
      const error = failed.error ?? { code: 'error', message: `${failed.name} failed` };
      resolve({ kind: 'fatal', event: { ...error, torrentId: failed.id } });
      return;
    }
    const off = session.on('fatal', (event) => {
      if (event.torrentId === undefined || !ids.includes(event.torrentId)) return;
      off();
      resolve({ kind: 'fatal', event });
    });
    void stopped.then((signal) => {
      off();
      resolve({ kind: 'signal', signal });
    });
  });
}
