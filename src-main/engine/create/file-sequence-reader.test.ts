import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.ts';
import { CreateInputError } from './collect-files.ts';
import { FileSequenceReader } from './file-sequence-reader.ts';

let temp: { dir: string; remove(): Promise<void> };
const at = (name: string) => path.join(temp.dir, name);

beforeAll(async () => {
  temp = await makeTempDir('swarmdrop-reader-');
  await writeFile(at('a'), 'hello');
  await writeFile(at('b'), '');
  await writeFile(at('c'), 'world!');
});
afterAll(() => temp.remove());

const text = (b: Uint8Array, n: number) => Buffer.from(b.subarray(0, n)).toString();

describe('FileSequenceReader', () => {
  it('reads files as one stream across boundaries, in small reads', async () => {
    const reader = new FileSequenceReader(
      [
        { absolutePath: at('a'), lengthBytes: 5 },
        { absolutePath: at('b'), lengthBytes: 0 },
        { absolutePath: at('c'), lengthBytes: 6 },
      ],
      2,
    );
    const buf = new Uint8Array(8);
    await reader.fill(buf, 7);
    expect(text(buf, 7)).toBe('hellowo');
    await reader.fill(buf, 4);
    expect(text(buf, 4)).toBe('rld!');
    await expect(reader.fill(buf, 1)).rejects.toThrow(/past the end/);
    await reader.close();
    await reader.close();
  });

  it('notices a file shorter than listed', async () => {
    const reader = new FileSequenceReader([{ absolutePath: at('a'), lengthBytes: 9 }], 64);
    await expect(reader.fill(new Uint8Array(9), 9)).rejects.toMatchObject({ code: 'changed' });
    await reader.close();
  });

  it('notices a file longer than listed', async () => {
    const reader = new FileSequenceReader(
      [
        { absolutePath: at('a'), lengthBytes: 3 },
        { absolutePath: at('c'), lengthBytes: 6 },
      ],
      64,
    );
    await expect(reader.fill(new Uint8Array(9), 9)).rejects.toMatchObject({ code: 'changed' });
    await reader.close();
  });

  it('notices that the last file grew', async () => {
    const reader = new FileSequenceReader([{ absolutePath: at('c'), lengthBytes: 4 }], 64);
    await expect(reader.fill(new Uint8Array(4), 4)).rejects.toMatchObject({ code: 'changed' });
    await reader.close();
  });

  it('reports an unreadable file', async () => {
    const reader = new FileSequenceReader([{ absolutePath: at('missing'), lengthBytes: 1 }], 64);
    await expect(reader.fill(new Uint8Array(1), 1)).rejects.toBeInstanceOf(CreateInputError);
  });
});
