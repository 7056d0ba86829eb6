import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeHandshake, type Handshake } from '../../protocol/wire/handshake.ts';
import { encodeMessage } from '../../protocol/wire/messages.ts';
import { PeerConnection, type PeerCloseInfo } from './peer-connection.ts';
import { PeerServer, PeerServerError, type PeerAcceptor } from './peer-server.ts';
import { makeHandshake, waitFor } from './peer-test-support.ts';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A torrent stand-in: accepts, answers the handshake, records messages per connection. */
function torrent(infoHashByte: number) {
  const ours = makeHandshake(infoHashByte);
  const accepted: { conn: PeerConnection; messages: string[] }[] = [];
  const acceptor: PeerAcceptor = (conn) => {
    const entry = { conn, messages: [] as string[] };
    accepted.push(entry);
    conn.on('message', (m) => entry.messages.push(m.type));
    conn.sendHandshake(ours);
    conn.start();
    cleanup.push(() => conn.close());
  };
  return { ours, accepted, acceptor };
}

async function startServer(
  torrents: ReturnType<typeof torrent>[],
  extra: Partial<Parameters<typeof PeerServer.listen>[0]> = {},
) {
  const byHash = new Map(torrents.map((t) => [hexOf(t.ours.infoHash), t.acceptor]));
  const server = await PeerServer.listen({
    host: '127.0.0.1',
    port: 0,
    lookup: (h) => byHash.get(hexOf(h)),
    ...extra,
  });
  cleanup.push(() => server.close());
  return server;
}

/** A raw client socket that records whether the server closed it. */
async function rawClient(port: number) {
  const socket = net.connect({ host: '127.0.0.1', port });
  cleanup.push(() => socket.destroy());
  const state = { closed: false, received: [] as Buffer[] };
  socket.on('data', (d) => state.received.push(d));
  socket.on('close', () => (state.closed = true));
  socket.on('error', () => {});
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  return { socket, state };
}

async function dialAs(port: number, hs: Handshake) {
  const { socket } = await rawClient(port);
  const conn = new PeerConnection({ socket, direction: 'outgoing' });
  cleanup.push(() => conn.close());
  conn.sendHandshake(hs);
  await waitFor(() => conn.remoteHandshake !== null || conn.isClosed, 5000, 'server handshake');
  return conn;
}

