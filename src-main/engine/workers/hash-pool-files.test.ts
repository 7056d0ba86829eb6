// HashPool.sha1FilePieces: the worker reads the file spans itself (the create path).
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.ts';
import { HASH_WORKER_SOURCE, HashPool, type PathSpan } from './hash-pool.ts';
import { expectedPieceHashes } from './piece-hashes-test-support.ts';

let temp: { dir: string; remove(): Promise<void> };
let pool: HashPool;
const at = (name: string) => path.join(temp.dir, name);
const a = randomBytes(700 * 1024 + 5);
const b = randomBytes(3);
const c = randomBytes(1_300_000);

beforeAll(async () => {
  temp = await makeTempDir('swarmdrop-hash-files-');
  await writeFile(at('a'), a);
  await writeFile(at('b'), b);
  await writeFile(at('c'), c);
  pool = new HashPool({ size: 2 });
});
afterAll(async () => {
  await pool.close();
  await temp.remove();
});

describe('HashPool.sha1FilePieces', () => {
  // Piece lengths below, equal to and above the 512 KiB read chunk (READ_CHUNK_BYTES), so
  // pieces are hashed from one read, many reads, and reads cut at file and piece boundaries.
  it.each([16 * 1024, 512 * 1024, 1024 * 1024, 4 * 1024 * 1024])(
    'hashes spans of several files as one stream (piece length %i)',
    async (pieceLength) => {
      const spans: PathSpan[] = [
        { path: at('a'), offsetBytes: 5, lengthBytes: a.length - 5 },
        { path: at('b'), offsetBytes: 0, lengthBytes: 0 },
        { path: at('b'), offsetBytes: 0, lengthBytes: 3 },
        { path: at('c'), offsetBytes: 1000, lengthBytes: 1_200_000 },
      ];
      const stream = Buffer.concat([a.subarray(5), b, c.subarray(1000, 1_201_000)]);
      expect(await pool.sha1FilePieces(spans, pieceLength)).toEqual(expectedPieceHashes(stream, pieceLength));
    },
  );

  it('runs many jobs at once and gives each its own digests', async () => {
    const jobs = Array.from({ length: 20 }, (_, i) =>
      pool.sha1FilePieces([{ path: at('c'), offsetBytes: i * 16384, lengthBytes: 65536 }], 16384),
    );
    const results = await Promise.all(jobs);
    results.forEach((digests, i) =>
      expect(digests).toEqual(expectedPieceHashes(c.subarray(i * 16384, i * 16384 + 65536), 16384)),
    );
    expect(await pool.sha1FilePieces([], 16384)).toEqual(new Uint8Array(0));
  });

  it('rejects a missing file and a file shorter than its span, naming the file', async () => {
    await expect(
      pool.sha1FilePieces([{ path: at('missing'), offsetBytes: 0, lengthBytes: 1 }], 16384),
    ).rejects.toMatchObject({ name: 'HashPoolError', code: 'file-unreadable', path: at('missing') });
    await expect(
      pool.sha1FilePieces(
        [
          { path: at('a'), offsetBytes: 0, lengthBytes: 10 },
          { path: at('b'), offsetBytes: 1, lengthBytes: 3 },
        ],
        16384,
      ),
    ).rejects.toMatchObject({ name: 'HashPoolError', code: 'file-short', path: at('b') });
    await expect(
      pool.sha1FilePieces([{ path: temp.dir, offsetBytes: 0, lengthBytes: 1 }], 16384),
    ).rejects.toMatchObject({ code: 'file-unreadable' });
    // The worker survives its errors.
    expect(await pool.sha1FilePieces([{ path: at('b'), offsetBytes: 0, lengthBytes: 3 }], 16384)).toEqual(
      expectedPieceHashes(b, 16384),
    );
  });

  it('sends the file jobs queued behind a crashing one to a fresh worker', async () => {
    // A worker that dies on a span of a file named "crash", and hashes everything else.
    const crashing = `
      {
        const { parentPort } = require('node:worker_threads');
        parentPort.on('message', (job) => { if (job.spans?.[0]?.path.endsWith('crash')) process.exit(3); });
      }
    ${HASH_WORKER_SOURCE}`;
    const one = new HashPool({ size: 1, workerSource: crashing });
    try {
      const span = (name: string): PathSpan[] => [{ path: at(name), offsetBytes: 0, lengthBytes: 3 }];
      const jobs = [span('crash'), span('b'), span('b'), span('crash'), span('b')].map((s) =>
        one.sha1FilePieces(s, 16384),
      );
      expect(one.pendingCount).toBe(5);
      const results = await Promise.allSettled(jobs);
      expect(results.map((r) => r.status)).toEqual([
        'rejected',
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
      ]);
      expect(results[0]).toMatchObject({ reason: { code: 'worker-crashed' } });
      expect(results[2]).toEqual({ status: 'fulfilled', value: expectedPieceHashes(b, 16384) });
      expect(one.pendingCount).toBe(0);
    } finally {
      await one.close();
    }
  });

  it('refuses bad arguments and a closed pool', async () => {
    await expect(pool.sha1FilePieces([], 0)).rejects.toThrow(RangeError);
    await expect(
      pool.sha1FilePieces([{ path: at('a'), offsetBytes: -1, lengthBytes: 1 }], 16384),
    ).rejects.toThrow(RangeError);
    await expect(
      pool.sha1FilePieces([{ path: at('a'), offsetBytes: 0, lengthBytes: 0.5 }], 16384),
    ).rejects.toThrow(RangeError);
    const closed = new HashPool({ size: 1 });
    await closed.close();
    await expect(
      closed.sha1FilePieces([{ path: at('a'), offsetBytes: 0, lengthBytes: 1 }], 16384),
    ).rejects.toMatchObject({ code: 'closed' });
  });
});

