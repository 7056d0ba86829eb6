import { describe, expect, it } from 'vitest';
import { layoutFromFiles } from './layout-from-files.ts';
import { MemoryStorage } from './memory-storage.ts';
import { ReadCache } from './read-cache.ts';
import { defineStorageContract, expectSameBytes, payloadBytes, splitPayload } from './storage-contract.ts';
import type { Storage, StorageLayout } from './storage.ts';

defineStorageContract('ReadCache over MemoryStorage', async (layout, initialFiles) => {
  const inner = new MemoryStorage({ layout, files: initialFiles });
  return {
    storage: new ReadCache({ maxBytes: 64 * 1024, windowBytes: 16 * 1024 }).wrap(inner),
    readFile: async (i) => inner.fileBytes(i),
    cleanup: async () => undefined,
  };
});

const KiB = 1024;

/** Counts the reads that reach the wrapped storage. */
function counting(inner: Storage) {
  const reads: [number, number, number][] = [];
  const storage: Storage = Object.assign(Object.create(inner) as Storage, {
    readBlock: (i: number, o: number, l: number) => {
      reads.push([i, o, l]);
      return inner.readBlock(i, o, l);
    },
  });
  return { storage, reads };
}

async function seeded(layout: StorageLayout, seed = 1) {
  const payload = payloadBytes(layout.totalLengthBytes, seed);
  const inner = new MemoryStorage({ layout, files: splitPayload(layout, payload) });
  await inner.open({ allocate: false });
  return { payload, inner, ...counting(inner) };
}

describe('ReadCache', () => {
  it('readBlockInto copies a cached window out, and reads an uncached one through without caching it', async () => {
    const layout = layoutFromFiles('x', [{ path: ['x'], lengthBytes: 1024 * KiB }], 256 * KiB);
    const { payload, storage, reads } = await seeded(layout);
    const cache = new ReadCache();
    const cached = cache.wrap(storage);
    const out = new Uint8Array(64 * KiB);
    await cached.readBlockInto!(1, 0, out); // not cached: exactly `out`, straight through
    expectSameBytes(out, payload.subarray(256 * KiB, 320 * KiB));
    expect(reads).toEqual([[1, 0, 64 * KiB]]);
    expect(cache.sizeBytes).toBe(0);
    await cached.readBlock(1, 0, 16 * KiB); // caches piece 1
    expect(reads).toEqual([
      [1, 0, 64 * KiB],
      [1, 0, 256 * KiB],
    ]);
    await cached.readBlockInto!(1, 64 * KiB, out);
    expectSameBytes(out, payload.subarray(320 * KiB, 384 * KiB));
    expect([reads.length, cache.hits]).toEqual([2, 1]);
  });

  it('reads a piece once and serves its 16 KiB blocks from memory', async () => {
    const layout = layoutFromFiles('x', [{ path: ['x'], lengthBytes: 1024 * KiB }], 256 * KiB);
    const { payload, storage, reads } = await seeded(layout);
    const cache = new ReadCache();
    const cached = cache.wrap(storage);
    for (let offset = 0; offset < 256 * KiB; offset += 16 * KiB) {
      const block = await cached.readBlock(2, offset, 16 * KiB);
      expectSameBytes(block, payload.subarray(512 * KiB + offset, 512 * KiB + offset + 16 * KiB));
    }
    expect(reads).toEqual([[2, 0, 256 * KiB]]);
    expect([cache.misses, cache.hits]).toEqual([1, 15]);
  });

  it('caches large pieces in windows and passes window-crossing requests through', async () => {
    const layout = layoutFromFiles('x', [{ path: ['x'], lengthBytes: 4096 * KiB }], 4096 * KiB);
    const { payload, storage, reads } = await seeded(layout);
    const cached = new ReadCache({ windowBytes: 1024 * KiB }).wrap(storage);
    expectSameBytes(
      await cached.readBlock(0, 1024 * KiB + 16 * KiB, 16 * KiB),
      payload.subarray(1040 * KiB, 1056 * KiB),
    );
    expectSameBytes(
      await cached.readBlock(0, 1024 * KiB - 8, 16),
      payload.subarray(1024 * KiB - 8, 1024 * KiB + 8),
    );
    expect(reads).toEqual([
      [0, 1024 * KiB, 1024 * KiB],
      [0, 1024 * KiB - 8, 16],
    ]);
  });

  it('stays within its byte budget across storages, evicting the least recently used', async () => {
    const layout = layoutFromFiles('x', [{ path: ['x'], lengthBytes: 512 * KiB }], 64 * KiB);
    const a = await seeded(layout, 1);
    const b = await seeded(layout, 2);
    const cache = new ReadCache({ maxBytes: 256 * KiB });
    const ca = cache.wrap(a.storage);
    const cb = cache.wrap(b.storage);
    for (let i = 0; i < layout.pieceCount; i++) {
      expectSameBytes(
        await ca.readBlock(i, 0, 16 * KiB),
        a.payload.subarray(i * 64 * KiB, i * 64 * KiB + 16 * KiB),
      );
      expectSameBytes(
        await cb.readBlock(i, 0, 16 * KiB),
        b.payload.subarray(i * 64 * KiB, i * 64 * KiB + 16 * KiB),
      );
      expect(cache.sizeBytes).toBeLessThanOrEqual(256 * KiB);
    }
    expect(cache.sizeBytes).toBe(256 * KiB);
    a.reads.length = 0;
    await ca.readBlock(7, 16 * KiB, 16 * KiB); // recent: still cached
    await ca.readBlock(0, 16 * KiB, 16 * KiB); // oldest: evicted
    expect(a.reads).toEqual([[0, 0, 64 * KiB]]);
  });

  it('a write drops the cached piece so later reads see the new bytes', async () => {
    const layout = layoutFromFiles('x', [{ path: ['x'], lengthBytes: 64 * KiB }], 32 * KiB);
    const { storage } = await seeded(layout);
    const cached = new ReadCache().wrap(storage);
    await cached.readBlock(1, 0, 16 * KiB);
    const fresh = payloadBytes(32 * KiB, 99);
    await cached.writePiece(1, fresh);
    expectSameBytes(await cached.readBlock(1, 16 * KiB, 16 * KiB), fresh.subarray(16 * KiB));
  });

  it('concurrent requests for one window share a single read; close empties the cache', async () => {
    const layout = layoutFromFiles('x', [{ path: ['x'], lengthBytes: 64 * KiB }], 64 * KiB);
    const { storage, reads } = await seeded(layout);
    const cache = new ReadCache();
    const cached = cache.wrap(storage);
    await Promise.all([0, 1, 2, 3].map((k) => cached.readBlock(0, k * 16 * KiB, 16 * KiB)));
    expect(reads).toHaveLength(1);
    expect(cache.sizeBytes).toBe(64 * KiB);
    await cached.close();
    expect(cache.sizeBytes).toBe(0);
  });
});
