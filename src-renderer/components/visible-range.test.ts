import { describe, expect, it } from 'vitest';
import { visibleRange } from './visible-range.ts';

describe('visibleRange', () => {
  it('renders only what is on screen plus overscan, for 500 rows', () => {
    expect(visibleRange(0, 560, 56, 500, 6)).toEqual({ start: 0, end: 17 });
    const mid = visibleRange(56 * 250, 560, 56, 500, 6);
    expect(mid).toEqual({ start: 244, end: 267 });
    expect(mid.end - mid.start).toBeLessThan(30);
  });

  it('clamps at the end and for empty lists', () => {
    expect(visibleRange(56 * 495, 560, 56, 500, 6)).toEqual({ start: 489, end: 500 });
    expect(visibleRange(0, 560, 56, 0)).toEqual({ start: 0, end: 0 });
    expect(visibleRange(-50, 100, 56, 3, 0)).toEqual({ start: 0, end: 3 });
  });
});
