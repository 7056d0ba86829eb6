// A hostile seeder for the engine's tests, built from the wire codecs: it claims every
// piece (BEP 6 HAVE ALL), unchokes everyone, and answers every request with random bytes,
// so each piece it sends fails its SHA-1 check.
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { encodeHandshake, makeReserved } from '../src-main/protocol/wire/handshake.ts';
import { encodeMessage, encodePieceHeader } from '../src-main/protocol/wire/messages.ts';
import { generatePeerId } from '../src-main/protocol/wire/peer-id.ts';
import { WireDecoder } from '../src-main/protocol/wire/wire-decoder.ts';
import {
  decodeExtensionHandshake,
  encodeExtensionHandshake,
} from '../src-main/protocol/wire/extension-handshake.ts';
import {
  decodeUtMetadata,
  encodeUtMetadata,
  METADATA_PIECE_BYTES,
} from '../src-main/protocol/wire/ut-metadata.ts';

export interface HostilePeer {
  port: number;
  /** The peer id it answers every connection with. */
  peerId: Uint8Array;
  /** Garbage blocks sent so far. */
  blocksSent(): number;
  /**
   * Connections that opened with a BitTorrent handshake so far (a banned peer is not
   * dialed again). An MSE attempt, which this plaintext-only peer drops, is not one.
   */
  connections(): number;
  close(): Promise<void>;
}

type ScriptedServer = Omit<HostilePeer, 'blocksSent' | 'peerId'>;

const BT_PREFIX = Buffer.from('\x13BitTorrent protocol', 'latin1');

/**
 * A TCP server on 127.0.0.1 (ephemeral port) that feeds each connection's bytes to the
 * decoder `script` builds for that socket; a malformed message drops the connection.
 */
async function listenScripted(script: (socket: net.Socket) => WireDecoder): Promise<ScriptedServer> {
  let handshaken = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const decoder = script(socket);
    let head: Buffer | null = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      if (head) {
        head = Buffer.concat([head, chunk]);
        if (head.length >= BT_PREFIX.length) {
          if (head.subarray(0, BT_PREFIX.length).equals(BT_PREFIX)) handshaken++;
          head = null;
        }
      }
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
    connections: () => handshaken,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A seeder's opening: our handshake (fast extension on), HAVE ALL, UNCHOKE. */
function greetAsSeeder(socket: net.Socket, infoHash: Uint8Array, peerId: Uint8Array): void {
  socket.write(encodeHandshake({ reserved: makeReserved({ fastExtension: true }), infoHash, peerId }));
  socket.write(encodeMessage({ type: 'have-all' }));
  socket.write(encodeMessage({ type: 'unchoke' }));
}

export async function startHostilePeer(infoHash: Uint8Array): Promise<HostilePeer> {
  let blocks = 0;
  const peerId = generatePeerId('-XX0001-');
  const server = await listenScripted(
    (socket) =>
      new WireDecoder({
        onHandshake: () => greetAsSeeder(socket, infoHash, peerId),
        onMessage: (msg) => {
          if (msg.type !== 'request') return;
          blocks++;
          socket.write(encodePieceHeader(msg.index, msg.begin, msg.length));
          socket.write(randomBytes(msg.length));
        },
      }),
  );
  return { ...server, peerId, blocksSent: () => blocks };
}

/**
 * A peer that has nothing but the info dictionary `infoBytes` and hands it out over BEP 9
 * (any info dict: the tests give it one whose paths try to leave the download folder).
 */
export async function startMetadataPeer(infoBytes: Uint8Array): Promise<HostilePeer> {
  const infoHash = new Uint8Array(createHash('sha1').update(infoBytes).digest());
  const server = await listenScripted((socket) => {
    let theirMetadataId = 0;
    return new WireDecoder(
      {
        onHandshake: () => {
          socket.write(
            encodeHandshake({
              reserved: makeReserved({ extensionProtocol: true }),
              infoHash,
              peerId: generatePeerId('-XX0001-'),
            }),
          );
          socket.write(
            encodeMessage({
              type: 'extended',
              extId: 0,
              payload: encodeExtensionHandshake({
                m: { ut_metadata: 3 },
                metadataSizeBytes: infoBytes.length,
              }),
            }),
          );
        },
        onMessage: (msg) => {
          if (msg.type !== 'extended') return;
          if (msg.extId === 0) {
            theirMetadataId = decodeExtensionHandshake(msg.payload).m.ut_metadata ?? 0;
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
        },
      },
      { fastExtension: false },
    );
  });
  return { ...server, peerId: generatePeerId('-XX0001-'), blocksSent: () => 0 };
}

export interface DialInResult {
  /** The target sent its handshake back (it accepted us). */
  answered: boolean;
  /** The target closed the connection within the wait. */
  closed: boolean;
}

/**
 * Dials `port` on 127.0.0.1 as peer `peerId` and watches for `waitMs`: does the target
 * answer the handshake, and does it close the connection? With `listenPort` it also sends
 * a BEP 10 handshake naming that listen port (`p`) once the target's handshake arrives.
 */
export function dialInAs(o: {
  port: number;
  infoHash: Uint8Array;
  peerId: Uint8Array;
  listenPort?: number;
  waitMs: number;
}): Promise<DialInResult> {
  return new Promise((resolve) => {
    const result: DialInResult = { answered: false, closed: false };
    const socket = net.connect({ host: '127.0.0.1', port: o.port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(result);
    }, o.waitMs);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      result.closed = true;
      resolve(result);
    });
    const decoder = new WireDecoder({
      onHandshake: () => {
        result.answered = true;
        if (o.listenPort === undefined) return;
        const payload = encodeExtensionHandshake({ m: { ut_metadata: 3 }, p: o.listenPort });
        socket.write(encodeMessage({ type: 'extended', extId: 0, payload }));
      },
      onMessage: () => undefined,
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk);
      } catch {
        socket.destroy();
      }
    });
    socket.on('connect', () =>
      socket.write(
        encodeHandshake({
          reserved: makeReserved({ extensionProtocol: true, fastExtension: true }),
          infoHash: o.infoHash,
          peerId: o.peerId,
        }),
      ),
    );
  });
}

