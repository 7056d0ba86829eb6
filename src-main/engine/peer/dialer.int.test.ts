import { afterEach, describe, expect, it } from 'vitest';
import type { PeerConnection } from './peer-connection.ts';
import { Dialer, DialError } from './dialer.ts';
import { PeerServer } from './peer-server.ts';
import { makeHandshake, waitFor } from './peer-test-support.ts';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A server whose single torrent answers with `answerPeerId` (ours → self-connection). */
async function serve(infoHashByte: number, answerPeerId?: Uint8Array) {
  const ours = makeHandshake(infoHashByte);
  if (answerPeerId) ours.peerId = answerPeerId;
  const accepted: PeerConnection[] = [];
  const server = await PeerServer.listen({
    host: '127.0.0.1',
    port: 0,
    lookup: (h) =>
      h[0] === infoHashByte
        ? (conn) => {
            accepted.push(conn);
            cleanup.push(() => conn.close());
            conn.sendHandshake(ours);
            if (!conn.isClosed) conn.start();
          }
        : undefined,
  });
  cleanup.push(() => server.close());
  return { server, accepted, ours };
}

async function closedPort(): Promise<number> {
  const s = await PeerServer.listen({ host: '127.0.0.1', port: 0, lookup: () => undefined });
  const port = s.port;
  await s.close();
  return port;
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof DialError ? e.code : String(e)),
  );

describe('Dialer', () => {
  it('dials, handshakes and hands back a connection ready to start', async () => {
    const { server, accepted, ours } = await serve(0x10);
    const dialer = new Dialer();
    cleanup.push(() => dialer.close());
    const conn = await dialer.dial({ host: '127.0.0.1', port: server.port, handshake: makeHandshake(0x10) });
    cleanup.push(() => conn.close());
    expect(Buffer.from(conn.remotePeerId!).equals(Buffer.from(ours.peerId))).toBe(true);
    expect(dialer.outgoingCount()).toBe(1);
    expect(dialer.pendingCount).toBe(0);
    const seen: string[] = [];
    accepted[0]!.on('message', (m) => seen.push(m.type));
    conn.start();
    conn.sendInterested();
    await waitFor(() => seen.length === 1, 5000, 'message over dialed connection');
    conn.close();
    expect(dialer.outgoingCount()).toBe(0);
  });

  it('backs off exponentially after failures (injected clock)', async () => {
    let nowMs = 0;
    const dialer = new Dialer({ now: () => nowMs, backoffBaseMs: 1000, backoffMaxMs: 3000 });
    cleanup.push(() => dialer.close());
    const port = await closedPort();
    const req = { host: '127.0.0.1', port, handshake: makeHandshake(0x11) };
    expect(await codeOf(dialer.dial(req))).toBe('connect-failed');
    expect(dialer.retryAtMs('127.0.0.1', port)).toBe(1000);
    expect(await codeOf(dialer.dial(req))).toBe('backoff');
    nowMs = 1000;
    expect(await codeOf(dialer.dial(req))).toBe('connect-failed');
    expect(dialer.retryAtMs('127.0.0.1', port)).toBe(3000); // 1000 + 2000
    nowMs = 3000;
    expect(await codeOf(dialer.dial(req))).toBe('connect-failed');
    expect(dialer.retryAtMs('127.0.0.1', port)).toBe(6000); // capped at 3000
    expect(dialer.outgoingCount()).toBe(0);
  });

  it('never dials a banned address', async () => {
    const { server } = await serve(0x12);
    const dialer = new Dialer({ isBanned: (host, port) => host === '127.0.0.1' && port === server.port });
    cleanup.push(() => dialer.close());
    expect(
      await codeOf(dialer.dial({ host: '127.0.0.1', port: server.port, handshake: makeHandshake(0x12) })),
    ).toBe('banned');
  });

  it('detects ourselves by peer id and never dials that address again', async () => {
    const mine = makeHandshake(0x13);
    const { server } = await serve(0x13, mine.peerId);
    const dialer = new Dialer();
    cleanup.push(() => dialer.close());
    const req = { host: '127.0.0.1', port: server.port, handshake: mine };
    expect(await codeOf(dialer.dial(req))).toBe('self');
    expect(dialer.refusal('127.0.0.1', server.port, 'x')).toBe('self');
    expect(await codeOf(dialer.dial(req))).toBe('self');
  });

  it('never connects to an address marked as our own listen address', async () => {
    const { server, accepted } = await serve(0x1a);
    const dialer = new Dialer();
    cleanup.push(() => dialer.close());
    dialer.markSelf('127.0.0.1', server.port);
    expect(dialer.refusal('127.0.0.1', server.port, 'x')).toBe('self');
    const req = { host: '127.0.0.1', port: server.port, handshake: makeHandshake(0x1a) };
    expect(await codeOf(dialer.dial(req))).toBe('self');
    expect(server.connectionCount).toBe(0);
    expect(accepted).toHaveLength(0);
  });

  it('reports a peer that answers for another torrent as a handshake failure', async () => {
    const { server } = await serve(0x14);
    const dialer = new Dialer();
    cleanup.push(() => dialer.close());
    expect(
      await codeOf(dialer.dial({ host: '127.0.0.1', port: server.port, handshake: makeHandshake(0x15) })),
    ).toBe('handshake-failed');
  });

  it('enforces per-torrent and global limits', async () => {
    const { server } = await serve(0x16);
    const dialer = new Dialer({ maxPerTorrent: 1, maxGlobal: 2 });
    cleanup.push(() => dialer.close());
    const a = await dialer.dial({
      host: '127.0.0.1',
      port: server.port,
      handshake: makeHandshake(0x16),
      torrentKey: 't1',
    });
    cleanup.push(() => a.close());
    const { server: server2 } = await serve(0x16);
    expect(
      await codeOf(
        dialer.dial({
          host: '127.0.0.1',
          port: server2.port,
          handshake: makeHandshake(0x16),
          torrentKey: 't1',
        }),
      ),
    ).toBe('limit-torrent');
    const b = await dialer.dial({
      host: '127.0.0.1',
      port: server2.port,
      handshake: makeHandshake(0x16),
      torrentKey: 't2',
    });
    cleanup.push(() => b.close());
    const { server: server3 } = await serve(0x16);
    expect(
      await codeOf(
        dialer.dial({
          host: '127.0.0.1',
          port: server3.port,
          handshake: makeHandshake(0x16),
          torrentKey: 't3',
        }),
      ),
    ).toBe('limit-global');
    a.close();
    expect(dialer.refusal('127.0.0.1', server3.port, 't3')).toBeNull();
  });

  it('close() aborts dials in progress', async () => {
    const { server } = await serve(0x17);
    const dialer = new Dialer();
    const pending = codeOf(
      dialer.dial({ host: '127.0.0.1', port: server.port, handshake: makeHandshake(0x17) }),
    );
    dialer.close();
    dialer.close();
    expect(await pending).toBe('closed');
    expect(dialer.pendingCount).toBe(0);
    expect(
      await codeOf(dialer.dial({ host: '127.0.0.1', port: server.port, handshake: makeHandshake(0x17) })),
    ).toBe('closed');
  });
});
