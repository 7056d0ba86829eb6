import { describe, expect, it } from 'vitest';
import { RateWindow } from './rate-window.ts';

describe('RateWindow', () => {
  it('averages events over the window and forgets old seconds', () => {
    let now = 100_000;
    const w = new RateWindow(() => now, 10);
    expect(w.perSecond()).toBe(0);
    for (let s = 0; s < 10; s++) {
      w.record(5);
      now += 1000;
    }
    now -= 1000; // still inside the 10th second
    expect(w.perSecond()).toBe(5);
    now += 5000;
    expect(w.perSecond()).toBe(2.5);
    now += 20_000;
    expect(w.perSecond()).toBe(0);
  });
});
