import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.ts';
import { FileHandlePool } from './file-handle-pool.ts';
import { isStorageError } from './storage.ts';

describe('FileHandlePool', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const setup = async (maxOpen: number) => {
    const temp = await makeTempDir('swarmdrop-pool-');
    const pool = new FileHandlePool({ maxOpen });
    cleanups.push(temp.remove, () => pool.close());
    const a = path.join(temp.dir, 'a');
    const b = path.join(temp.dir, 'b');
    await writeFile(a, 'aaaa');
    await writeFile(b, 'bbbb');
    return { pool, a, b, dir: temp.dir };
  };

  it('never closes a busy handle: a second file waits until the first goes idle', async () => {
    const { pool, a, b } = await setup(1);
    let finishA!: () => void;
    const gate = new Promise<void>((resolve) => (finishA = resolve));
    const order: string[] = [];
    const useA = pool.use(a, 'read', async (handle) => {
      await gate;
      const { bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0); // still open
      order.push(`a read ${bytesRead}`);
    });
    const useB = pool.use(b, 'read', async () => {
      order.push('b');
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual([]); // b is waiting for a descriptor
    finishA();
    await Promise.all([useA, useB]);
    expect(order).toEqual(['a read 4', 'b']);
    expect(pool.peakOpenCount).toBe(1);
  });

  it('reuses a cached handle and upgrades a read handle for writing', async () => {
    const { pool, a } = await setup(4);
    const fd1 = await pool.use(a, 'read', async (h) => h.fd);
    const fd2 = await pool.use(a, 'read', async (h) => h.fd);
    expect(fd2).toBe(fd1);
    await pool.use(a, 'write', (h) => h.write(Buffer.from('Z'), 0, 1, 0).then(() => undefined));
    await pool.settled();
    expect(pool.openCount).toBe(1);
    expect(await readFile(a, 'utf8')).toBe('Zaaa');
  });

  it('a failed open is not cached and frees its slot', async () => {
    const { pool, dir } = await setup(1);
    const missing = path.join(dir, 'nope');
    await expect(pool.use(missing, 'read', async () => 1)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(pool.openCount).toBe(0);
    await writeFile(missing, 'now here');
    expect(await pool.use(missing, 'read', async () => 2)).toBe(2);
  });

  it('close is idempotent and later use is refused', async () => {
    const { pool, a } = await setup(2);
    await pool.use(a, 'read', async () => undefined);
    await pool.close();
    await pool.close();
    expect(pool.openCount).toBe(0);
    const err = await pool.use(a, 'read', async () => undefined).catch((e: unknown) => e);
    expect(isStorageError(err) && err.code).toBe('closed');
  });
});
