// Swarms on loopback: real sessions, a real UDP tracker, real files.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PieceVerifiedEvent } from '../src-main/engine/session-api.ts';
import {
  cleanupAfterEach,
  isComplete,
  sha256File,
  startEngineEnv,
  waitFor,
  writeRandomFile,
} from './engine-harness.ts';

const MiB = 1024 * 1024;

describe('engine swarms', () => {
  const defer = cleanupAfterEach();

  /** A tracker, `sizeBytes` of random data at `src/payload.bin`, and where session `name` gets it. */
  async function setup(sizeBytes: number) {
    const { dir, open } = await startEngineEnv(defer);
    const source = path.join(dir, 'src', 'payload.bin');
    await writeRandomFile(source, sizeBytes);
    return { source, open, downloaded: (name: string) => path.join(dir, name, 'downloads', 'payload.bin') };
  }

  it('one seeder serves three leechers; every copy is byte-identical', async () => {
    const { source, open, downloaded } = await setup(4 * MiB + 777);
    const seeder = await open('seeder');
    const shared = await seeder.share([source], { pieceLengthBytes: 32 * 1024 });
    const leechers = await Promise.all(['l1', 'l2', 'l3'].map((n) => open(n)));
    await Promise.all(leechers.map((l) => l.add({ kind: 'magnet', uri: shared.magnet })));
    await Promise.all(leechers.map((l, i) => waitFor(l, shared.id, isComplete, 45_000, `leecher ${i + 1}`)));
    const want = await sha256File(source);
    for (const name of ['l1', 'l2', 'l3']) expect(await sha256File(downloaded(name))).toBe(want);
    expect(seeder.list()[0]!.uploadedBytes).toBeGreaterThan(0);
  });

  it('three seeders serve one leecher; pieces come from all three', async () => {
    const { source, open, downloaded } = await setup(3 * MiB);
    // Upload limits stretch the transfer so that every seeder is connected while it runs.
    const seeders = await Promise.all(
      ['s1', 's2', 's3'].map((n) => open(n, { rateLimits: { uploadBps: 512 * 1024 } })),
    );
    const results = [];
    for (const s of seeders) results.push(await s.share([source], { pieceLengthBytes: 32 * 1024 }));
    const id = results[0]!.id;
    expect(results.every((r) => r.id === id)).toBe(true);
    const leecher = await open('leecher');
    const events: PieceVerifiedEvent[] = [];
    leecher.on('piece-verified', (e) => events.push(e));
    await leecher.add({ kind: 'magnet', uri: results[0]!.magnet });
    await waitFor(leecher, id, isComplete, 45_000, 'download from three seeders');
    expect(await sha256File(downloaded('leecher'))).toBe(await sha256File(source));
    const seederAddresses = seeders.map((s) => `127.0.0.1:${s.peerPort}`).sort();
    const sources = [...new Set(events.map((e) => e.fromAddress))].sort();
    expect(sources).toEqual(seederAddresses);
    // The piece map says the same (what the UI shows).
    const detail = leecher.detail(id);
    const mapped = new Set(detail.pieces.pieceSources.map((i) => detail.pieces.sourcePeers[i]?.address));
    expect([...mapped].sort()).toEqual(seederAddresses);
    expect(events.length).toBe(detail.pieces.pieceCount);
  });

  it('a seeder that dies mid-transfer: the leecher finishes from the others', async () => {
    const { source, open, downloaded } = await setup(3 * MiB);
    const seeders = await Promise.all(
      ['s1', 's2', 's3'].map((n) => open(n, { rateLimits: { uploadBps: 384 * 1024 } })),
    );
    let magnet = '';
    let id = '';
    for (const s of seeders) ({ magnet, id } = await s.share([source], { pieceLengthBytes: 32 * 1024 }));
    const leecher = await open('leecher');
    const victim = seeders[0]!;
    const victimAddress = `127.0.0.1:${victim.peerPort}`;
    let fromVictim = 0;
    let afterDeath = 0;
    let dead = false;
    leecher.on('piece-verified', (e) => {
      if (dead) afterDeath++;
      if (e.fromAddress === victimAddress) fromVictim++;
    });
    await leecher.add({ kind: 'magnet', uri: magnet });
    await waitFor(
      leecher,
      id,
      (s) => s.progress >= 0.25 && fromVictim > 0,
      30_000,
      'a quarter, some from the victim',
    );
    await victim.close();
    dead = true;
    const done = await waitFor(leecher, id, isComplete, 45_000, 'finish without the dead seeder');
    expect(done.progress).toBe(1);
    expect(afterDeath).toBeGreaterThan(0);
    expect(await sha256File(downloaded('leecher'))).toBe(await sha256File(source));
  });
});
