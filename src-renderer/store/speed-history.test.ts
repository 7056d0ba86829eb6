import { describe, expect, it } from 'vitest';
import { HISTORY_SAMPLES, RateRing, SpeedHistory } from './speed-history.ts';

describe('RateRing', () => {
  it('returns samples oldest first and keeps only the last 300', () => {
    const r = new RateRing();
    for (let i = 0; i < HISTORY_SAMPLES + 5; i++) r.push(i, -i);
    const { down, up } = r.series();
    expect(down.length).toBe(HISTORY_SAMPLES);
    expect(down[0]).toBe(5);
    expect(down.at(-1)).toBe(HISTORY_SAMPLES + 4);
    expect(up.at(-1)).toBe(-(HISTORY_SAMPLES + 4));
  });
});

describe('SpeedHistory', () => {
  it('samples each torrent and the total, forgetting removed torrents', () => {
    const h = new SpeedHistory();
    h.sample([
      { id: 'a', downRateBps: 100, upRateBps: 1 },
      { id: 'b', downRateBps: 50, upRateBps: 2 },
    ]);
    h.sample([{ id: 'a', downRateBps: 200, upRateBps: 3 }]);
    expect(h.of('a')?.series().down).toEqual([100, 200]);
    expect(h.of('b')).toBeUndefined();
    expect(h.total.series()).toEqual({ down: [150, 200], up: [3, 3] });
  });
});
