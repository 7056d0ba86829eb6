// UDP tracker load generator (BEP 15), the same for every tracker measured: connect once,
// then keep a bounded window of announces in flight (random peer ids and ports, info-hashes
// drawn from a given pool), counting answers, their latency and the ones never answered.
// Uses the project's own codec, so a wrong encoding would show up as errors here too.
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes, randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  Action,
  decodeAnnounceResponse,
  decodeConnectResponse,
  encodeAnnounceRequest,
  encodeConnectRequest,
  peekResponseHeader,
} from '../src-main/protocol/udp-tracker/index.ts';

export interface TrackerLoadOptions {
  host: string;
  port: number;
  durationMs: number;
  /** Announces in flight at once. */
  window: number;
  /** An announce unanswered after this long counts as lost (and its slot is reused). */
  timeoutMs: number;
  infoHashes: Uint8Array[];
}

export interface TrackerLoadResult {
  sent: number;
  answered: number;
  /** Error responses (BEP 15 action 3), e.g. a hash the tracker does not serve. */
  errors: number;
  lost: number;
  answeredPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

const PEER_ID_POOL = 4096;
const RAMP_BURST = 32;

export async function trackerLoad(o: TrackerLoadOptions): Promise<TrackerLoadResult> {
  if (o.infoHashes.length === 0) throw new Error('tracker load needs at least one info-hash');
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.setRecvBufferSize(8 * 1024 * 1024);
  try {
    const connectionId = await connect(socket, o, 3, 1000);
    return await announceLoop(socket, o, connectionId);
  } finally {
    socket.close();
  }
}

/** Resolves once the tracker answers a BEP 15 connect (it is up), else rejects. */
export async function waitForUdpTracker(host: string, port: number, timeoutMs: number): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    await connect(socket, { host, port }, Math.max(1, Math.ceil(timeoutMs / 200)), 200);
  } finally {
    socket.close();
  }
}

async function connect(
  socket: Socket,
  o: { host: string; port: number },
  attempts: number,
  waitMs: number,
): Promise<bigint> {
  // BEP 15 retransmits after 15·2ⁿ s; on loopback a few short tries say enough.
  for (let attempt = 0; attempt < attempts; attempt++) {
    const transactionId = randomInt(2 ** 32);
    const answer = new Promise<bigint | undefined>((resolve) => {
      const timer = setTimeout(() => {
        socket.off('message', onMessage);
        resolve(undefined);
      }, waitMs);
      const onMessage = (msg: Buffer): void => {
        try {
          const res = decodeConnectResponse(msg);
          if (res.transactionId !== transactionId) return;
          clearTimeout(timer);
          socket.off('message', onMessage);
          resolve(res.connectionId);
        } catch {
          // Not a connect response: ignore.
        }
      };
      socket.on('message', onMessage);
    });
    socket.send(encodeConnectRequest({ transactionId }), o.port, o.host);
    const id = await answer;
    if (id !== undefined) return id;
  }
  throw new Error(`no connect response from ${o.host}:${o.port}`);
}

function announceLoop(
  socket: Socket,
  o: TrackerLoadOptions,
  connectionId: bigint,
): Promise<TrackerLoadResult> {
  const peerIds = Array.from({ length: PEER_ID_POOL }, () => randomBytes(20));
  const inFlight = new Map<number, number>(); // transaction id → sent at (ms)
  const latencies: number[] = [];
  let sent = 0;
  let answered = 0;
  let errors = 0;
  let lost = 0;
  let nextTx = randomInt(2 ** 31);
  const start = performance.now();
  const end = start + o.durationMs;
  let answeredBeforeEnd = 0;

  const sendOne = (): void => {
    const transactionId = (nextTx = (nextTx + 1) >>> 0);
    const packet = encodeAnnounceRequest({
      connectionId,
      transactionId,
      infoHash: o.infoHashes[randomInt(o.infoHashes.length)]!,
      peerId: peerIds[randomInt(PEER_ID_POOL)]!,
      downloaded: 0,
      left: 1,
      uploaded: 0,
      event: 'started',
      ip: null,
      key: transactionId,
      numWant: 50,
      port: 1024 + randomInt(64_000),
    });
    inFlight.set(transactionId, performance.now());
    sent++;
    socket.send(packet, o.port, o.host);
  };

  return new Promise((resolve) => {
    // At most a few sends per event, so the window fills over ~100 ms instead of one burst
    // of `window` datagrams that would overflow a default socket buffer and count as lost.
    const refill = (): void => {
      for (let burst = 0; burst < RAMP_BURST && inFlight.size < o.window && performance.now() < end; burst++)
        sendOne();
    };
    socket.on('message', (msg) => {
      let header: { action: number; transactionId: number };
      try {
        header = peekResponseHeader(msg);
      } catch {
        return;
      }
      const sentAt = inFlight.get(header.transactionId);
      if (sentAt === undefined) return; // late answer to one already counted lost
      inFlight.delete(header.transactionId);
      const now = performance.now();
      if (header.action === Action.announce) {
        try {
          decodeAnnounceResponse(msg, 4);
          answered++;
          if (now <= end) answeredBeforeEnd++;
          latencies.push(now - sentAt);
        } catch {
          errors++;
        }
      } else {
        errors++;
      }
      refill();
    });
    const sweep = setInterval(() => {
      const now = performance.now();
      for (const [tx, at] of inFlight) {
        if (now - at > o.timeoutMs) {
          inFlight.delete(tx);
          lost++;
        }
      }
      if (now < end) refill();
      else if (inFlight.size === 0 || now > end + o.timeoutMs) {
        clearInterval(sweep);
        lost += inFlight.size;
        inFlight.clear();
        latencies.sort((a, b) => a - b);
        const pick = (q: number): number =>
          latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
        resolve({
          sent,
          answered,
          errors,
          lost,
          answeredPerSec: answeredBeforeEnd / (o.durationMs / 1000),
          p50Ms: pick(0.5),
          p99Ms: pick(0.99),
        });
      }
    }, 5);
    refill();
  });
}
