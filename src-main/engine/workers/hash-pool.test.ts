import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { closeHashPool, getHashPool, HASH_WORKER_SOURCE, HashPool, HashPoolError } from './hash-pool.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const enc = (s: string) => new TextEncoder().encode(s);
const pools: HashPool[] = [];
const pool = (size = 2, workerSource?: string) => {
  const p = new HashPool(workerSource ? { size, workerSource } : { size });
  pools.push(p);
  return p;
};

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  await closeHashPool();
});

describe('HashPool', () => {
  it('computes the FIPS 180 SHA-1 test vectors', async () => {
    const p = pool();
    expect(hex(await p.sha1(enc('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(hex(await p.sha1(new Uint8Array(0)))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(hex(await p.sha1(enc('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    );
    expect(hex(await p.sha1(new Uint8Array(1_000_000).fill(0x61)))).toBe(
      '34aa973cd4c4daa4f61eeb2bdbad27316534016f',
    );
  });

  it('queues many concurrent jobs on few workers and answers each correctly', async () => {
    const p = pool(2);
    const inputs = Array.from({ length: 200 }, (_, i) => randomBytes(1 + ((i * 7919) % 70_000)));
    const digests = await Promise.all(inputs.map((d) => p.sha1(d)));
    digests.forEach((d, i) => expect(hex(d)).toBe(createHash('sha1').update(inputs[i]!).digest('hex')));
    expect(p.pendingCount).toBe(0);
  });

  it('hashes consecutive pieces in one job, the last one short', async () => {
    const data = randomBytes(5 * 1000 + 123);
    const digests = await pool().sha1Pieces(data, 1000);
    expect(digests.length).toBe(6 * 20);
    for (let i = 0; i < 6; i++) {
      expect(hex(digests.subarray(20 * i, 20 * i + 20))).toBe(
        createHash('sha1')
          .update(data.subarray(1000 * i, 1000 * i + 1000))
          .digest('hex'),
      );
    }
    expect((await pool().sha1Pieces(new Uint8Array(0), 1000)).length).toBe(0);
    await expect(pool().sha1Pieces(data, 0)).rejects.toThrow(RangeError);
  });

  it('hashes only the view, not the rest of its ArrayBuffer', async () => {
    const big = randomBytes(4096);
    const view = big.subarray(100, 200);
    expect(hex(await pool().sha1(view))).toBe(createHash('sha1').update(view).digest('hex'));
  });

  it('copies by default, so the caller may reuse the buffer at once', async () => {
    const data = new Uint8Array(64 * 1024).fill(1);
    const expected = createHash('sha1').update(data).digest('hex');
    const pending = pool().sha1(data);
    data.fill(2);
    expect(hex(await pending)).toBe(expected);
    expect(data.byteLength).toBe(64 * 1024);
  });

  it('transfers a whole-buffer view when asked (detaching it), copies a partial one', async () => {
    const p = pool();
    const whole = new Uint8Array(32 * 1024).fill(3);
    const expected = createHash('sha1').update(whole).digest('hex');
    expect(hex(await p.sha1(whole, { transfer: true }))).toBe(expected);
    expect(whole.byteLength).toBe(0);
    const backing = new Uint8Array(1024).fill(4);
    const part = backing.subarray(0, 512);
    expect(hex(await p.sha1(part, { transfer: true }))).toBe(
      createHash('sha1').update(new Uint8Array(512).fill(4)).digest('hex'),
    );
    expect(backing.byteLength).toBe(1024);
  });

  it('reads SharedArrayBuffer views in place', async () => {
    const shared = new Uint8Array(new SharedArrayBuffer(8192)).fill(9);
    expect(hex(await pool().sha1(shared.subarray(10, 5000)))).toBe(
      createHash('sha1').update(shared.subarray(10, 5000)).digest('hex'),
    );
  });

  it('rejects the jobs of a crashed worker and replaces it', async () => {
    // A worker that dies on any input starting with 0xff, and hashes everything else.
    const crashing = `
      {
        const { parentPort } = require('node:worker_threads');
        parentPort.on('message', (job) => { if (job.data[0] === 0xff) process.exit(3); });
      }
    ${HASH_WORKER_SOURCE}`;
    const p = pool(1, crashing);
    const ok1 = p.sha1(enc('abc'));
    const bad = p.sha1(new Uint8Array([0xff, 1]));
    const ok2 = p.sha1(enc('abc'));
    expect(hex(await ok1)).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    await expect(bad).rejects.toMatchObject({ name: 'HashPoolError', code: 'worker-crashed' });
    expect(hex(await ok2)).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });

  it('rejects pending jobs on close, refuses new ones, and closes idempotently', async () => {
    const p = pool(1);
    const jobs = Array.from({ length: 5 }, () => p.sha1(new Uint8Array(1 << 20)));
    const closed = p.close();
    expect(p.close()).toBe(closed);
    const results = await Promise.allSettled(jobs);
    expect(
      results.every((r) => r.status === 'rejected' && (r.reason as HashPoolError).code === 'closed'),
    ).toBe(true);
    await closed;
    await expect(p.sha1(enc('x'))).rejects.toMatchObject({ code: 'closed' });
  });

  it('refuses a bad size', () => {
    expect(() => new HashPool({ size: 0 })).toThrow(RangeError);
  });

  it('shares one lazily created pool until it is closed', async () => {
    const a = getHashPool();
    expect(getHashPool()).toBe(a);
    expect(a.size).toBeGreaterThanOrEqual(1);
    expect(hex(await a.sha1(enc('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    await closeHashPool();
    await closeHashPool();
    expect(getHashPool()).not.toBe(a);
  });
});
