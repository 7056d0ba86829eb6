import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeHandshake } from '../../protocol/wire/handshake.ts';
import { encodeMessage, type WireMessage } from '../../protocol/wire/messages.ts';
import type { UtMetadataMessage } from '../../protocol/wire/ut-metadata.ts';
import type { PexMessage } from '../../protocol/wire/ut-pex.ts';
import type { ExtensionHandshake } from '../../protocol/wire/extension-handshake.ts';
import { PeerConnection, type PeerCloseInfo, type PeerConnectionOptions } from './peer-connection.ts';
import { makeHandshake, socketPair, waitFor } from './peer-test-support.ts';
import { SocketReader } from './socket-reader.ts';

const open: { close(): void }[] = [];
const sockets: net.Socket[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
  for (const s of sockets.splice(0)) s.destroy();
});

async function connectedPair(options: Partial<PeerConnectionOptions> = {}) {
  const [clientSocket, serverSocket] = await socketPair();
  const a = new PeerConnection({ ...options, socket: clientSocket, direction: 'outgoing' });
  const b = new PeerConnection({ ...options, socket: serverSocket, direction: 'incoming' });
  open.push(a, b);
  return { a, b };
}

async function handshaken(options: Partial<PeerConnectionOptions> = {}) {
  const { a, b } = await connectedPair(options);
  const hsA = makeHandshake(1);
  const hsB = makeHandshake(1);
  b.once('handshake', () => b.sendHandshake(hsB));
  a.sendHandshake(hsA);
  await waitFor(() => a.remoteHandshake !== null && b.remoteHandshake !== null, 5000, 'handshakes');
  return { a, b, hsA, hsB };
}

const closeOf = (c: PeerConnection) => new Promise<PeerCloseInfo>((resolve) => c.once('close', resolve));