describe('PeerServer', () => {
  it('routes two torrents by info-hash and closes unknown hashes', async () => {
    const t1 = torrent(0x11);
    const t2 = torrent(0x22);
    const server = await startServer([t1, t2]);
    expect(server.port).toBeGreaterThan(0);

    const c1 = await dialAs(server.port, makeHandshake(0x11));
    const c2 = await dialAs(server.port, makeHandshake(0x22));
    expect(hexOf(c1.remoteHandshake!.infoHash)).toBe(hexOf(t1.ours.infoHash));
    expect(hexOf(c2.remoteHandshake!.peerId)).toBe(hexOf(t2.ours.peerId));
    c1.start();
    c2.start();
    c1.sendInterested();
    c2.sendHave(3);
    await waitFor(
      () => t1.accepted[0]?.messages.length === 1 && t2.accepted[0]?.messages.length === 1,
      5000,
      'routed messages',
    );
    expect(t1.accepted[0]!.messages).toEqual(['interested']);
    expect(t2.accepted[0]!.messages).toEqual(['have']);

    const unknown = await rawClient(server.port);
    unknown.socket.write(encodeHandshake(makeHandshake(0x33)));
    await waitFor(() => unknown.state.closed, 5000, 'unknown hash closed');
    expect(Buffer.concat(unknown.state.received).length).toBe(0);
    expect(server.connectionCount).toBe(2);
  });

  it('closes one malformed connection and keeps serving the others', async () => {
    const t1 = torrent(0x44);
    const server = await startServer([t1]);
    const good = await dialAs(server.port, makeHandshake(0x44));
    good.start();

    const bad = await rawClient(server.port);
    bad.socket.write(
      Buffer.concat([encodeHandshake(makeHandshake(0x44)), Buffer.from([0xff, 0xff, 0xff, 0xff, 5])]),
    );
    const closes: PeerCloseInfo[] = [];
    await waitFor(() => t1.accepted.length === 2, 5000, 'bad peer routed');
    t1.accepted[1]!.conn.on('close', (i) => closes.push(i));
    await waitFor(() => bad.state.closed, 5000, 'malformed peer closed');
    expect(t1.accepted[1]!.conn.closeReason).toMatchObject({
      code: 'protocol-error',
      protocolCode: 'too-large',
    });

    good.sendInterested();
    await waitFor(() => t1.accepted[0]!.messages.length === 1, 5000, 'good peer still served');
    const later = await dialAs(server.port, makeHandshake(0x44));
    expect(later.isClosed).toBe(false);
    expect(later.remoteHandshake).not.toBeNull();
  });

  it('closes a connection that never sends its handshake', async () => {
    const server = await startServer([torrent(0x55)], { connection: { handshakeTimeoutMs: 200 } });
    const silent = await rawClient(server.port);
    await waitFor(() => silent.state.closed, 5000, 'silent client closed');
    expect(server.connectionCount).toBe(0);
  });

  it('enforces the connection cap', async () => {
    const t = torrent(0x66);
    const server = await startServer([t], { maxConnections: 1 });
    await dialAs(server.port, makeHandshake(0x66));
    const second = await rawClient(server.port);
    await waitFor(() => second.state.closed, 5000, 'over-cap client closed');
    expect(server.connectionCount).toBe(1);
  });

  it('refuses a host past its pending-handshake cap while other hosts still get in', async () => {
    const t = torrent(7);
    const server = await startServer([t], { maxPendingPerIp: 2 });
    const silent = [await rawClient(server.port), await rawClient(server.port)];
    await waitFor(() => server.connectionCount === 2, 2000, 'two pending connections');
    const third = await rawClient(server.port);
    await waitFor(() => third.state.closed, 2000, 'third connection from the same host closed');
    expect(silent.every((c) => !c.state.closed)).toBe(true);
    // Another address is not affected, and a handshake frees its host's pending slot.
    const other = net.connect({ host: '127.0.0.1', port: server.port, localAddress: '127.0.0.2' });
    cleanup.push(() => other.destroy());
    other.on('error', () => {});
    await new Promise<void>((resolve) => other.once('connect', resolve));
    other.write(encodeHandshake(makeHandshake(7)));
    await waitFor(() => t.accepted.length === 1, 2000, 'the other host accepted');
    silent[0]!.socket.write(encodeHandshake(makeHandshake(7)));
    await waitFor(() => t.accepted.length === 2, 2000, 'a pending handshake completed');
    const fourth = await rawClient(server.port);
    await new Promise((r) => setTimeout(r, 100));
    expect(fourth.state.closed).toBe(false);
  });

  it('reports a port in use with a typed error', async () => {
    const server = await startServer([]);
    const err = await PeerServer.listen({
      host: '127.0.0.1',
      port: server.port,
      lookup: () => undefined,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PeerServerError);
    expect((err as PeerServerError).code).toBe('port-in-use');
  });

  it('close() is idempotent and stops accepting', async () => {
    const server = await startServer([]);
    const port = server.port;
    const pending = await rawClient(port);
    await waitFor(() => server.connectionCount === 1, 5000, 'pending connection');
    await server.close();
    await server.close();
    await waitFor(() => pending.state.closed, 5000, 'pending closed');
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.on('connect', () => (s.destroy(), resolve(false)));
      s.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });

  it('answers a peer that sends handshake and messages in one write', async () => {
    const t = torrent(0x77);
    const server = await startServer([t]);
    const client = await rawClient(server.port);
    client.socket.write(
      Buffer.concat([
        encodeHandshake(makeHandshake(0x77)),
        encodeMessage({ type: 'interested' }),
        encodeMessage({ type: 'have', index: 1 }),
      ]),
    );
    await waitFor(() => t.accepted[0]?.messages.length === 2, 5000, 'messages after handshake');
    expect(t.accepted[0]!.messages).toEqual(['interested', 'have']);
    await waitFor(() => Buffer.concat(client.state.received).length >= 68, 5000, 'our handshake');
  });
});
