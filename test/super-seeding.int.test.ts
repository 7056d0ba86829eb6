// Super-seeding (BEP 16) with real sockets: what a peer sees of a super-seeding seed on the
// wire (nothing at first, then one HAVE, the next only after it reports that piece), and
// that leechers still download everything from it.
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeHandshake, makeReserved } from '../src-main/protocol/wire/handshake.ts';
import { encodeMessage, type WireMessage } from '../src-main/protocol/wire/messages.ts';
import { generatePeerId } from '../src-main/protocol/wire/peer-id.ts';
import { WireDecoder } from '../src-main/protocol/wire/wire-decoder.ts';
import { cleanupAfterEach, sha256File, startEngineEnv, waitFor, writeRandomFile } from './engine-harness.ts';

const PIECE = 16 * 1024;

/** A plain wire client: records every message; `send` writes one. */
function wireClient(port: number, infoHash: Uint8Array) {
  const messages: WireMessage[] = [];
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  const decoder = new WireDecoder({
    onHandshake: () => undefined,
    onMessage: (m) => messages.push(m.type === 'piece' ? { ...m, block: m.block.slice() } : m),
  });
  socket.on('data', (chunk: Buffer) => decoder.push(chunk));
  socket.on('connect', () =>
    socket.write(
      encodeHandshake({
        reserved: makeReserved({ fastExtension: true }),
        infoHash,
        peerId: generatePeerId('-LT2080-'),
      }),
    ),
  );
  return {
    messages,
    send: (m: WireMessage) => socket.write(encodeMessage(m)),
    close: () => socket.destroy(),
  };
}

async function until<T>(what: string, get: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('super-seeding (BEP 16)', () => {
  const defer = cleanupAfterEach();

  it('a peer sees HAVE NONE, then one HAVE, and the next HAVE only once it reports that piece', async () => {
    const { dir, open } = await startEngineEnv(defer);
    const source = path.join(dir, 'src', 'first-copy.bin');
    await writeRandomFile(source, 16 * PIECE);
    const seeder = await open('seeder');
    const shared = await seeder.share([source], { pieceLengthBytes: PIECE, publish: false });
    seeder.setSuperSeeding(shared.id, true);

    const peer = wireClient(seeder.peerPort, Buffer.from(shared.id, 'hex'));
    defer(async () => {
      peer.close();
    });
    const haves = () => peer.messages.filter((m) => m.type === 'have');
    const first = await until('the first HAVE', () => haves()[0]);
    expect(peer.messages.map((m) => m.type)).toContain('have-none');
    expect(peer.messages.some((m) => m.type === 'have-all' || m.type === 'bitfield')).toBe(false);
    // No second offer while the first is unreported.
    await new Promise((r) => setTimeout(r, 500));
    expect(haves()).toHaveLength(1);

    const offered = (first as { index: number }).index;
    peer.send({ type: 'interested' });
    await until('unchoke', () => peer.messages.find((m) => m.type === 'unchoke'));
    peer.send({ type: 'request', index: offered, begin: 0, length: PIECE });
    await until('the offered piece', () => peer.messages.find((m) => m.type === 'piece'));
    peer.send({ type: 'have', index: offered });
    const second = await until('the next HAVE', () => haves()[1]);
    expect((second as { index: number }).index).not.toBe(offered);
  });

  it('leechers still get every piece from a super-seeding seed', async () => {
    const { dir, open } = await startEngineEnv(defer);
    const source = path.join(dir, 'src', 'spread.bin');
    await writeRandomFile(source, 24 * PIECE + 100);
    const seeder = await open('seeder');
    const shared = await seeder.share([source], { pieceLengthBytes: PIECE, publish: false });
    seeder.setSuperSeeding(shared.id, true);
    const leechers = [await open('l1'), await open('l2')];
    for (const l of leechers) await l.add({ kind: 'magnet', uri: shared.magnet });
    await Promise.all(
      leechers.map((l) => waitFor(l, shared.id, (s) => s.state === 'seeding', 60_000, 'complete')),
    );
    for (const name of ['l1', 'l2'])
      expect(await sha256File(path.join(dir, name, 'downloads', 'spread.bin'))).toBe(
        await sha256File(source),
      );
  });
});