export interface IdlePeers {
  /** Connections whose handshake the target answered. */
  answered(): number;
  /** Connections still open. */
  open(): number;
  close(): void;
}

/**
 * `count` raw connections to `port` on 127.0.0.1 that complete the BitTorrent handshake for
 * `infoHash` and then send nothing but keep-alives (one a second): connections that hold
 * a slot and give nothing. Connection i comes from `localAddress(i)` (another 127.x
 * address lets a test play many hosts; one address plays one host).
 */
export function openIdlePeers(o: {
  port: number;
  infoHash: Uint8Array;
  count: number;
  localAddress: (i: number) => string;
}): IdlePeers {
  const sockets = new Set<net.Socket>();
  let answered = 0;
  const handshake = (peerId: Uint8Array) =>
    encodeHandshake({ reserved: makeReserved({ fastExtension: true }), infoHash: o.infoHash, peerId });
  const keepAlive = encodeMessage({ type: 'keep-alive' });
  const timer = setInterval(() => {
    for (const s of sockets) if (!s.destroyed) s.write(keepAlive);
  }, 1000);
  for (let i = 0; i < o.count; i++) {
    const socket = net.connect({ host: '127.0.0.1', port: o.port, localAddress: o.localAddress(i) });
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    let got = 0;
    socket.on('data', (chunk: Buffer) => {
      if (got < 68 && got + chunk.length >= 68) answered++;
      got += chunk.length;
    });
    socket.on('connect', () => socket.write(handshake(generatePeerId('-XX0001-'))));
  }
  return {
    answered: () => answered,
    open: () => sockets.size,
    close: () => {
      clearInterval(timer);
      for (const s of sockets) s.destroy();
    },
  };
}

/**
 * A seeder that announces its pieces the way aria2 does when many finish at once: HAVE
 * NONE, a HAVE, then a BITFIELD of everything (BEP 3 wants the bitfield first; aria2
 * sends it late). It serves every request from `data` and unchokes everyone.
 */
