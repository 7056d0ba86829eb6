/**
 * Hand-run micro-benchmark (no assertions; `npm run bench` owns tracked figures):
 * FileStorage piece writes, then upload-style reads: 16 KiB blocks one by one, and whole
 * runs into a reused buffer (what the uploader does, torrent/uploader.ts).
 *
 *   npx esbuild bench/storage-micro.ts --bundle --platform=node \
 *     --format=esm --outfile=/tmp/storage-micro.mjs && node /tmp/storage-micro.mjs [MiB]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileHandlePool } from '../src-main/engine/storage/file-handle-pool.ts';
import { FileStorage } from '../src-main/engine/storage/file-storage.ts';
import { layoutFromFiles } from '../src-main/engine/storage/layout-from-files.ts';
import { pieceLengthOf } from '../src-main/engine/storage/piece-layout.ts';
import type { Storage } from '../src-main/engine/storage/storage.ts';

const MiB = 2 ** 20;
const BLOCK = 16 * 1024;
const totalMiB = Number(process.argv[2] ?? 256);
const pieceLengthBytes = MiB;
const peers = 8;

const mbps = (bytes: number, ms: number) => `${((bytes / MiB / ms) * 1000).toFixed(0)} MiB/s`;

/** `peers` uploaders, each walking its own pieces block by block (k, then k+1, ...). */
async function uploadAll(storage: Storage): Promise<number> {
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: peers }, async () => {
      while (next < storage.layout.pieceCount) {
        const index = next++;
        const length = pieceLengthOf(storage.layout, index);
        for (let offset = 0; offset < length; offset += BLOCK) {
          await storage.readBlock(index, offset, Math.min(BLOCK, length - offset));
        }
      }
    }),
  );
  return performance.now() - start;
}

/** The uploader's path: each piece read in runs of up to 1 MiB into a buffer it reuses. */
async function uploadRuns(storage: Storage): Promise<number> {
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: peers }, async () => {
      const buffer = new Uint8Array(MiB);
      while (next < storage.layout.pieceCount) {
        const index = next++;
        const length = pieceLengthOf(storage.layout, index);
        for (let offset = 0; offset < length; offset += MiB) {
          const out = buffer.subarray(0, Math.min(MiB, length - offset));
          if (storage.readBlockInto) await storage.readBlockInto(index, offset, out);
          else out.set(await storage.readBlock(index, offset, out.length));
        }
      }
    }),
  );
  return performance.now() - start;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'swarmdrop-storage-bench-'));
  const pool = new FileHandlePool();
  try {
    const layout = layoutFromFiles(
      'bench',
      [
        { path: ['a.bin'], lengthBytes: (totalMiB / 2) * MiB + 12345 },
        { path: ['b.bin'], lengthBytes: (totalMiB / 2) * MiB - 12345 },
      ],
      pieceLengthBytes,
    );
    const storage = new FileStorage({ savePath: dir, layout, pool });
    await storage.open({ allocate: true });
    const piece = new Uint8Array(pieceLengthBytes).map((_, i) => i * 31);

    let start = performance.now();
    // Like the engine: a few verified pieces in flight at once.
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < layout.pieceCount) {
          const index = next++;
          await storage.writePiece(index, piece.subarray(0, pieceLengthOf(layout, index)));
        }
      }),
    );
    const writeMs = performance.now() - start;
    start = performance.now();
    await storage.flush();
    const flushMs = performance.now() - start;
    console.log(
      `write ${totalMiB} MiB in 1 MiB pieces: ${mbps(layout.totalLengthBytes, writeMs)} (+ flush ${flushMs.toFixed(0)} ms)`,
    );

    // Warm the page cache once so both runs measure the storage path, not the disk.
    await uploadAll(storage);
    const blocksMs = await uploadAll(storage);
    const runsMs = await uploadRuns(storage);
    console.log(`upload 16 KiB blocks, ${peers} peers:        ${mbps(layout.totalLengthBytes, blocksMs)}`);
    console.log(`upload 1 MiB runs into buffers, ${peers} peers: ${mbps(layout.totalLengthBytes, runsMs)}`);
    await storage.close();
  } finally {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
