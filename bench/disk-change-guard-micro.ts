/**
 * Hand-run micro-benchmark (no assertions; figures go to src-main/engine/torrent/NOTES.md): what
 * DiskChangeGuard costs on the upload path, against the alternative of hashing every
 * piece before serving it.
 *
 *   npx esbuild bench/disk-change-guard-micro.ts --bundle --platform=node \
 *     --format=esm --outfile=/tmp/guard-benchmark.mjs && node /tmp/guard-benchmark.mjs [MiB]
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Bitfield } from '../src-shared/util/bitfield.ts';
import { FileStorage } from '../src-main/engine/storage/file-storage.ts';
import { layoutFromFiles } from '../src-main/engine/storage/layout-from-files.ts';
import { DiskChangeGuard } from '../src-main/engine/torrent/disk-change-guard.ts';

const MiB = 2 ** 20;
const totalMiB = Number(process.argv[2] ?? 256);
const pieceLengthBytes = MiB;
const rounds = 4;

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'guard-bench-'));
  try {
    const file = path.join(dir, 'payload.bin');
    const payload = new Uint8Array(totalMiB * MiB);
    for (let i = 0; i < payload.length; i += 4096) payload[i] = i & 0xff;
    await writeFile(file, payload);
    const layout = layoutFromFiles(
      'payload.bin',
      [{ path: ['payload.bin'], lengthBytes: payload.length }],
      pieceLengthBytes,
    );
    const storage = new FileStorage({ savePath: dir, layout });
    await storage.open({ allocate: false });
    const hashes = new Uint8Array(layout.pieceCount * 20);
    const have = Bitfield.full(layout.pieceCount);
    const guardWith = (statIntervalMs: number) => {
      const guard = new DiskChangeGuard({
        storage,
        layout,
        pieceHashes: hashes,
        hashPool: { sha1: () => Promise.resolve(new Uint8Array(20)) },
        have: (p) => have.get(p),
        now: () => performance.now(),
        statIntervalMs,
        onPieceLost: () => undefined,
        onFileMissing: () => undefined,
        onFileChecked: () => undefined,
      });
      return guard;
    };

    // 1. One statSync.
    const n = 200_000;
    let t = performance.now();
    for (let i = 0; i < n; i++) statSync(file);
    const statUs = ((performance.now() - t) * 1000) / n;
    console.log(`statSync: ${statUs.toFixed(2)} µs per call`);

    // 2. The guard's fast path per served run.
    for (const interval of [100, 0]) {
      const guard = guardWith(interval);
      guard.baseline(await storage.existingFiles());
      t = performance.now();
      for (let i = 0; i < n; i++) guard.servable(i % layout.pieceCount);
      const us = ((performance.now() - t) * 1000) / n;
      console.log(`servable() with statIntervalMs=${interval}: ${us.toFixed(2)} µs per run`);
    }

    // 3. The upload path: 1 MiB runs read from the page cache, with and without the guard.
    const out = new Uint8Array(MiB);
    const readAll = async (guard: DiskChangeGuard | null) => {
      const start = performance.now();
      for (let r = 0; r < rounds; r++) {
        for (let p = 0; p < layout.pieceCount; p++) {
          if (guard && guard.servable(p) !== true) throw new Error('unexpectedly not servable');
          await storage.readBlockInto(p, 0, out);
        }
      }
      return performance.now() - start;
    };
    await readAll(null); // warm the page cache
    const guard = guardWith(100);
    guard.baseline(await storage.existingFiles());
    const plainMs = await readAll(null);
    const guardedMs = await readAll(guard);
    const bytes = rounds * payload.length;
    const rate = (ms: number) => `${((bytes / MiB / ms) * 1000).toFixed(0)} MiB/s`;
    console.log(`reads, no guard:   ${rate(plainMs)} (${plainMs.toFixed(0)} ms)`);
    console.log(`reads, with guard: ${rate(guardedMs)} (${guardedMs.toFixed(0)} ms)`);

    // 4. The alternative: SHA-1 of every piece before serving it (one core).
    t = performance.now();
    for (let r = 0; r < rounds; r++) {
      for (let p = 0; p < layout.pieceCount; p++) {
        createHash('sha1')
          .update(payload.subarray(p * MiB, (p + 1) * MiB))
          .digest();
      }
    }
    const hashMs = performance.now() - t;
    console.log(`SHA-1 of every piece: ${rate(hashMs)} (${hashMs.toFixed(0)} ms of CPU)`);
    await storage.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
