// BEP 11 peer exchange between real sessions on loopback: a peer that knows one address
// learns the rest of the swarm from it and downloads from peers it was never told about;
// and the messages themselves, read off the wire by a hand-made peer.
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PieceVerifiedEvent } from '../src-main/engine/session-api.ts';
import { encodeExtensionHandshake } from '../src-main/protocol/wire/extension-handshake.ts';
import { encodeHandshake, makeReserved } from '../src-main/protocol/wire/handshake.ts';
import { encodeMessage } from '../src-main/protocol/wire/messages.ts';
import { generatePeerId } from '../src-main/protocol/wire/peer-id.ts';
import { decodeUtPex, PexFlags, type PexMessage } from '../src-main/protocol/wire/ut-pex.ts';
import { WireDecoder } from '../src-main/protocol/wire/wire-decoder.ts';
import {
  cleanupAfterEach,
  isComplete,
  openTestSession,
  sha256File,
  startEngineEnv,
  waitFor,
  writeRandomFile,
} from './engine-harness.ts';

const MiB = 1024 * 1024;

describe('peer exchange (BEP 11)', () => {
  const defer = cleanupAfterEach();

  /**
   * A seeds (upload-limited so the download takes a while) and B leeches from it through
   * the tracker; once B has part of the file, C starts with a magnet naming only A (no
   * tracker). C listens on 127.0.0.3 while its dials leave from 127.0.0.1, so the address A
   * sees for C does not accept connections: like a peer behind NAT, C meets B only by
   * dialing an address it heard of from A. With `bOverIpv6`, A listens on IPv6 and IPv4 and
   * B, on ::1 with no tracker, dials A at [::1]: A must name B to C in `added6`.
   */
  async function threePeers(opts: { private: boolean; bOverIpv6?: boolean }) {
    const { dir, open, tracker } = await startEngineEnv(defer);
    const source = path.join(dir, 'src', 'payload.bin');
    await writeRandomFile(source, 6 * MiB);
    const a = await open('a', {
      rateLimits: { uploadBps: 768 * 1024 },
      ...(opts.bOverIpv6 ? { peerHost: '::' } : {}),
    });
    const shared = await a.share([source], { pieceLengthBytes: 64 * 1024, private: opts.private });
    const b = opts.bOverIpv6 ? await open('b', { peerHost: '::1', defaultTrackers: [] }) : await open('b');
    await b.add({
      kind: 'magnet',
      uri: opts.bOverIpv6 ? `magnet:?xt=urn:btih:${shared.id}&x.pe=%5B::1%5D:${a.peerPort}` : shared.magnet,
    });
    await waitFor(b, shared.id, (s) => s.progress >= 0.2, 30_000, 'B to hold a fifth of the file');
    const c = await openTestSession(dir, 'c', { peerHost: '127.0.0.3' });
    defer(() => c.close());
    const fromC: PieceVerifiedEvent[] = [];
    c.on('piece-verified', (e) => fromC.push(e));
    const infoHashHex = shared.id;
    await c.add({ kind: 'magnet', uri: `magnet:?xt=urn:btih:${infoHashHex}&x.pe=127.0.0.1:${a.peerPort}` });
    return { a, b, c, fromC, id: shared.id, source, tracker, dir };
  }

  it('C knows only A, learns B through A’s PEX message and downloads from B', async () => {
    const { b, c, fromC, id, source, dir } = await threePeers({ private: false });
    await waitFor(c, id, isComplete, 60_000, 'C to finish');
    expect(await sha256File(path.join(dir, 'c', 'downloads', 'payload.bin'))).toBe(await sha256File(source));
    const senders = new Set(fromC.map((e) => e.fromAddress));
    expect(senders.has(`127.0.0.1:${b.peerPort}`)).toBe(true);
  }, 90_000);

  it('PEX carries IPv6 peers (added6) to an IPv4 peer: C dials B at [::1]', async () => {
    const { b, c, fromC, id } = await threePeers({ private: false, bOverIpv6: true });
    await waitFor(c, id, isComplete, 60_000, 'C to finish');
    expect(new Set(fromC.map((e) => e.fromAddress)).has(`[::1]:${b.peerPort}`)).toBe(true);
  }, 90_000);

  it('a private torrent neither sends nor takes PEX: C stays with A alone', async () => {
    const { a, b, c, fromC, id } = await threePeers({ private: true });
    await waitFor(c, id, isComplete, 60_000, 'C to finish from A');
    const senders = new Set(fromC.map((e) => e.fromAddress));
    expect(senders).toEqual(new Set([`127.0.0.1:${a.peerPort}`]));
    expect(c.detail(id).peers.map((p) => p.address)).not.toContain(`127.0.0.1:${b.peerPort}`);
  }, 90_000);

  it('on the wire: added with flags, then dropped when the peer leaves, one message per interval at most', async () => {
    const { dir, open } = await startEngineEnv(defer);
    const source = path.join(dir, 'src', 'wire.bin');
    await writeRandomFile(source, 2 * MiB);
    const intervalMs = 1000;
    const a = await open('a', {
      rateLimits: { uploadBps: 128 * 1024 },
      tuning: { pexIntervalMs: intervalMs },
    });
    const shared = await a.share([source], { pieceLengthBytes: 64 * 1024 });
    const b = await open('b');
    await b.add({ kind: 'magnet', uri: shared.magnet });
    await waitFor(a, shared.id, (s) => s.peers >= 1, 30_000, 'B connected to A');
    const listener = pexListener(a.peerPort, shared.id);
    defer(async () => listener.close());
    const bPort = b.peerPort; // 0 once B is closed
    const bAddress = { host: '127.0.0.1', port: bPort };
    const first = await listener.waitFor((m) => m.added.some((p) => p.port === bPort), 'B added');
    const added = first.msg.added.find((p) => p.port === bPort)!;
    expect(added.host).toBe('127.0.0.1');
    // B dialed A (not reachable as far as A knows) and is not a seed.
    expect(added.flags & (PexFlags.reachable | PexFlags.seedOrUploadOnly)).toBe(0);
    await b.close();
    const gone = await listener.waitFor((m) => m.dropped.some((p) => p.port === bPort), 'B dropped');
    expect(gone.msg.dropped).toContainEqual(bAddress);
    // B left right after the first message; A still waits out its interval before telling
    // (slack for the event loop: both ends run in this process).
    expect(gone.atMs - first.atMs).toBeGreaterThanOrEqual(intervalMs - 250);
    expect(listener.messages.indexOf(gone)).toBe(listener.messages.indexOf(first) + 1);
  }, 60_000);
});

