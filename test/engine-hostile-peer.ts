// A hostile seeder for the engine's tests, built from the wire codecs: it claims every
// piece (BEP 6 HAVE ALL), unchokes everyone, and answers every request with random bytes,
// so each piece it sends fails its SHA-1 check.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { encodeHandshake, makeReserved } from '../src-main/protocol/wire/handshake.ts';
import { encodeMessage, encodePieceHeader } from '../src-main/protocol/wire/messages.ts';
import { generatePeerId } from '../src-main/protocol/wire/peer-id.ts';
import { WireDecoder } from '../src-main/protocol/wire/wire-decoder.ts';

export interface HostilePeer {
  port: number;
  /** Garbage blocks sent so far. */
  blocksSent(): number;
  /** Connections accepted so far (a banned peer is not dialed again). */
  connections(): number;
  close(): Promise<void>;
}

export async function startHostilePeer(infoHash: Uint8Array): Promise<HostilePeer> {
  let blocks = 0;
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const decoder = new WireDecoder({
      onHandshake: () => {
        socket.write(encodeHandshake({ reserved: makeReserved({ fastExtension: true }), infoHash, peerId: generatePeerId('-XX0001-') }));
        socket.write(encodeMessage({ type: 'have-all' }));
        socket.write(encodeMessage({ type: 'unchoke' }));
      },
      onMessage: (msg) => {
        if (msg.type !== 'request') return;
        blocks++;
        socket.write(encodePieceHeader(msg.index, msg.begin, msg.length));
        socket.write(randomBytes(msg.length));
      },
    });
    socket.on('data', (chunk) => {
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
    blocksSent: () => blocks,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
