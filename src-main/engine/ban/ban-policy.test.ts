import { describe, expect, it } from 'vitest';
import { BanPolicy } from './ban-policy.ts';

function setup() {
  const c = { t: 1_000_000, now: () => c.t };
  return { clock: c, policy: new BanPolicy({ now: c.now }) };
}

type Event = { fail: string[] } | { pass: string[] };

describe('BanPolicy', () => {
  it.each<{ name: string; events: Event[]; banned: string[] }>([
    { name: 'one sole failure is forgiven', events: [{ fail: ['a'] }], banned: [] },
    { name: 'two sole failures ban', events: [{ fail: ['a'] }, { fail: ['a'] }], banned: ['a'] },
    {
      name: 'sole failures ban even after good pieces',
      events: [{ pass: ['a'] }, { fail: ['a'] }, { pass: ['a'] }, { pass: ['a'] }, { fail: ['a'] }],
      banned: ['a'],
    },
    {
      name: 'shared failures: trust -2 each, banned at -7 (4th failure)',
      events: [{ fail: ['a', 'b'] }, { fail: ['a', 'c'] }, { fail: ['a', 'b'] }, { fail: ['a', 'c'] }],
      banned: ['a'],
    },
    {
      name: 'three shared failures are not enough',
      events: [{ fail: ['a', 'b'] }, { fail: ['a', 'c'] }, { fail: ['a', 'd'] }],
      banned: [],
    },
    {
      name: 'good pieces earn trust back',
      events: [
        { fail: ['a', 'b'] },
        { fail: ['a', 'c'] },
        { fail: ['a', 'd'] },
        { pass: ['a'] },
        { pass: ['a'] },
        { fail: ['a', 'e'] },
      ],
      banned: [], // -6 + 2 - 2 = -6
    },
    {
      name: 'duplicate addresses in one piece count once (still sole)',
      events: [{ fail: ['a', 'a'] }, { fail: ['a', 'a', 'a'] }],
      banned: ['a'],
    },
  ])('$name', ({ events, banned }) => {
    const { policy } = setup();
    const newlyBanned: string[] = [];
    for (const e of events) {
      if ('fail' in e) newlyBanned.push(...policy.pieceFailed(e.fail));
      else policy.pieceVerified(e.pass);
    }
    expect(newlyBanned.sort()).toEqual(banned);
    for (const a of ['a', 'b', 'c', 'd', 'e']) expect(policy.isBanned(a)).toBe(banned.includes(a));
  });

  it('reports the ban reason and never re-bans a banned peer', () => {
    const { policy } = setup();
    policy.pieceFailed(['a']);
    expect(policy.pieceFailed(['a'])).toEqual(['a']);
    expect(policy.banOf('a')?.reason).toBe('hash-failures');
    expect(policy.pieceFailed(['a'])).toEqual([]);
  });

  it('bans on protocol abuse at once, with the code', () => {
    const { policy, clock } = setup();
    const entry = policy.protocolAbuse('10.0.0.1', 'bad-value');
    expect(entry).toEqual({
      address: '10.0.0.1',
      reason: 'protocol:bad-value',
      bannedAtMs: clock.t,
      untilMs: clock.t + 3_600_000,
    });
    expect(policy.isBanned('10.0.0.1')).toBe(true);
  });

  it('bans expire after an hour and the record starts fresh', () => {
    const { policy, clock } = setup();
    policy.pieceFailed(['a']);
    policy.pieceFailed(['a']);
    clock.t += 3_600_000 - 1;
    expect(policy.isBanned('a')).toBe(true);
    clock.t += 1;
    expect(policy.isBanned('a')).toBe(false);
    expect(policy.bans()).toEqual([]);
    expect(policy.pieceFailed(['a'])).toEqual([]); // one strike again, not banned
  });

  it('lists bans oldest first; unban and manual ban', () => {
    const { policy, clock } = setup();
    policy.ban('x');
    clock.t += 10;
    policy.protocolAbuse('y', 'too-large');
    expect(policy.bans().map((b) => [b.address, b.reason])).toEqual([
      ['x', 'manual'],
      ['y', 'protocol:too-large'],
    ]);
    policy.unban('x');
    expect(policy.isBanned('x')).toBe(false);
  });

  it('prune forgets peers back in good standing and expired bans', () => {
    const { policy, clock } = setup();
    policy.pieceFailed(['a', 'b']);
    policy.ban('c');
    for (let i = 0; i < 2; i++) policy.pieceVerified(['a']);
    policy.pieceVerified(['unknown']); // no record is created for good peers
    expect(policy.trackedPeers).toBe(3);
    policy.prune();
    expect(policy.trackedPeers).toBe(2); // a is back at 0: forgotten; b keeps its -2
    for (let i = 0; i < 3; i++) policy.pieceFailed(['b', `other-${i}`]);
    expect(policy.isBanned('b')).toBe(true); // -2 - 6 = -8
    clock.t += 3_600_000;
    policy.prune();
    expect(policy.trackedPeers).toBe(3); // b and c expired; other-0..2 keep their -2
  });

  it('honours custom thresholds', () => {
    const c = { t: 0, now: () => c.t };
    const policy = new BanPolicy({ now: c.now, soleFailuresToBan: 1, banDurationMs: 1000 });
    expect(policy.pieceFailed(['a'])).toEqual(['a']);
    c.t = 1000;
    expect(policy.isBanned('a')).toBe(false);
  });
});
