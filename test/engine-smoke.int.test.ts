import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '../src-main/engine/session-api.ts';
import { makeTempDir } from './support/temp-dir.ts';
import {
  isComplete,
  openTestSession,
  sha256File,
  startTracker,
  waitFor,
  writeRandomFile,
} from './engine-harness.ts';

describe('engine smoke', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('one seeder, one leecher over a magnet link', async () => {
    const tmp = await makeTempDir();
    cleanups.push(tmp.remove);
    const tracker = await startTracker();
    cleanups.push(() => tracker.server.close());
    const source = path.join(tmp.dir, 'src', 'payload.bin');
    await writeRandomFile(source, 3 * 1024 * 1024 + 12345);
    const seeder: Session = await openTestSession(tmp.dir, 'seeder', { defaultTrackers: [tracker.url] });
    cleanups.push(() => seeder.close());
    const shared = await seeder.share([source], { pieceLengthBytes: 64 * 1024 });
    const leecher = await openTestSession(tmp.dir, 'leecher', { defaultTrackers: [tracker.url] });
    cleanups.push(() => leecher.close());
    const added = await leecher.add({ kind: 'magnet', uri: shared.magnet });
    await waitFor(leecher, added.id, isComplete, 30_000, 'download');
    const result = path.join(tmp.dir, 'leecher', 'downloads', 'payload.bin');
    expect(await sha256File(result)).toBe(await sha256File(source));
  });
});
