import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TorrentsEvent } from '../../src-shared/contract/events.ts';
import type { TorrentSummary } from '../../src-shared/types/torrent.ts';
import { TorrentsBatcher } from './torrents-batcher.ts';

const t = (id: string, progress = 0): TorrentSummary => ({
  id,
  name: id,
  state: 'downloading',
  progress,
  totalBytes: 100,
  verifiedBytes: progress * 100,
  downloadedBytes: 0,
  uploadedBytes: 0,
  downRateBps: 0,
  upRateBps: 0,
  peers: 0,
  seeds: 0,
  etaSec: null,
  ratio: 0,
  savePath: '/x',
  addedAt: 0,
  completedAt: null,
});

afterEach(() => vi.useRealTimers());

describe('TorrentsBatcher', () => {
  it('coalesces a burst into at most 10 events a second, keeping the latest summary', () => {
    vi.useFakeTimers();
    const events: TorrentsEvent[] = [];
    const b = new TorrentsBatcher(
      (e) => events.push(e),
      10,
      () => Date.now(),
    );
    // 1000 changes over one second (one per millisecond) to 3 torrents.
    for (let ms = 0; ms < 1000; ms++) {
      b.change(t(`t${ms % 3}`, ms / 1000));
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(200);
    expect(events.length).toBeLessThanOrEqual(11);
    expect(events.length).toBeGreaterThanOrEqual(9);
    const last = events.at(-1)!;
    expect(last.changed.find((x) => x.id === 't0')?.progress).toBeCloseTo(0.999);
    b.close();
  });

  it('a removal cancels a pending change and vice versa', () => {
    vi.useFakeTimers();
    const events: TorrentsEvent[] = [];
    const b = new TorrentsBatcher((e) => events.push(e));
    b.change(t('a'));
    b.remove('a');
    b.remove('b');
    b.change(t('b'));
    vi.advanceTimersByTime(150);
    expect(events).toEqual([{ changed: [t('b')], removed: ['a'] }]);
    b.close();
  });

  it('emits nothing after close', () => {
    vi.useFakeTimers();
    const events: TorrentsEvent[] = [];
    const b = new TorrentsBatcher((e) => events.push(e));
    b.change(t('a'));
    b.close();
    b.change(t('b'));
    vi.advanceTimersByTime(1000);
    expect(events).toEqual([]);
  });
});
