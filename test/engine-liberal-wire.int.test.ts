// The peer wire as other clients speak it: quirks we accept instead of closing the
// connection (docs/PROTOCOL.md, "What the peer wire accepts"). Real sessions, raw peers
// on real sockets.
import { readFile } from 'node:fs/promises';
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
import { UdpTrackerClient } from '../src-main/tracker/client/udp-tracker-client.ts';
import { fetchBlockAfterLateBitfield, startLateBitfieldSeeder } from './engine-hostile-peer.ts';

const KiB = 1024;
const PIECE = 32 * KiB;

describe('engine: a liberal peer wire', () => {
  const defer = cleanupAfterEach();

  async function payload(env: { dir: string }) {
    const source = path.join(env.dir, 'src', 'payload.bin');
    await writeRandomFile(source, 10 * PIECE + 1234);
    return { source, data: new Uint8Array(await readFile(source)) };
  }

  it('a leecher that sends HAVE NONE, HAVE, then a BITFIELD (aria2) is still served', async () => {
    const env = await startEngineEnv(defer);
    const { source, data } = await payload(env);
    const seeder = await env.open('seeder');
    const shared = await seeder.share([source], { pieceLengthBytes: PIECE });
    const block = await fetchBlockAfterLateBitfield({
      port: seeder.peerPort,
      infoHash: Buffer.from(shared.id, 'hex'),
      pieceCount: Math.ceil(data.length / PIECE),
      piece: 2,
      timeoutMs: 20_000,
    });
    expect(Buffer.from(block).equals(Buffer.from(data.subarray(2 * PIECE, 2 * PIECE + 16 * KiB)))).toBe(true);
  });

  it('downloads from a seeder that sends HAVE NONE, HAVE, then a BITFIELD (aria2)', async () => {
    const env = await startEngineEnv(defer);
    const { source, data } = await payload(env);
    // Only to learn the torrent (its magnet); this session then goes away.
    const maker = await env.open('maker');
    const shared = await maker.share([source], { pieceLengthBytes: PIECE });
    await maker.remove(shared.id);
    const odd = await startLateBitfieldSeeder({
      infoHash: Buffer.from(shared.id, 'hex'),
      data,
      pieceLengthBytes: PIECE,
    });
    defer(() => odd.close());
    // The tracker is where the leecher learns of it.
    const tracker = new UdpTrackerClient(env.tracker.url);
    defer(async () => tracker.close());
    await tracker.announce({
      infoHash: Buffer.from(shared.id, 'hex'),
      peerId: odd.peerId,
      port: odd.port,
      uploaded: 0,
      downloaded: 0,
      left: 0,
      event: 'started',
    });
    const leecher = await env.open('leecher');
    await leecher.add({ kind: 'metainfo', bytes: shared.torrentBytes });
    await waitFor(leecher, shared.id, isComplete, 30_000, 'download from the late-bitfield seeder');
    expect(await sha256File(path.join(env.dir, 'leecher', 'downloads', 'payload.bin'))).toBe(
      await sha256File(source),
    );
    expect(odd.blocksSent()).toBeGreaterThan(0);
  });
});
