// BEP 11 peer exchange between real sessions on loopback: a peer that knows one address
// learns the rest of the swarm from it and downloads from peers it was never told about;
// and the messages themselves, read off the wire by a hand-made peer.
import { createHash } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PieceVerifiedEvent, Session } from '../src-main/engine/session-api.ts';
import { bencode } from '../src-main/protocol/bencode.ts';
import {
  decodeExtensionHandshake,
  encodeExtensionHandshake,
  LOCAL_EXTENSION_IDS,
} from '../src-main/protocol/wire/extension-handshake.ts';
import { encodeHandshake, makeReserved } from '../src-main/protocol/wire/handshake.ts';
import { encodeMessage } from '../src-main/protocol/wire/messages.ts';
import { generatePeerId } from '../src-main/protocol/wire/peer-id.ts';
import { decodeUtPex, encodeUtPex, PexFlags, type PexMessage } from '../src-main/protocol/wire/ut-pex.ts';
import {
  decodeUtMetadata,
  encodeUtMetadata,
  METADATA_PIECE_BYTES,
} from '../src-main/protocol/wire/ut-metadata.ts';
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
   * dialing an address it heard of from A. C dials over TCP only: its uTP dials would leave
   * from its UDP socket at 127.0.0.3, A would name that reachable address to B, and B could
   * reach C first (two peers dialing each other: the test below that). With `bOverIpv6`, A listens on IPv6 and IPv4 and
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
    const c = await openTestSession(dir, 'c', { peerHost: '127.0.0.3', utp: false });
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
    // C only knows B through A's PEX (added6), and B cannot reach C (see threePeers).
    // IPv6 entries in a message: pex-sender.test.ts; their bytes: ut-pex.test.ts.
    const bAddress = `[::1]:${b.peerPort}`;
    // Seen connected, or credited with a piece (a short connection may be gone by the next look).
    const reachedB = () =>
      fromC.some((e) => e.fromAddress === bAddress) || c.detail(id).peers.some((p) => p.address === bAddress);
    const deadline = Date.now() + 60_000;
    while (!reachedB() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(reachedB()).toBe(true);
  }, 90_000);

  it('two peers that dial each other at once keep one connection between them, not none', async () => {
    const { dir, open } = await startEngineEnv(defer);
    const source = path.join(dir, 'src', 'payload.bin');
    await writeRandomFile(source, 4 * MiB);
    // Slow, so that B and C are still downloading (and want each other) for a while; A's
    // PEX round tells B of C and C of B in the same tick, so each dials the other at once:
    // each end then holds two connections to one peer and must close the one the other closes.
    const a = await open('a', { rateLimits: { uploadBps: 128 * 1024 }, tuning: { pexIntervalMs: 500 } });
    const shared = await a.share([source], { pieceLengthBytes: 64 * 1024 });
    const b = await open('b', { defaultTrackers: [] });
    const c = await open('c', { defaultTrackers: [] });
    const magnet = `magnet:?xt=urn:btih:${shared.id}&x.pe=127.0.0.1:${a.peerPort}`;
    // Connections between B and C that ended: at most the one each end gives up for the
    // other's (a pair that closes both starts over, and may race again on every retry).
    const closedBetween = { b: 0, c: 0 };
    const aAddress = `127.0.0.1:${a.peerPort}`;
    b.on('peer-closed', (e) => void (e.address !== aAddress && closedBetween.b++));
    c.on('peer-closed', (e) => void (e.address !== aAddress && closedBetween.c++));
    await Promise.all([b.add({ kind: 'magnet', uri: magnet }), c.add({ kind: 'magnet', uri: magnet })]);
    const links = (from: Session, to: Session) =>
      from.detail(shared.id).peers.filter((p) => p.peerIdHex === to.peerIdHex).length;
    const deadline = Date.now() + 30_000;
    while (!(links(b, c) === 1 && links(c, b) === 1) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect([links(b, c), links(c, b)]).toEqual([1, 1]);
    // And it stays: neither end closes it as the duplicate of one the other closed.
    await new Promise((r) => setTimeout(r, 1500));
    expect([links(b, c), links(c, b)]).toEqual([1, 1]);
    expect(closedBetween.b).toBeLessThanOrEqual(1);
    expect(closedBetween.c).toBeLessThanOrEqual(1);
  }, 60_000);

  it('a private torrent neither sends nor takes PEX: C stays with A alone', async () => {
    const { a, b, c, fromC, id } = await threePeers({ private: true });
    await waitFor(c, id, isComplete, 60_000, 'C to finish from A');
    const senders = new Set(fromC.map((e) => e.fromAddress));
    expect(senders).toEqual(new Set([`127.0.0.1:${a.peerPort}`]));
    expect(c.detail(id).peers.map((p) => p.address)).not.toContain(`127.0.0.1:${b.peerPort}`);
  }, 90_000);

  /**
   * A magnet whose only peer is a hand-made one that hands out the info dict (private or
   * not) and sends a PEX message naming a decoy listener twice: before the metadata (right
   * after our extension handshake) and once the metadata is served.
   */
  async function magnetFromPexPeer(opts: { private: boolean }) {
    const { dir } = await startEngineEnv(defer);
    const decoy = await countingListener();
    defer(() => decoy.close());
    const info = bencode({
      length: 50_000,
      name: 'pex-before-metadata.bin',
      'piece length': 16384,
      pieces: new Uint8Array(20 * 4),
      ...(opts.private ? { private: 1 } : {}),
    });
    const peer = await startPexMetadataPeer(info, { host: '127.0.0.1', port: decoy.port });
    defer(() => peer.close());
    const infoHashHex = createHash('sha1').update(info).digest('hex');
    const c = await openTestSession(dir, 'c', { defaultTrackers: [], tuning: { pexIntervalMs: 200 } });
    defer(() => c.close());
    await c.add({ kind: 'magnet', uri: `magnet:?xt=urn:btih:${infoHashHex}&x.pe=127.0.0.1:${peer.port}` });
    await waitFor(c, infoHashHex, (s) => s.state !== 'fetching-metadata', 20_000, 'the metadata');
    // The PEX sent with the metadata has been read by now or soon: give a dial time to happen.
    await new Promise((r) => setTimeout(r, 1500));
    return { decoy, peer };
  }

  it('a private torrent added by magnet neither takes nor offers PEX before its metadata shows it private, nor after', async () => {
    const { decoy, peer } = await magnetFromPexPeer({ private: true });
    expect(peer.pexSent()).toBe(2);
    expect(decoy.connections()).toBe(0);
    // Our extension handshakes: ut_pex never offered, not before the metadata, not after.
    expect(peer.handshakes().length).toBeGreaterThanOrEqual(1);
    expect(peer.handshakes().every((m) => !m.ut_pex)).toBe(true);
    expect(peer.pexReceived()).toBe(0);
  }, 40_000);

  it('a public torrent added by magnet takes PEX only once its metadata is known, and offers ut_pex then', async () => {
    const { decoy, peer } = await magnetFromPexPeer({ private: false });
    // Dialed from the second message only (the first came before the metadata: not taken).
    await expect.poll(() => decoy.connections(), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    const offered = peer.handshakes();
    expect(offered[0]?.ut_pex ?? 0).toBe(0);
    expect(offered.slice(1).some((m) => m.ut_pex === LOCAL_EXTENSION_IDS.ut_pex)).toBe(true);
  }, 40_000);

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

/** A TCP listener on 127.0.0.1 that only counts the connections it receives. */
async function countingListener() {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A peer that has only the info dict `infoBytes` and serves it over BEP 9, advertising
 * ut_pex as id 7. On our extension handshake it sends a ut_pex message naming `decoy`
 * (to our well-known id, whatever we offered) and again along with the metadata. It
 * records the `m` of every extension handshake we send and counts our ut_pex messages.
 */
async function startPexMetadataPeer(infoBytes: Uint8Array, decoy: { host: string; port: number }) {
  const infoHash = new Uint8Array(createHash('sha1').update(infoBytes).digest());
  const handshakes: Record<string, number>[] = [];
  let pexSent = 0;
  let pexReceived = 0;
  const sockets = new Set<net.Socket>();
  const sendPex = (socket: net.Socket) => {
    pexSent++;
    const payload = encodeUtPex({ added: [{ ...decoy, flags: PexFlags.reachable }], dropped: [] });
    socket.write(encodeMessage({ type: 'extended', extId: LOCAL_EXTENSION_IDS.ut_pex, payload }));
  };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    let theirMetadataId = 0;
    let servedPex = false;
    const decoder = new WireDecoder(
      {
        onHandshake: () => {
          socket.write(
            encodeHandshake({
              reserved: makeReserved({ extensionProtocol: true }),
              infoHash,
              peerId: generatePeerId('-XX0001-'),
            }),
          );
          const payload = encodeExtensionHandshake({
            m: { ut_metadata: 3, ut_pex: 7 },
            metadataSizeBytes: infoBytes.length,
          });
          socket.write(encodeMessage({ type: 'extended', extId: 0, payload }));
        },
        onMessage: (msg) => {
          if (msg.type !== 'extended') return;
          if (msg.extId === 7) return void pexReceived++;
          if (msg.extId === 0) {
            const m = decodeExtensionHandshake(msg.payload).m;
            handshakes.push(m);
            theirMetadataId ||= m.ut_metadata ?? 0;
            if (handshakes.length === 1) sendPex(socket);
            return;
          }
          const m = decodeUtMetadata(msg.payload);
          if (m.type !== 'request' || !theirMetadataId) return;
          const data = infoBytes.subarray(
            m.piece * METADATA_PIECE_BYTES,
            (m.piece + 1) * METADATA_PIECE_BYTES,
          );
          const payload = encodeUtMetadata({
            type: 'data',
            piece: m.piece,
            totalSizeBytes: infoBytes.length,
            data,
          });
          socket.write(encodeMessage({ type: 'extended', extId: theirMetadataId, payload }));
          if (!servedPex) {
            servedPex = true;
            // Read after the metadata piece: by then the torrent knows whether it is private.
            setTimeout(() => sendPex(socket), 300);
          }
        },
      },
      { fastExtension: false },
    );
    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk);
      } catch {
        socket.destroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    handshakes: () => handshakes,
    pexSent: () => pexSent,
    pexReceived: () => pexReceived,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
