import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cleanupAfterEach,
  isComplete,
  sha256File,
  startEngineEnv,
  waitFor,
  writeRandomFile,
} from './engine-harness.ts';

describe('engine smoke', () => {
  const defer = cleanupAfterEach();

  it('one seeder, one leecher over a magnet link', async () => {
    const { dir, open } = await startEngineEnv(defer);
    const source = path.join(dir, 'src', 'payload.bin');
    await writeRandomFile(source, 3 * 1024 * 1024 + 12345);
    const seeder = await open('seeder');
    const shared = await seeder.share([source], { pieceLengthBytes: 64 * 1024 });
    const leecher = await open('leecher');
    const added = await leecher.add({ kind: 'magnet', uri: shared.magnet });
    await waitFor(leecher, added.id, isComplete, 30_000, 'download');
    const result = path.join(dir, 'leecher', 'downloads', 'payload.bin');
    expect(await sha256File(result)).toBe(await sha256File(source));
  });
});