export async function startLateBitfieldSeeder(o: {
  infoHash: Uint8Array;
  data: Uint8Array;
  pieceLengthBytes: number;
}): Promise<HostilePeer> {
  const pieceCount = Math.ceil(o.data.length / o.pieceLengthBytes);
  const all = new Uint8Array(Math.ceil(pieceCount / 8));
  for (let i = 0; i < pieceCount; i++) all[i >> 3]! |= 0x80 >> (i & 7);
  let blocks = 0;
  const peerId = generatePeerId('-AR1360-');
  const server = await listenScripted(
    (socket) =>
      new WireDecoder({
        onHandshake: () => {
          socket.write(
            encodeHandshake({
              reserved: makeReserved({ fastExtension: true }),
              infoHash: o.infoHash,
              peerId,
            }),
          );
          socket.write(encodeMessage({ type: 'have-none' }));
          socket.write(encodeMessage({ type: 'have', index: pieceCount - 1 }));
          socket.write(encodeMessage({ type: 'bitfield', bytes: all }));
          socket.write(encodeMessage({ type: 'unchoke' }));
        },
        onMessage: (msg) => {
          if (msg.type !== 'request') return;
          const start = msg.index * o.pieceLengthBytes + msg.begin;
          blocks++;
          socket.write(
            encodeMessage({
              type: 'piece',
              index: msg.index,
              begin: msg.begin,
              block: o.data.subarray(start, start + msg.length),
            }),
          );
        },
      }),
  );
  return { ...server, peerId, blocksSent: () => blocks };
}

/**
 * Dials `port` as a leecher that announces HAVE NONE, a HAVE, then a BITFIELD (aria2's
 * order), says it is interested and, once unchoked, requests the first block of `piece`.
 * Resolves with that block, or rejects when the connection closes first.
 */
export function fetchBlockAfterLateBitfield(o: {
  port: number;
  infoHash: Uint8Array;
  pieceCount: number;
  piece: number;
  timeoutMs: number;
}): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: o.port });
    const fail = (why: string) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new Error(why));
    };
    const timer = setTimeout(() => fail('no block within the time-out'), o.timeoutMs);
    socket.on('error', () => undefined);
    socket.on('close', () => fail('the peer closed the connection'));
    const mine = new Uint8Array(Math.ceil(o.pieceCount / 8));
    mine[0] = 0b1100_0000; // pieces 0 and 1
    const decoder = new WireDecoder({
      onHandshake: () => {
        socket.write(encodeMessage({ type: 'have-none' }));
        socket.write(encodeMessage({ type: 'have', index: 0 }));
        socket.write(encodeMessage({ type: 'bitfield', bytes: mine }));
        socket.write(encodeMessage({ type: 'interested' }));
      },
      onMessage: (msg) => {
        if (msg.type === 'unchoke')
          socket.write(encodeMessage({ type: 'request', index: o.piece, begin: 0, length: 16 * 1024 }));
        else if (msg.type === 'piece' && msg.index === o.piece) {
          clearTimeout(timer);
          socket.removeAllListeners('close');
          socket.destroy();
          resolve(msg.block.slice());
        }
      },
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk);
      } catch (err) {
        fail(String(err));
      }
    });
    socket.on('connect', () =>
      socket.write(
        encodeHandshake({
          reserved: makeReserved({ fastExtension: true }),
          infoHash: o.infoHash,
          peerId: generatePeerId('-AR1360-'),
        }),
      ),
    );
  });
}

export interface StrictMetadataSeeder extends HostilePeer {
  /** ut_metadata requests that arrived while another was still pending (and were ignored). */
  ignoredRequests(): number;
  /** ut_metadata pieces sent. */
  metadataPiecesSent(): number;
}

/**
 * A seeder that hands out its metadata the way rtorrent does: one ut_metadata request at
 * a time, answered after `answerDelayMs`, and any request that arrives meanwhile ignored
 * in silence. It has every piece of `data` (HAVE ALL), unchokes everyone and serves it.
 */
