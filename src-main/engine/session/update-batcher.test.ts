import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UpdateBatcher } from './update-batcher.ts';

describe('UpdateBatcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('flushes at most ten times a second, with every id changed in between', () => {
    const flushes: string[][] = [];
    const b = new UpdateBatcher(
      (ids) => flushes.push(ids),
      10,
      () => Date.now(),
    );
    for (let i = 0; i < 1000; i++) b.markDirty(i % 2 ? 'a' : 'b');
    vi.advanceTimersByTime(0);
    expect(flushes).toEqual([['b', 'a']]);
    b.markDirty('c');
    vi.advanceTimersByTime(50);
    expect(flushes.length).toBe(1);
    vi.advanceTimersByTime(50);
    expect(flushes).toEqual([['b', 'a'], ['c']]);
    for (let t = 0; t < 1000; t += 10) {
      b.markDirty('d');
      vi.advanceTimersByTime(10);
    }
    expect(flushes.length).toBeLessThanOrEqual(2 + 10);
    expect(flushes.length).toBeGreaterThanOrEqual(2 + 9);
  });

  it('forgets removed ids and stops after close', () => {
    const flushes: string[][] = [];
    const b = new UpdateBatcher((ids) => flushes.push(ids));
    b.markDirty('x');
    b.forget('x');
    vi.advanceTimersByTime(200);
    expect(flushes).toEqual([]);
    b.markDirty('y');
    b.close();
    vi.advanceTimersByTime(200);
    b.markDirty('z');
    vi.advanceTimersByTime(200);
    expect(flushes).toEqual([]);
  });
});
