import { describe, expect, it } from 'vitest';
import { torrentEventSchema } from '../../src-shared/contract/schemas.ts';
import { MAX_TORRENT_EVENTS } from '../../src-shared/types/torrent.ts';
import { TorrentEvents } from './torrent-events.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('TorrentEvents', () => {
  it("keeps each torrent's newest events, oldest first, and forgets a removed torrent", () => {
    let now = 1000;
    const events = new TorrentEvents(() => now++);
    for (let i = 0; i < MAX_TORRENT_EVENTS + 5; i++)
      events.add(A, 'hash-failed', `piece ${i} failed its hash check`);
    events.add(B, 'peer-banned', 'banned 127.0.0.1:1: it sent pieces that failed their hash check');
    const a = events.of(A);
    expect(a).toHaveLength(MAX_TORRENT_EVENTS);
    expect(a[0]!.message).toBe('piece 5 failed its hash check');
    expect(a.at(-1)!.message).toBe(`piece ${MAX_TORRENT_EVENTS + 4} failed its hash check`);
    expect(events.of(B)).toEqual([
      {
        atMs: 1000 + MAX_TORRENT_EVENTS + 5,
        code: 'peer-banned',
        message: 'banned 127.0.0.1:1: it sent pieces that failed their hash check',
      },
    ]);
    events.forget(A);
    expect(events.of(A)).toEqual([]);
  });

  it('a burst of hash failures does not push out the ban that explains them', () => {
    const events = new TorrentEvents();
    events.add(A, 'hash-failed', 'piece 0 failed its hash check');
    events.add(A, 'peer-banned', 'banned 127.0.0.1:1: it sent pieces that failed their hash check');
    for (let i = 1; i <= 3 * MAX_TORRENT_EVENTS; i++)
      events.add(A, 'hash-failed', `piece ${i} failed its hash check`);
    const list = events.of(A);
    expect(list).toHaveLength(MAX_TORRENT_EVENTS);
    expect(list[0]!.code).toBe('peer-banned');
    expect(list.at(-1)!.message).toBe(`piece ${3 * MAX_TORRENT_EVENTS} failed its hash check`);
  });

  it('every event it hands out passes the contract schema; long texts are cut, not refused', () => {
    const events = new TorrentEvents();
    events.add(A, 'hash-failed', `piece 1 failed its hash check (data from ${'127.0.0.1:1, '.repeat(500)})`);
    const [event] = events.of(A);
    expect(torrentEventSchema.safeParse(event).success).toBe(true);
    expect(event!.message.length).toBeLessThanOrEqual(1024);
  });

  it('the schema refuses what the UI must not get', () => {
    expect(torrentEventSchema.safeParse({ atMs: 1, code: 'Bad Code', message: 'x' }).success).toBe(false);
    expect(torrentEventSchema.safeParse({ atMs: 1, code: 'x', message: '' }).success).toBe(false);
    expect(torrentEventSchema.safeParse({ atMs: 1, code: 'x', message: 'm', extra: 1 }).success).toBe(false);
    expect(() => new TorrentEvents().add(A, '', 'm')).toThrow();
  });
});