describe('HashPool.sha1FilePiecesHere (the same job on the calling thread)', () => {
  const spans = (): PathSpan[] => [
    { path: at('a'), offsetBytes: 5, lengthBytes: a.length - 5 },
    { path: at('b'), offsetBytes: 0, lengthBytes: 3 },
    { path: at('c'), offsetBytes: 1000, lengthBytes: 1_200_000 },
  ];

  it.each([16 * 1024, 1024 * 1024])(
    'gives the digests the workers give (piece length %i)',
    async (pieceLength) => {
      expect(pool.sha1FilePiecesHere(spans(), pieceLength)).toEqual(
        await pool.sha1FilePieces(spans(), pieceLength),
      );
    },
  );

  it("fails with the workers' error codes, naming the file", () => {
    expect(() =>
      pool.sha1FilePiecesHere([{ path: at('missing'), offsetBytes: 0, lengthBytes: 1 }], 16384),
    ).toThrow(
      expect.objectContaining({ name: 'HashPoolError', code: 'file-unreadable', path: at('missing') }),
    );
    expect(() => pool.sha1FilePiecesHere([{ path: at('b'), offsetBytes: 1, lengthBytes: 3 }], 16384)).toThrow(
      expect.objectContaining({ name: 'HashPoolError', code: 'file-short', path: at('b') }),
    );
    expect(() => pool.sha1FilePiecesHere([], 0)).toThrow(RangeError);
  });

  it('prestart() is idempotent, its workers take jobs, and a closed pool starts none', async () => {
    const warm = new HashPool({ size: 2 });
    warm.prestart();
    warm.prestart();
    expect(warm.pendingCount).toBe(0);
    expect(await warm.sha1FilePieces([{ path: at('b'), offsetBytes: 0, lengthBytes: 3 }], 16384)).toEqual(
      expectedPieceHashes(b, 16384),
    );
    await warm.close();
    warm.prestart(); // a closed pool starts nothing
    await expect(warm.sha1FilePieces([], 16384)).rejects.toMatchObject({ code: 'closed' });
  });
});
