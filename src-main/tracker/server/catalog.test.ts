import { describe, expect, it } from 'vitest';
import { Catalog } from './catalog.ts';

const entry = (name: string, v: number) => ({
  infoHash: new Uint8Array(20).fill(v),
  name,
  totalSizeBytes: v * 100,
  fileCount: 1,
});
const hexOf = (v: number) => v.toString(16).padStart(2, '0').repeat(20);

function setup(maxEntries = 100, maxEntriesPerOwner?: number) {
  let now = 0;
  const catalog = new Catalog({
    now: () => now,
    maxEntries,
    orphanTtlMs: 1000,
    ...(maxEntriesPerOwner ? { maxEntriesPerOwner } : {}),
  });
  const publish = (name: string, v: number, owner = 'net-a') =>
    catalog.publish(entry(name, v), hexOf(v), owner);
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

  it('removes an entry at once when its swarm is gone', () => {
    const { catalog, publish } = setup();
    publish('with swarm', 1);
    publish('swarm gone', 2);
    expect(catalog.prune((h) => (h === hexOf(1) ? 0 : null))).toBe(1);
    expect(catalog.snapshot().map((e) => e.name)).toEqual(['with swarm']);
  });

  it('holds each owner to its quota; entries that leave free it', () => {
    const { catalog, publish } = setup(100, 2);
    expect([publish('a', 1), publish('b', 2), publish('c', 3)]).toEqual(['added', 'added', 'quota']);
    expect(publish('c', 3, 'net-b')).toBe('added');
    // Re-describing an entry keeps it on its first owner's quota.
    expect(publish('a renamed', 1, 'net-b')).toBe('updated');
    expect([catalog.entriesOf('net-a'), catalog.entriesOf('net-b')]).toEqual([2, 1]);
    catalog.prune((h) => (h === hexOf(1) ? null : 1));
    expect(catalog.entriesOf('net-a')).toBe(1);
    expect(publish('d', 4)).toBe('added');
  });

  it('scans a search budget by budget, and pages a finished search without scanning again', () => {
    const { catalog, publish } = setup(1000);
    for (let v = 1; v <= 250; v++) publish(`item ${String(v).padStart(3, '0')}${v % 2 ? ' odd' : ''}`, v);
    const s = catalog.beginSearch('ODD');
    expect(s.done).toBe(false);
    expect(() => catalog.page(s, 0, 10)).toThrow();
    const steps: number[] = [];
    while (!s.done) steps.push(catalog.advance(s, 100));
    expect(steps).toEqual([100, 100, 50]);
    const page = catalog.page(s, 10, 5);
    expect(page.totalMatches).toBe(125);
    expect(page.entries.map((e) => e.name)).toEqual([21, 23, 25, 27, 29].map((v) => `item 0${v} odd`));
    // The same query (any case) is cached until the catalog changes.
    expect(catalog.beginSearch('odd').done).toBe(true);
    expect(catalog.beginSearch('').done).toBe(true);
    publish('one more odd', 251);
    expect(catalog.beginSearch('odd').done).toBe(false);
  });

  it('a search in progress reads the catalog as it was when it began', () => {
    const { catalog, publish } = setup();
    publish('b photo', 2);
    publish('d photo', 4);
    const s = catalog.beginSearch('photo');
    catalog.advance(s, 1);
    publish('a photo', 1); // sorts before everything already scanned
    publish('c photo', 3);
    while (!s.done) catalog.advance(s, 1);
    expect(catalog.page(s, 0, 10).entries.map((e) => e.name)).toEqual(['b photo', 'd photo']);
    expect(catalog.search('photo', 0, 10).totalMatches).toBe(4);
  });
});