/**
 * A hand-made peer that dials 127.0.0.1:`port` for `infoHashHex`, advertises ut_pex (as
 * extension id 7) and records every ut_pex message it receives, with its arrival time.
 */
function pexListener(port: number, infoHashHex: string) {
  const messages: { msg: PexMessage; atMs: number }[] = [];
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  const decoder = new WireDecoder({
    onHandshake: () => {
      const payload = encodeExtensionHandshake({ m: { ut_pex: 7 }, v: 'pex listener' });
      socket.write(encodeMessage({ type: 'extended', extId: 0, payload }));
    },
    onMessage: (m) => {
      if (m.type === 'extended' && m.extId === 7)
        messages.push({ msg: decodeUtPex(m.payload), atMs: Date.now() });
    },
  });
  socket.on('data', (chunk: Buffer) => decoder.push(chunk));
  socket.on('connect', () =>
    socket.write(
      encodeHandshake({
        reserved: makeReserved({ extensionProtocol: true, fastExtension: true }),
        infoHash: Buffer.from(infoHashHex, 'hex'),
        peerId: generatePeerId('-XX0001-'),
      }),
    ),
  );
  return {
    messages,
    async waitFor(match: (m: PexMessage) => boolean, what: string) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const found = messages.find((m) => match(m.msg));
        if (found) return found;
        if (Date.now() > deadline || socket.destroyed)
          throw new Error(`no ut_pex message with ${what}; got ${JSON.stringify(messages)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => socket.destroy(),
  };
}
