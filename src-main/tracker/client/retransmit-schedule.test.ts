import { describe, expect, it } from 'vitest';
import {
  BEP15_RETRANSMIT,
  connectionIdUsable,
  retransmitSchedule,
  retransmitTimeoutMs,
} from './retransmit-schedule.ts';

describe('BEP 15 retransmit schedule', () => {
  it.each([
    [0, 15_000],
    [1, 30_000],
    [2, 60_000],
    [7, 1_920_000],
    [8, 3_840_000],
    [9, undefined],
    [-1, undefined],
    [1.5, undefined],
  ])('attempt %d waits %s ms', (attempt, expected) => {
    expect(retransmitTimeoutMs(attempt, BEP15_RETRANSMIT)).toBe(expected);
  });

  it('lists 9 sends with the BEP defaults, ending at 3840 s', () => {
    const s = retransmitSchedule();
    expect(s).toHaveLength(9);
    expect(s.at(-1)).toBe(3_840_000);
    expect(s.reduce((a, b) => a + b, 0)).toBe(15_000 * (2 ** 9 - 1));
  });

  it('scales with the base and cap (tests, announcer failover)', () => {
    expect(retransmitSchedule({ baseTimeoutMs: 50, maxRetransmits: 3 })).toEqual([50, 100, 200, 400]);
    expect(retransmitSchedule({ baseTimeoutMs: 50, maxRetransmits: 0 })).toEqual([50]);
  });

  it('reuses a connection id for one minute only', () => {
    expect(connectionIdUsable(1000, 1000)).toBe(true);
    expect(connectionIdUsable(1000, 60_999)).toBe(true);
    expect(connectionIdUsable(1000, 61_000)).toBe(false);
    expect(connectionIdUsable(1000, 999)).toBe(false); // clock went back: reconnect
  });
});
