// Message Stream Encryption between our own dialer and peer server over real loopback
// sockets: every mode pairing, payload both ways, the plaintext fallback, and what a
// hostile or confused peer gets (a closed socket, never a hang).
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Dialer, DialError } from './dialer.ts';
import type { EncryptionMode } from './encryption.ts';
import type { PeerConnection } from './peer-connection.ts';
import { PeerServer } from './peer-server.ts';
import { makeHandshake, waitFor } from './peer-test-support.ts';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function serve(infoHashByte: number, encryption: EncryptionMode) {
  const ours = makeHandshake(infoHashByte);
  const accepted: PeerConnection[] = [];
  const server = await PeerServer.listen({
    host: '127.0.0.1',
    port: 0,
    encryption,
    infoHashes: () => [ours.infoHash, new Uint8Array(20).fill(0xee)],
    encryptionTimeoutMs: 3000,
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
  return { server, accepted };
}

function dialer(encryption: EncryptionMode): Dialer {
  const d = new Dialer({ encryption, encryptionTimeoutMs: 3000 });
  cleanup.push(() => d.close());
  return d;
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof DialError ? e.code : String(e)),
  );

/** Sends 16 KiB blocks each way (two in one corked run one way) and checks the bytes. */
async function exchangeBlocks(a: PeerConnection, b: PeerConnection): Promise<void> {
  const data = Uint8Array.from({ length: 32768 }, (_, i) => (i * 13) & 0xff);
  const gotA: Uint8Array[] = [];
  const gotB: Uint8Array[] = [];
  a.on('piece', (m) => gotA.push(new Uint8Array(m.block)));
  b.on('piece', (m) => gotB.push(new Uint8Array(m.block)));
  a.start();
  a.sendPieces(
    [
      { index: 0, begin: 0, length: 16384 },
      { index: 0, begin: 16384, length: 16384 },
    ],
    data,
  );
  b.sendPiece(1, 0, data.subarray(0, 16384));
  await waitFor(() => gotA.length === 1 && gotB.length === 2, 10_000, 'blocks both ways');
  expect(Buffer.from(gotA[0]!).equals(Buffer.from(data.subarray(0, 16384)))).toBe(true);
  expect(Buffer.concat(gotB).equals(Buffer.from(data))).toBe(true);
  expect([a.isClosed, b.isClosed]).toEqual([false, false]);
}

describe('Message Stream Encryption over sockets', () => {
  it.each([
    ['require', 'require', 'rc4'],
    // Both allow plaintext: the handshake is obfuscated, the pieces stay plain (cheap).
    ['prefer', 'prefer', 'plaintext'],
    ['prefer', 'require', 'rc4'],
    ['require', 'prefer', 'rc4'],
    ['prefer', 'off', 'none'],
    ['off', 'prefer', 'none'],
  ] as const)(
    'dialer %s → server %s negotiates %s and carries pieces both ways',
    async (out, inc, expected) => {
      const { server, accepted } = await serve(0x21, inc);
      const conn = await dialer(out).dial({
        host: '127.0.0.1',
        port: server.port,
        handshake: makeHandshake(0x21),
      });
      cleanup.push(() => conn.close());
      await waitFor(() => accepted.length === 1, 5000, 'accepted connection');
      expect(conn.encryption).toBe(expected);
      expect(accepted[0]!.encryption).toBe(expected);
      await exchangeBlocks(conn, accepted[0]!);
    },
  );

  it("a 'require' dialer does not fall back to plaintext", async () => {
    const { server, accepted } = await serve(0x22, 'off');
    expect(
      await codeOf(
        dialer('require').dial({ host: '127.0.0.1', port: server.port, handshake: makeHandshake(0x22) }),
      ),
    ).toBe('encryption-failed');
    expect(accepted).toHaveLength(0);
  });

  it("a 'require' server refuses a plaintext handshake", async () => {
    const { server, accepted } = await serve(0x23, 'require');
    expect(
      await codeOf(
        dialer('off').dial({ host: '127.0.0.1', port: server.port, handshake: makeHandshake(0x23) }),
      ),
    ).toBe('handshake-failed');
    expect(accepted).toHaveLength(0);
  });

  it("a 'prefer' dialer remembers a plaintext-only peer and dials it plainly next time", async () => {
    const { server, accepted } = await serve(0x24, 'off');
    const d = dialer('prefer');
    const first = await d.dial({ host: '127.0.0.1', port: server.port, handshake: makeHandshake(0x24) });
    expect(first.encryption).toBe('none');
    first.close();
    const second = await d.dial({ host: '127.0.0.1', port: server.port, handshake: makeHandshake(0x24) });
    cleanup.push(() => second.close());
    expect(second.encryption).toBe('none');
    await waitFor(() => accepted.length === 2, 5000, 'two accepted connections');
  });

  it('an MSE handshake for a torrent we do not have is closed', async () => {
    const { server, accepted } = await serve(0x25, 'prefer');
    expect(
      await codeOf(
        dialer('require').dial({ host: '127.0.0.1', port: server.port, handshake: makeHandshake(0x26) }),
      ),
    ).toBe('encryption-failed');
    expect(accepted).toHaveLength(0);
    await waitFor(() => server.connectionCount === 0, 5000, 'server to drop the socket');
  });

  it('garbage that never syncs is closed once the sync window is past', async () => {
    const { server } = await serve(0x27, 'prefer');
    const socket = net.connect({ host: '127.0.0.1', port: server.port });
    socket.on('error', () => {});
    cleanup.push(() => socket.destroy());
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const answer: Buffer[] = [];
    socket.on('data', (d: Buffer) => answer.push(d));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    // A valid-looking Ya (2), then 600 bytes without HASH('req1', S).
    const ya = new Uint8Array(96);
    ya[95] = 2;
    socket.write(ya);
    socket.write(new Uint8Array(600).fill(7));
    await closed;
    // At most Yb + PadB came back (nothing, when Ya and the noise arrived in one read).
    expect(Buffer.concat(answer).length).toBeLessThanOrEqual(96 + 512);
    await waitFor(() => server.connectionCount === 0, 5000, 'server to drop the socket');
  });
});
