import { describe, expect, it } from 'vitest';
import { Catalog } from './catalog.ts';

const entry = (name: string, v: number) => ({
  infoHash: new Uint8Array(20).fill(v),
  name,
  totalSizeBytes: v * 100,
  fileCount: 1,
});
const hexOf = (v: number) => v.toString(16).padStart(2, '0').repeat(20);

function setup(maxEntries = 100) {
  let now = 0;
  const catalog = new Catalog({ now: () => now, maxEntries, orphanTtlMs: 1000 });
  const publish = (name: string, v: number) => catalog.publish(entry(name, v), hexOf(v));
  return { catalog, publish, advance: (ms: number) => (now += ms) };
}

describe('Catalog', () => {
  it('adds, updates and refuses past the bound', () => {
    const { catalog, publish } = setup(2);
    expect(publish('a', 1)).toBe('added');
    expect(publish('a2', 1)).toBe('updated');
    expect(publish('b', 2)).toBe('added');
    expect(publish('c', 3)).toBe('full');
    expect(publish('b again', 2)).toBe('updated');
    expect(catalog.snapshot().map((e) => e.name)).toEqual(['a2', 'b again']);
  });

  it('searches by case-insensitive substring in a stable order with offsets', () => {
    const { catalog, publish } = setup();
    publish('Holiday Photos', 1);
    publish('ubuntu.iso', 2);
    publish('PHOTOS 2024', 3);
    publish('photos', 4);
    const all = catalog.search('photo', 0, 10);
    expect(all.totalMatches).toBe(3);
    expect(all.entries.map((e) => e.name)).toEqual(['Holiday Photos', 'photos', 'PHOTOS 2024']);
    expect(catalog.search('PHOTO', 1, 1).entries.map((e) => e.name)).toEqual(['photos']);
    expect(catalog.search('', 0, 10).totalMatches).toBe(4);
    expect(catalog.search('nothing', 0, 10)).toEqual({ totalMatches: 0, entries: [] });
    expect(catalog.search('photo', 10, 10).entries).toEqual([]);
  });

  it('drops entries whose swarm has had no seeder for the time-to-live', () => {
    const { catalog, publish, advance } = setup();
    publish('kept', 1);
    publish('orphan', 2);
    const seeded = new Set([hexOf(1)]);
    advance(900);
    expect(catalog.prune((h) => (seeded.has(h) ? 1 : 0))).toBe(0);
    advance(200);
    expect(catalog.prune((h) => (seeded.has(h) ? 1 : 0))).toBe(1);
    expect(catalog.snapshot().map((e) => e.name)).toEqual(['kept']);
    seeded.clear();
    advance(999);
    expect(catalog.prune(() => 0)).toBe(0);
    advance(2);
    expect(catalog.prune(() => 0)).toBe(1);
    expect(catalog.size).toBe(0);
  });
});
