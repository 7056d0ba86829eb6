// Fetching a magnet's metadata (BEP 9) from peers that are strict about it, or cannot
// give it at all. Real sessions, raw peers on real sockets.
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../src-main/engine/session-api.ts';
import { bencode } from '../src-main/protocol/bencode.ts';
import { formatMagnet } from '../src-main/protocol/magnet.ts';
import { METADATA_PIECE_BYTES } from '../src-main/protocol/wire/ut-metadata.ts';
import { cleanupAfterEach, isComplete, startEngineEnv, waitFor } from './engine-harness.ts';
import { startHostilePeer, startStrictMetadataSeeder } from './engine-hostile-peer.ts';

const PIECE = 16 * 1024;

describe('engine: metadata from strict peers', () => {
  const defer = cleanupAfterEach();

  it('a magnet completes from a seeder that answers one metadata request at a time and ignores the rest', async () => {
    const { dir, open } = await startEngineEnv(defer);
    const data = new Uint8Array(randomBytes(5 * PIECE + 999));
    const hashes: Buffer[] = [];
    for (let o = 0; o < data.length; o += PIECE)
      hashes.push(
        createHash('sha1')
          .update(data.subarray(o, o + PIECE))
          .digest(),
      );
    // An unknown key makes the info dict span 6 metadata pieces while the payload stays small.
    const infoBytes = bencode({
      length: data.length,
      name: 'strict.bin',
      'piece length': PIECE,
      pieces: Buffer.concat(hashes),
      'x-padding': new Uint8Array(5 * METADATA_PIECE_BYTES),
    });
    expect(Math.ceil(infoBytes.length / METADATA_PIECE_BYTES)).toBe(6);
    const seeder = await startStrictMetadataSeeder({
      infoBytes,
      data,
      pieceLengthBytes: PIECE,
      answerDelayMs: 150,
    });
    defer(() => seeder.close());
    const infoHashHex = createHash('sha1').update(infoBytes).digest('hex');
    const leecher = await open('leecher');
    await leecher.add({
      kind: 'magnet',
      uri: `${formatMagnet({ infoHashHex })}&x.pe=127.0.0.1:${seeder.port}`,
    });
    await waitFor(leecher, infoHashHex, isComplete, 30_000, 'magnet from a strict metadata seeder');
    const got = await readFile(path.join(dir, 'leecher', 'downloads', 'strict.bin'));
    expect(got.equals(Buffer.from(data))).toBe(true);
    // Never a second request while one was pending: each piece was asked for once.
    expect(seeder.ignoredRequests()).toBe(0);
    expect(seeder.metadataPiecesSent()).toBe(6);
  });

  it('says so (metadata-unsupported) when no connected peer can send the metadata', async () => {
    const { open } = await startEngineEnv(defer);
    const infoHash = randomBytes(20);
    // Speaks BEP 3 and BEP 6 only: no extension protocol, so no BEP 9.
    const plain = await startHostilePeer(infoHash);
    defer(() => plain.close());
    const leecher = await open('leecher');
    const warnings: EngineEvent[] = [];
    leecher.on('warning', (w) => warnings.push(w));
    const infoHashHex = infoHash.toString('hex');
    await leecher.add({
      kind: 'magnet',
      uri: `${formatMagnet({ infoHashHex })}&x.pe=127.0.0.1:${plain.port}`,
    });
    const deadline = Date.now() + 20_000;
    while (!warnings.some((w) => w.code === 'metadata-unsupported') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const said = warnings.filter((w) => w.code === 'metadata-unsupported');
    expect(said).toHaveLength(1);
    expect(said[0]!.torrentId).toBe(infoHashHex);
    expect(said[0]!.message).toMatch(
      /1 peer connected, none can send the torrent's metadata: 1 without the extension protocol/,
    );
    expect(leecher.list()[0]!.state).toBe('fetching-metadata');
  });
});
