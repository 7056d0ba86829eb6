import { describe, expect, it } from 'vitest';
import { EventHub } from '../../engine/session/event-hub.ts';
import type { Session, TorrentSummary } from '../../engine/session-api.ts';
import { createLogger, type LogEntry, type LogLevel } from './logger.ts';
import { logSession } from './session-log.ts';

const ID = 'e'.repeat(40);

/** The session's event surface, which is all logSession uses. */
function fakeSession(): { session: Session; hub: EventHub } {
  const hub = new EventHub();
  return { session: { on: hub.on.bind(hub) } as unknown as Session, hub };
}

function capture(level: LogLevel): { entries: LogEntry[]; logger: ReturnType<typeof createLogger> } {
  const entries: LogEntry[] = [];
  return { entries, logger: createLogger([{ level, write: (e) => entries.push(e) }]) };
}

const summary = (state: TorrentSummary['state'], peers = 0) =>
  ({ id: ID, state, peers, seeds: 0 }) as TorrentSummary;

describe('logSession', () => {
  it("after a peer's ban, its remaining bad pieces are logged at info; another peer's still warn", () => {
    const { session, hub } = fakeSession();
    const { entries, logger } = capture('debug');
    const seen: string[] = [];
    logSession(session, logger, { onWarning: (e, v) => seen.push(`${e.code} ${v.level} ${v.torrentEvent}`) });
    const failed = (peer: string, piece: number) =>
      hub.emit('warning', { code: 'hash-failed', message: 'm', torrentId: ID, piece, peers: [peer] });
    failed('a:1', 1);
    hub.emit('warning', { code: 'peer-banned', message: 'banned a:1: why', torrentId: ID, peer: 'a:1' });
    failed('a:1', 2);
    failed('b:2', 3);
    expect(seen).toEqual([
      'hash-failed warn true',
      'peer-banned warn true',
      'hash-failed info false',
      'hash-failed warn true',
    ]);
    expect(entries.map((e) => [e.level, e.fields.code, e.fields.piece])).toEqual([
      ['warn', 'hash-failed', 1],
      ['warn', 'peer-banned', undefined],
      ['info', 'hash-failed', 2],
      ['warn', 'hash-failed', 3],
    ]);
  });

  it('fatal errors are logged with their code, to the fatal logger when one is given', () => {
    const { session, hub } = fakeSession();
    const main = capture('debug');
    const fileOnly = capture('debug');
    logSession(session, main.logger, { fatalLogger: fileOnly.logger });
    hub.emit('fatal', { code: 'no-space', message: 'not enough free space', torrentId: ID });
    expect(main.entries).toEqual([]);
    expect(fileOnly.entries.map((e) => [e.level, e.msg, e.fields.code])).toEqual([
      ['error', 'not enough free space (no-space)', 'no-space'],
    ]);
  });

  it('state changes once each; peer counts only at debug; nothing per piece below debug', () => {
    const { session, hub } = fakeSession();
    const { entries, logger } = capture('info');
    const off = logSession(session, logger);
    hub.emit('update', [summary('fetching-metadata')]);
    hub.emit('update', [summary('fetching-metadata', 3)]);
    hub.emit('update', [summary('downloading', 3)]);
    hub.emit('piece-verified', {
      torrentId: ID,
      piece: 0,
      fromAddress: 'a:1',
      fromPeerIndex: 0,
      fromTransport: 'tcp',
    });
    expect(entries.map((e) => `${e.msg} ${e.fields.state}`)).toEqual([
      'state fetching-metadata',
      'state downloading',
    ]);
    expect(hub.hasListeners('piece-verified')).toBe(false);
    off();
    expect(hub.hasListeners('warning')).toBe(false);
  });

  it('at debug: peer count changes and the first verified piece of each torrent, once', () => {
    const { session, hub } = fakeSession();
    const { entries, logger } = capture('debug');
    logSession(session, logger);
    hub.emit('update', [summary('downloading', 1)]);
    hub.emit('update', [summary('downloading', 1)]);
    hub.emit('update', [summary('downloading', 2)]);
    hub.emit('piece-verified', {
      torrentId: ID,
      piece: 4,
      fromAddress: 'a:1',
      fromPeerIndex: 0,
      fromTransport: 'tcp',
    });
    hub.emit('piece-verified', {
      torrentId: ID,
      piece: 5,
      fromAddress: 'a:1',
      fromPeerIndex: 0,
      fromTransport: 'tcp',
    });
    expect(
      entries.filter((e) => e.level === 'debug').map((e) => `${e.msg} ${e.fields.peers ?? e.fields.piece}`),
    ).toEqual(['peers 1', 'peers 2', 'first verified piece 4']);
  });
});