export async function startStrictMetadataSeeder(o: {
  infoBytes: Uint8Array;
  data: Uint8Array;
  pieceLengthBytes: number;
  answerDelayMs: number;
}): Promise<StrictMetadataSeeder> {
  const infoHash = new Uint8Array(createHash('sha1').update(o.infoBytes).digest());
  const peerId = generatePeerId('-RT0980-');
  let blocks = 0;
  let ignored = 0;
  let metadataSent = 0;
  const server = await listenScripted((socket) => {
    let theirMetadataId = 0;
    let pending = false;
    const answer = (piece: number) => {
      const data = o.infoBytes.subarray(piece * METADATA_PIECE_BYTES, (piece + 1) * METADATA_PIECE_BYTES);
      const payload = encodeUtMetadata({ type: 'data', piece, totalSizeBytes: o.infoBytes.length, data });
      if (!socket.destroyed)
        socket.write(encodeMessage({ type: 'extended', extId: theirMetadataId, payload }));
      metadataSent++;
      pending = false;
    };
    return new WireDecoder({
      onHandshake: () => {
        socket.write(
          encodeHandshake({
            reserved: makeReserved({ extensionProtocol: true, fastExtension: true }),
            infoHash,
            peerId,
          }),
        );
        socket.write(
          encodeMessage({
            type: 'extended',
            extId: 0,
            payload: encodeExtensionHandshake({
              m: { ut_metadata: 3 },
              metadataSizeBytes: o.infoBytes.length,
            }),
          }),
        );
        socket.write(encodeMessage({ type: 'have-all' }));
        socket.write(encodeMessage({ type: 'unchoke' }));
      },
      onMessage: (msg) => {
        if (msg.type === 'request') {
          const start = msg.index * o.pieceLengthBytes + msg.begin;
          blocks++;
          socket.write(
            encodeMessage({
              type: 'piece',
              index: msg.index,
              begin: msg.begin,
              block: o.data.subarray(start, start + msg.length),
            }),
          );
          return;
        }
        if (msg.type !== 'extended') return;
        if (msg.extId === 0) {
          theirMetadataId = decodeExtensionHandshake(msg.payload).m.ut_metadata ?? 0;
          return;
        }
        const m = decodeUtMetadata(msg.payload);
        if (m.type !== 'request' || !theirMetadataId) return;
        if (pending) {
          ignored++;
          return;
        }
        pending = true;
        setTimeout(() => answer(m.piece), o.answerDelayMs);
      },
    });
  });
  return {
    ...server,
    peerId,
    blocksSent: () => blocks,
    ignoredRequests: () => ignored,
    metadataPiecesSent: () => metadataSent,
  };
}

export interface OneBadPiecePeer extends HostilePeer {
  /** REQUESTs received for the bad piece, over every connection. */
  requestsForBadPiece(): number;
}

/**
 * A seeder that is honest except for one piece: it claims every piece (HAVE ALL), serves
 * `payload`'s real bytes, and answers requests for `badPiece` with random bytes (as a
 * seeder whose file changed on disk would).
 */
export async function startOneBadPiecePeer(
  infoHash: Uint8Array,
  payload: Uint8Array,
  pieceLengthBytes: number,
  badPiece: number,
): Promise<OneBadPiecePeer> {
  let blocks = 0;
  let badRequests = 0;
  const peerId = generatePeerId('-XX0001-');
  const server = await listenScripted(
    (socket) =>
      new WireDecoder({
        onHandshake: () => greetAsSeeder(socket, infoHash, peerId),
        onMessage: (msg) => {
          if (msg.type !== 'request') return;
          blocks++;
          const start = msg.index * pieceLengthBytes + msg.begin;
          const bytes =
            msg.index === badPiece ? randomBytes(msg.length) : payload.subarray(start, start + msg.length);
          if (msg.index === badPiece) badRequests++;
          socket.write(encodePieceHeader(msg.index, msg.begin, msg.length));
          socket.write(bytes);
        },
      }),
  );
  return { ...server, peerId, blocksSent: () => blocks, requestsForBadPiece: () => badRequests };
}
