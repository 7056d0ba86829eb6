/**
 * Test support: a raw UDP socket on loopback that speaks to a tracker datagram by
 * datagram, for tests that need bytes a well-behaved client would never send (floods,
 * oversized scrapes, forged connection ids) or a chosen source address.
 */
import { createSocket, type Socket } from 'node:dgram';
import {
  decodeTrackerResponse,
  encodeConnectRequest,
  type TrackerResponse,
} from '../../protocol/udp-tracker/index.ts';

export interface RawTrackerSocket {
  socket: Socket;
  /** Sends `b` as it is (no reply awaited). */
  send: (b: Uint8Array) => void;
  /** Sends `b` with a fresh transaction id and waits (bounded) for its answer; null on time-out. */
  request: (b: Uint8Array, timeoutMs?: number) => Promise<TrackerResponse | null>;
  /** A BEP 15 connect: the connection id the tracker issued to this socket. */
  connect: () => Promise<bigint>;
  close: () => Promise<void>;
}

/** A socket bound to `bindHost` (any port) that talks to the tracker at 127.0.0.1:`trackerPort`. */
export async function openRawTrackerSocket(
  trackerPort: number,
  bindHost = '127.0.0.1',
): Promise<RawTrackerSocket> {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, bindHost, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  // Replies are matched on the request's transaction id: earlier replies may still be in flight.
  let wanted = -1;
  let reply: Uint8Array | undefined;
  let waiter: (() => void) | undefined;
  socket.on('message', (m: Buffer) => {
    if (m.length >= 8 && m.readUInt32BE(4) === wanted && !reply) {
      reply = new Uint8Array(m);
      waiter?.();
    }
  });
  const send = (b: Uint8Array) => socket.send(b, trackerPort, '127.0.0.1');
  let nextTransaction = 0x7000_0000;
  const request = async (b: Uint8Array, timeoutMs = 2000): Promise<TrackerResponse | null> => {
    const bytes = b.slice();
    wanted = nextTransaction++;
    new DataView(bytes.buffer).setUint32(12, wanted);
    reply = undefined;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      waiter = () => {
        clearTimeout(t);
        resolve();
      };
      send(bytes);
    });
    waiter = undefined;
    return reply ? decodeTrackerResponse(reply, 4) : null;
  };
  const connect = async (): Promise<bigint> => {
    const r = await request(encodeConnectRequest({ transactionId: 77 }));
    if (r?.action !== 'connect') throw new Error('no connect response');
    return r.response.connectionId;
  };
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= new Promise<void>((resolve) => socket.close(() => resolve())));
  return { socket, send, request, connect, close };
}
