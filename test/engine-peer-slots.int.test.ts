// Connection slots under a flood of idle peers: real sessions, a real tracker, and raw TCP
// connections that complete the handshake and then send only keep-alives.
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
import { openIdlePeers } from './engine-hostile-peer.ts';

const KiB = 1024;

describe('engine peer slots', () => {
  const defer = cleanupAfterEach();

  async function seed() {
    const env = await startEngineEnv(defer);
    const source = path.join(env.dir, 'src', 'payload.bin');
    await writeRandomFile(source, 512 * KiB + 321);
    const seeder = await env.open('seeder');
    const shared = await seeder.share([source], { pieceLengthBytes: 32 * KiB });
    return { ...env, source, seeder, shared, infoHash: Buffer.from(shared.id, 'hex') };
  }

  /** Resolves once `n` idle connections have their handshake answered (they hold slots). */
  async function untilAnswered(idle: { answered(): number }, n: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (idle.answered() < n) {
      if (Date.now() > deadline) throw new Error(`only ${idle.answered()} of ${n} idle peers answered`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('idle peers from 120 addresses do not lock a seeder out: a real leecher still downloads', async () => {
    const { dir, source, seeder, shared, infoHash, open } = await seed();
    // 120 hosts (127.0.0.2 … 127.0.0.121), one connection each: the per-IP cap does not
    // apply, so only eviction and the overflow slots can let the leecher in.
    const idle = openIdlePeers({
      port: seeder.peerPort,
      infoHash,
      count: 120,
      localAddress: (i) => `127.0.0.${2 + i}`,
    });
    defer(async () => idle.close());
    await untilAnswered(idle, 50);
    expect(seeder.detail(shared.id).peers.length).toBeGreaterThanOrEqual(50);

    const leecher = await open('leecher');
    await leecher.add({ kind: 'magnet', uri: shared.magnet });
    await waitFor(leecher, shared.id, isComplete, 60_000, 'download past 120 idle peers');
    expect(await sha256File(path.join(dir, 'leecher', 'downloads', 'payload.bin'))).toBe(
      await sha256File(source),
    );
    // The idle peers were given a slot and lost it again to eviction; the seeder never
    // holds more than its slots plus the overflow.
    expect(seeder.detail(shared.id).peers.length).toBeLessThanOrEqual(55);
  });

  it('one address cannot take more than its per-IP share of a seeder: a leecher from another gets in', async () => {
    const { dir, source, seeder, shared, infoHash, open } = await seed();
    const idle = openIdlePeers({
      port: seeder.peerPort,
      infoHash,
      count: 200,
      localAddress: () => '127.0.0.9',
    });
    defer(async () => idle.close());
    await untilAnswered(idle, 8);
    // Give the refused ones time to be refused.
    await new Promise((r) => setTimeout(r, 500));
    const fromFlooder = seeder.detail(shared.id).peers.filter((p) => p.address.startsWith('127.0.0.9:'));
    expect(fromFlooder.length).toBeLessThanOrEqual(8);
    expect(idle.answered()).toBeLessThanOrEqual(8 + 1); // +1: one may be answered, then evicted

    const leecher = await open('leecher');
    await leecher.add({ kind: 'magnet', uri: shared.magnet });
    await waitFor(leecher, shared.id, isComplete, 60_000, 'download past a flooding address');
    expect(await sha256File(path.join(dir, 'leecher', 'downloads', 'payload.bin'))).toBe(
      await sha256File(source),
    );
  });
});
