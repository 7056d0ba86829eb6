import { describe, expect, it } from 'vitest';
import { layoutFromFiles } from './layout-from-files.ts';
import { MemoryStorage } from './memory-storage.ts';
import { defineStorageContract } from './storage-contract.ts';

defineStorageContract('MemoryStorage', async (layout, initialFiles) => {
  const storage = new MemoryStorage({ layout, files: initialFiles });
  return { storage, readFile: async (i) => storage.fileBytes(i), cleanup: async () => undefined };
});

describe('MemoryStorage', () => {
  it('stamps writes with the injected clock', async () => {
    let nowMs = 1000;
    const storage = new MemoryStorage({
      layout: layoutFromFiles('x', [{ path: ['x'], lengthBytes: 4 }], 16384),
      now: () => nowMs,
    });
    await storage.open({ allocate: true });
    nowMs = 2000;
    await storage.writePiece(0, new Uint8Array([1, 2, 3, 4]));
    expect(await storage.existingFiles()).toEqual([
      { path: 'x', exists: true, sizeBytes: 4, mtimeMs: 2000, ctimeMs: expect.any(Number) },
    ]);
  });
});