describe('PeerConnection over loopback', () => {
  it('exchanges handshakes and every message type', async () => {
    const { a, b, hsA, hsB } = await handshaken();
    expect(Buffer.from(b.remoteHandshake!.peerId).equals(Buffer.from(hsA.peerId))).toBe(true);
    expect(Buffer.from(a.remoteHandshake!.peerId).equals(Buffer.from(hsB.peerId))).toBe(true);
    expect(a.fastExtension && a.extensionProtocol && b.fastExtension).toBe(true);
    expect(a.clientName).toBe('Swarmdrop 0.1');
    expect(b.remoteHost).toBe('127.0.0.1');

    const got: WireMessage[] = [];
    const ext: { hs?: ExtensionHandshake; meta?: UtMetadataMessage; pex?: PexMessage } = {};
    b.on('message', (m) => got.push(m.type === 'piece' ? { ...m, block: m.block.slice() } : m));
    b.on('extension-handshake', (h) => (ext.hs = h));
    b.on('ut-metadata', (m) => (ext.meta = m));
    b.on('ut-pex', (m) => (ext.pex = m));
    const pieces: number[] = [];
    b.on('piece', (m) => pieces.push(m.block.length));
    a.on('extension-handshake', () => {});
    b.start();
    a.start();
    // b advertises its extensions so a can address ut_metadata/ut_pex to it.
    b.sendExtensionHandshake({ v: 'test b' });
    await waitFor(() => a.remoteExtensions !== null, 5000, 'extension handshake');

    const block = new Uint8Array(16384).map((_, i) => i & 0xff);
    a.sendKeepAlive();
    a.sendUnchoke();
    a.sendInterested();
    a.sendNotInterested();
    a.sendHave(7);
    a.sendBitfield(Uint8Array.of(0xf0));
    a.sendRequests([
      { index: 1, begin: 0, length: 16384 },
      { index: 1, begin: 16384, length: 16384 },
    ]);
    a.sendPiece(1, 0, block);
    a.sendCancel({ index: 1, begin: 16384, length: 16384 });
    a.sendPort(6881);
    a.sendSuggest(3);
    a.sendHaveAll();
    a.sendHaveNone();
    a.sendReject({ index: 2, begin: 0, length: 16384 });
    a.sendAllowedFast(4);
    a.sendExtensionHandshake({ v: 'test a', metadataSizeBytes: 100, p: 1234 });
    expect(a.sendUtMetadata({ type: 'request', piece: 0 })).toBe(true);
    expect(a.sendUtPex({ added: [{ host: '127.0.0.9', port: 9, flags: 0 }], dropped: [] })).toBe(true);
    a.sendExtended(42, Uint8Array.of(1, 2, 3));
    a.sendChoke();
    await waitFor(() => got.length === 21, 5000, 'all messages');

    expect(got.map((m) => m.type)).toEqual([
      'keep-alive',
      'unchoke',
      'interested',
      'not-interested',
      'have',
      'bitfield',
      'request',
      'request',
      'piece',
      'cancel',
      'port',
      'suggest',
      'have-all',
      'have-none',
      'reject',
      'allowed-fast',
      'extended',
      'extended',
      'extended',
      'extended',
      'choke',
    ]);
    expect(got[4]).toEqual({ type: 'have', index: 7 });
    expect(got[6]).toEqual({ type: 'request', index: 1, begin: 0, length: 16384 });
    const piece = got[8];
    expect(piece?.type === 'piece' && Buffer.from(piece.block).equals(Buffer.from(block))).toBe(true);
    expect(pieces).toEqual([16384]);
    expect(got[10]).toEqual({ type: 'port', port: 6881 });
    const custom = got[19];
    expect(custom?.type === 'extended' && custom.extId === 42 && [...custom.payload]).toEqual([1, 2, 3]);
    expect(ext.hs).toMatchObject({
      v: 'test a',
      metadataSizeBytes: 100,
      p: 1234,
      m: { ut_metadata: 1, ut_pex: 2 },
    });
    expect(ext.meta).toEqual({ type: 'request', piece: 0 });
    expect(ext.pex).toEqual({ added: [{ host: '127.0.0.9', port: 9, flags: 0 }], dropped: [] });

    // Flags both ways: a sent choke last and not-interested; b saw them.
    expect([a.amChoking, a.amInterested, b.peerChoking, b.peerInterested]).toEqual([
      true,
      false,
      true,
      false,
    ]);
    expect(b.downloadRate.totalBytes).toBe(16384);
    expect(a.uploadRate.totalBytes).toBe(16384);
    expect(b.bytesReceived).toBe(a.bytesSent);
  });

  it('sends a run of blocks cut from one buffer as consecutive piece messages', async () => {
    const { a, b } = await handshaken();
    const got: { index: number; begin: number; block: Buffer }[] = [];
    b.on('piece', (m) => got.push({ index: m.index, begin: m.begin, block: Buffer.from(m.block) }));
    b.start();
    a.start();
    // The run starts mid-piece: `data` holds bytes from the first ref's begin on.
    const data = new Uint8Array(40_000).map((_, i) => (i * 7) & 0xff);
    const refs = [
      { index: 5, begin: 16384, length: 16384 },
      { index: 5, begin: 32768, length: 16384 },
      { index: 5, begin: 49152, length: 40_000 - 32768 },
    ];
    a.sendPieces(refs, data);
    await waitFor(() => got.length === 3, 5000, 'three blocks');
    expect(got.map((g) => [g.index, g.begin, g.block.length])).toEqual(
      refs.map((r) => [r.index, r.begin, r.length]),
    );
    expect(Buffer.concat(got.map((g) => g.block)).equals(Buffer.from(data))).toBe(true);
    expect(a.uploadRate.totalBytes).toBe(40_000);
    await waitFor(() => b.bytesReceived === a.bytesSent, 5000, 'byte counts');
    expect(a.sendPieces([], data)).toBe(true);
  });

  it('with a reused read buffer, keeps nothing that points into it', async () => {
    // A tiny buffer: every message straddles reads, and each read overwrites the last.
    const reader = new SocketReader(1000);
    const [clientSocket, serverSocket] = await socketPair(reader.onread);
    const a = new PeerConnection({ socket: clientSocket, direction: 'outgoing', reader });
    const b = new PeerConnection({ socket: serverSocket, direction: 'incoming' });
    open.push(a, b);
    b.once('handshake', () => b.sendHandshake(makeHandshake(1)));
    a.sendHandshake(makeHandshake(1));
    await waitFor(() => a.remoteHandshake !== null && b.remoteHandshake !== null, 5000, 'handshakes');
    const kept: { bitfield?: Uint8Array; ext?: Uint8Array; all: WireMessage[] } = { all: [] };
    const blocks: Buffer[] = [];
    a.on('bitfield', (m) => (kept.bitfield = m.bytes));
    a.on('extended', (m) => (kept.ext = m.payload));
    a.on('message', (m) => kept.all.push(m));
    a.on('piece', (m) => blocks.push(Buffer.from(m.block)));
    a.start();
    b.start();
    b.sendBitfield(Uint8Array.of(0xa5, 0x5a));
    b.sendExtended(42, new Uint8Array(3000).fill(7));
    const block = (i: number) => new Uint8Array(16384).fill(i);
    for (let i = 0; i < 8; i++) b.sendPiece(0, i * 16384, block(i));
    await waitFor(() => blocks.length === 8, 5000, 'blocks');
    expect(blocks.every((got, i) => got.equals(Buffer.from(block(i))))).toBe(true);
    expect([...kept.bitfield!]).toEqual([0xa5, 0x5a]);
    expect(kept.ext!.length === 3000 && kept.ext!.every((x) => x === 7)).toBe(true);
    const bitfieldMessage = kept.all.find((m) => m.type === 'bitfield');
    expect(bitfieldMessage?.type === 'bitfield' && [...bitfieldMessage.bytes]).toEqual([0xa5, 0x5a]);
  });

  it('decodes several connections reading through the one shared buffer', async () => {
    const pairs = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const reader = new SocketReader(); // the shared buffer
        const [clientSocket, serverSocket] = await socketPair(reader.onread);
        const a = new PeerConnection({ socket: clientSocket, direction: 'outgoing', reader });
        const b = new PeerConnection({ socket: serverSocket, direction: 'incoming' });
        open.push(a, b);
        b.once('handshake', () => b.sendHandshake(makeHandshake(n)));
        a.sendHandshake(makeHandshake(n));
        await waitFor(() => a.remoteHandshake !== null, 5000, 'handshake');
        const blocks: Buffer[] = [];
        a.on('piece', (m) => blocks.push(Buffer.from(m.block)));
        a.start();
        b.start();
        return { n, b, blocks };
      }),
    );
    // Each connection's blocks carry its own byte pattern; all are sent at once.
    const block = (n: number, i: number) => new Uint8Array(16384).fill(n * 16 + i);
    for (let i = 0; i < 20; i++) for (const { n, b } of pairs) b.sendPiece(0, i * 16384, block(n, i));
    await waitFor(() => pairs.every((p) => p.blocks.length === 20), 5000, 'blocks');
    for (const { n, blocks } of pairs)
      expect(blocks.every((got, i) => got.equals(Buffer.from(block(n, i))))).toBe(true);
  });

  it('holds messages sent right behind the handshake until start()', async () => {
    const { a, b } = await connectedPair();
    const hsA = makeHandshake(2);
    a.sendHandshake(hsA);
    a.sendInterested(); // goes out in the same burst as the handshake
    await waitFor(() => b.remoteHandshake !== null, 5000, 'handshake');
    const got: string[] = [];
    b.on('message', (m) => got.push(m.type));
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual([]);
    b.sendHandshake(makeHandshake(2));
    b.start();
    await waitFor(() => got.length === 1, 5000, 'held message');
    expect(got).toEqual(['interested']);
    expect(b.peerInterested).toBe(true);
  });

  it('closes on a malformed message with the protocol error code', async () => {
    const { a, b } = await handshaken();
    b.start();
    const closed = closeOf(b);
    // An 'have' with a 2-byte payload: wrong fixed size.
    (a as unknown as { socket: net.Socket }).socket.write(Uint8Array.of(0, 0, 0, 3, 4, 0, 0));
    const info = await closed;
    expect(info.code).toBe('protocol-error');
    expect(info.protocolCode).toBe('bad-value');
    expect(b.isClosed).toBe(true);
    await waitFor(() => a.isClosed, 5000, 'remote side closed');
  });

  it('rejects a wrong protocol string and an info-hash mismatch', async () => {
    const [client, server] = await socketPair();
    sockets.push(client);
    const b = new PeerConnection({ socket: server, direction: 'incoming' });
    open.push(b);
    const closed = closeOf(b);
    client.write('GET / HTTP/1.1\r\n\r\n');
    expect(await closed).toMatchObject({ code: 'protocol-error', protocolCode: 'bad-value' });

    const { a, b: b2 } = await connectedPair();
    b2.once('handshake', () => b2.sendHandshake(makeHandshake(9)));
    const closedA = closeOf(a);
    a.sendHandshake(makeHandshake(8));
    expect((await closedA).code).toBe('info-hash-mismatch');
  });

  it('detects a connection to ourselves', async () => {
    const { a, b } = await connectedPair();
    const hs = makeHandshake(3);
    b.once('handshake', () => b.sendHandshake(hs));
    const closedB = closeOf(b);
    a.sendHandshake(hs);
    expect((await closedB).code).toBe('self-connection');
  });

  it('drops a silent peer after the idle time-out', async () => {
    // The remote is a raw socket that handshakes and then says nothing at all.
    const [client, server] = await socketPair();
    sockets.push(client);
    const b = new PeerConnection({
      socket: server,
      direction: 'incoming',
      idleTimeoutMs: 300,
      handshakeTimeoutMs: 10_000,
    });
    open.push(b);
    b.once('handshake', () => {
      b.sendHandshake(makeHandshake(6));
      b.start();
    });
    client.write(encodeHandshake(makeHandshake(6)));
    const info = await closeOf(b);
    expect(info.code).toBe('idle-timeout');
    expect(b.remoteHandshake).not.toBeNull();
  });

  it('sends keep-alives and drops idle peers on an injected clock', async () => {
    let nowMs = 1_000_000;
    const now = () => nowMs;
    const { a, b } = await handshaken({
      now,
      timerTickMs: 0,
      keepAliveIntervalMs: 60_000,
      idleTimeoutMs: 150_000,
    });
    a.start();
    b.start();
    const keepAlives: number[] = [];
    b.on('keep-alive', () => keepAlives.push(nowMs));
    nowMs += 59_000;
    a.checkTimers();
    nowMs += 1_000;
    a.checkTimers();
    await waitFor(() => keepAlives.length === 1, 5000, 'keep-alive');
    expect(a.isClosed).toBe(false);
    // b heard the keep-alive at +60 s, so it is not idle until +210 s.
    nowMs += 100_000;
    b.checkTimers();
    expect(b.isClosed).toBe(false);
    const closed = closeOf(b);
    nowMs += 60_000;
    b.checkTimers();
    expect((await closed).code).toBe('idle-timeout');
  });

  it('times out a handshake that never comes', async () => {
    let nowMs = 0;
    const [client, server] = await socketPair();
    sockets.push(client);
    const b = new PeerConnection({
      socket: server,
      direction: 'incoming',
      now: () => nowMs,
      timerTickMs: 0,
      handshakeTimeoutMs: 5000,
    });
    open.push(b);
    const closed = closeOf(b);
    nowMs = 5000;
    b.checkTimers();
    expect((await closed).code).toBe('handshake-timeout');
  });

  it('merges a later BEP 10 handshake, ignores fields it cannot use and closes on undecodable bytes', async () => {
    const { a, b } = await handshaken();
    a.start();
    b.start();
    a.sendExtensionHandshake({ m: { ut_metadata: 3, ut_pex: 4 }, v: 'one' });
    a.sendExtensionHandshake({ m: { ut_pex: 0 } });
    await waitFor(() => b.remoteExtensions?.m.ut_pex === 0, 5000, 'second extension handshake');
    expect(b.remoteExtensions).toMatchObject({ m: { ut_metadata: 3, ut_pex: 0 }, v: 'one' });
    expect(b.sendUtPex({ added: [], dropped: [] })).toBe(false);
    // `m` of the wrong type: ignored, what we knew stays.
    a.sendExtended(0, new TextEncoder().encode('d1:mi5e1:pi7000ee'));
    await waitFor(() => b.remoteExtensions?.p === 7000, 5000, 'third extension handshake');
    expect(b.remoteExtensions).toMatchObject({ m: { ut_metadata: 3, ut_pex: 0 }, v: 'one' });
    const closed = closeOf(b);
    a.sendExtended(0, new TextEncoder().encode('d1:m'));
    expect(await closed).toMatchObject({ code: 'protocol-error', protocolCode: 'truncated' });
  });

  it('skips unknown message ids and malformed ut_metadata / ut_pex messages without closing', async () => {
    const { a, b } = await handshaken();
    a.start();
    b.start();
    const seen: string[] = [];
    b.on('message', (m) => seen.push(m.type));
    const raw = (a as unknown as { socket: net.Socket }).socket;
    raw.write(Uint8Array.of(0, 0, 0, 4, 0x0c, 1, 2, 3)); // id 12: no specification we know
    a.sendExtended(1, new TextEncoder().encode('d8:msg_typei7e5:piecei0ee')); // BEP 9: unknown msg_type
    a.sendExtended(2, new TextEncoder().encode('d5:added5:12345e')); // PEX: 5 bytes is no peer
    a.sendInterested();
    await waitFor(() => seen.includes('interested'), 5000, 'the message after the odd ones');
    expect(b.isClosed).toBe(false);
    expect(b.ignoredMessages).toBe(3);
  });

  it('refuses to send anything before our handshake', async () => {
    const { a } = await connectedPair();
    expect(() => a.sendInterested()).toThrow(/before the handshake/);
    expect(() => a.sendPiece(0, 0, new Uint8Array(1))).toThrow(/before the handshake/);
  });

  it('close() is idempotent and emits once', async () => {
    const { a } = await connectedPair();
    const infos: PeerCloseInfo[] = [];
    a.on('close', (i) => infos.push(i));
    a.close('banned', 'bad data');
    a.close('other');
    expect(infos).toEqual([{ code: 'banned', message: 'bad data' }]);
    expect(a.sendInterested()).toBe(false);
  });

  it('refuses BEP 6 sends when the extension was not negotiated', async () => {
    const { a, b } = await connectedPair();
    b.once('handshake', () =>
      b.sendHandshake(makeHandshake(4, { extensionProtocol: true, fastExtension: false })),
    );
    a.sendHandshake(makeHandshake(4));
    await waitFor(() => a.remoteHandshake !== null, 5000, 'handshake');
    expect(a.fastExtension).toBe(false);
    expect(() => a.sendHaveAll()).toThrow(/fast extension/);
  });

  it('reports a raw encoded handshake + message stream as the same messages', async () => {
    // A peer that writes everything in one buffer (as many clients do).
    const [client, server] = await socketPair();
    sockets.push(client);
    const b = new PeerConnection({ socket: server, direction: 'incoming' });
    open.push(b);
    const hs = makeHandshake(5);
    const got: string[] = [];
    b.once('handshake', () => {
      b.on('message', (m) => got.push(m.type));
      b.sendHandshake(makeHandshake(5));
      b.start();
    });
    client.write(
      Buffer.concat([
        encodeHandshake(hs),
        encodeMessage({ type: 'have-none' }),
        encodeMessage({ type: 'interested' }),
      ]),
    );
    await waitFor(() => got.length === 2, 5000, 'messages');
    expect(got).toEqual(['have-none', 'interested']);
  });
});
