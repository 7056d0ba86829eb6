import { describe, expect, it } from 'vitest';
import { summary } from './test-fixtures.ts';
import { applyTorrentsEvent, filterOrder, moveSelection, replaceTorrents } from './torrents-model.ts';

describe('torrents model', () => {
  it('orders newest first, then by name', () => {
    const s = replaceTorrents([
      summary('a', { addedAt: 1 }),
      summary('b', { addedAt: 3 }),
      summary('c', { addedAt: 3, name: 'aaa' }),
    ]);
    expect(s.order).toEqual(['c', 'b', 'a']);
  });

  it('keeps the order array and untouched summaries when only progress changes', () => {
    const a = summary('a');
    const b = summary('b', { addedAt: 2 });
    const s1 = replaceTorrents([a, b]);
    const s2 = applyTorrentsEvent(s1, { changed: [{ ...a, progress: 0.5 }], removed: [] });
    expect(s2.order).toBe(s1.order);
    expect(s2.byId.get('b')).toBe(b);
    expect(s2.byId.get('a')?.progress).toBe(0.5);
    expect(s2.byId).not.toBe(s1.byId);
  });

  it('adds and removes, reordering', () => {
    const s1 = replaceTorrents([summary('a')]);
    const s2 = applyTorrentsEvent(s1, { changed: [summary('n', { addedAt: 5000 })], removed: ['a'] });
    expect(s2.order).toEqual(['n']);
    expect(applyTorrentsEvent(s2, { changed: [], removed: [] })).toBe(s2);
  });

  it('applies a 500-torrent batch', () => {
    const list = Array.from({ length: 500 }, (_, i) => summary(String(i).padStart(40, '0'), { addedAt: i }));
    const s = applyTorrentsEvent(replaceTorrents([]), { changed: list, removed: [] });
    expect(s.order.length).toBe(500);
    expect(s.order[0]).toBe(String(499).padStart(40, '0'));
  });

  it('filters by name, case-insensitively', () => {
    const s = replaceTorrents([summary('a', { name: 'Holiday.mp4' }), summary('b', { name: 'notes.txt' })]);
    expect(filterOrder(s, 'HOLI')).toEqual(['a']);
    expect(filterOrder(s, '  ')).toBe(s.order);
  });

  it('moves the selection within bounds', () => {
    const order = ['a', 'b', 'c'];
    expect(moveSelection(order, null, 1)).toBe('a');
    expect(moveSelection(order, null, -1)).toBe('c');
    expect(moveSelection(order, 'b', 1)).toBe('c');
    expect(moveSelection(order, 'c', 1)).toBe('c');
    expect(moveSelection(order, 'a', -1)).toBe('a');
    expect(moveSelection([], 'a', 1)).toBeNull();
  });
});
