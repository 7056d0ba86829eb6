import { describe, expect, it } from 'vitest';
import { createLogger, type LogEntry } from './logger.ts';
import { describeWarning, logEngineWarning } from './engine-warnings.ts';

describe('engine warnings in user words', () => {
  it('a hash failure names the piece and the peers that sent it', () => {
    const view = describeWarning({
      code: 'hash-failed',
      message: 'piece 7 failed its SHA-1 check (sent by 127.0.0.1:5000, 127.0.0.1:5001)',
      torrentId: 'ab'.repeat(20),
      piece: 7,
      peers: ['127.0.0.1:5000', '127.0.0.1:5001'],
    });
    expect(view).toEqual({
      level: 'warn',
      text: 'piece 7 failed its hash check (data from 127.0.0.1:5000, 127.0.0.1:5001)',
      torrentEvent: true,
    });
  });

  it("a banned peer's remaining bad pieces go to the log only, not to the user", () => {
    const e = { code: 'hash-failed', message: 'm', piece: 9, peers: ['127.0.0.1:5000'] };
    expect(describeWarning(e, { sendersBanned: true })).toEqual({
      level: 'info',
      text: 'piece 9 failed its hash check (data from 127.0.0.1:5000), a peer already banned',
      torrentEvent: false,
    });
    expect(describeWarning(e).level).toBe('warn');
  });

  it('a ban says who and why', () => {
    const view = describeWarning({
      code: 'peer-banned',
      message: 'banned 127.0.0.1:5000: it sent pieces that failed their hash check',
      peer: '127.0.0.1:5000',
    });
    expect(view.text).toBe('banned 127.0.0.1:5000: it sent pieces that failed their hash check');
    expect(view.torrentEvent).toBe(true);
  });

  it('changed files and unavailable metadata are torrent events; tracker failures are not', () => {
    expect(describeWarning({ code: 'files-changed', message: 'a.bin changed on disk: 3 pieces…' })).toEqual({
      level: 'warn',
      text: 'a.bin changed on disk: 3 pieces…',
      torrentEvent: true,
    });
    for (const code of ['metadata-unsupported', 'metadata-unavailable'])
      expect(describeWarning({ code, message: 'no peer can send it' })).toEqual({
        level: 'warn',
        text: 'metadata unavailable: no peer can send it',
        torrentEvent: true,
      });
    expect(describeWarning({ code: 'tracker-failed', message: 'udp://h:1: timed out' })).toEqual({
      level: 'warn',
      text: 'tracker unreachable: udp://h:1: timed out',
      torrentEvent: false,
    });
  });

  it("a peer's bad metadata is logged below the user's level", () => {
    expect(describeWarning({ code: 'bad-metadata', message: 'bad', peer: 'p:1' }).level).toBe('info');
  });

  it('a machine with no usable LAN interface is logged below the user level; a list cut short is a warning', () => {
    expect(describeWarning({ code: 'lan-no-interface', message: 'no usable interface' }).level).toBe('info');
    expect(describeWarning({ code: 'lan-send-failed', message: 'x' }).level).toBe('info');
    expect(describeWarning({ code: 'nearby-list-truncated', message: '12 shares left out' })).toEqual({
      level: 'warn',
      text: '12 shares left out',
      torrentEvent: false,
    });
  });

  it('an unknown code is still logged, at warn, with the engine message; __proto__ is just unknown', () => {
    expect(describeWarning({ code: 'brand-new', message: 'something new' })).toEqual({
      level: 'warn',
      text: 'something new',
      torrentEvent: false,
    });
    expect(describeWarning({ code: '__proto__', message: 'x' }).text).toBe('x');
  });

  it('the log line carries the code, the torrent, the peer and the engine text as fields', () => {
    const entries: LogEntry[] = [];
    const logger = createLogger([{ level: 'debug', write: (e) => entries.push(e) }]);
    logEngineWarning(logger, {
      code: 'peer-banned',
      message: 'banned 127.0.0.1:5000: it sent pieces that failed their hash check',
      torrentId: 'cd'.repeat(20),
      peer: '127.0.0.1:5000',
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]!.level).toBe('warn');
    expect(entries[0]!.fields).toMatchObject({
      code: 'peer-banned',
      torrentId: 'cd'.repeat(20),
      peer: '127.0.0.1:5000',
    });
  });
});
