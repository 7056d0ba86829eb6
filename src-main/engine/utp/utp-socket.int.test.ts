// uTP over real UDP sockets on 127.0.0.1: ordered delivery both ways, FIN and RESET, the
// datagram routing on the shared port, and recovery through a relay that loses,
// reorders and delays datagrams (real sockets on both sides of it).
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UTP_ST_DATA, decodeUtpPacket } from '../../protocol/utp/utp-header.ts';
import { waitFor } from '../peer/peer-test-support.ts';
import { UtpError, type UtpConnection } from './utp-connection.ts';
import { UtpSocket } from './utp-socket.ts';
import { MAX_UTP_PAYLOAD_BYTES, type LinkSource } from './path-mtu.ts';
import { nativeUdpUnavailable } from '../../net/datagram-port.ts';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** The socket kind the tests below bind (net/datagram-port.ts); each describe sets it. */
let io: 'native' | 'dgram' | 'auto' = 'auto';

async function bind(links?: LinkSource): Promise<UtpSocket> {
  const s = await UtpSocket.bind({ host: '127.0.0.1', port: 0, io, ...(links ? { links } : {}) });
  cleanup.push(() => s.close());
  return s;
}

/**
 * The suites that run over both socket kinds. Without the native socket (not built on
 * this system: the reason is in the skipped suite's name) only dgram's run.
 */
const whyNoNative = nativeUdpUnavailable();
const socketKinds = [
  {
    kind: 'native' as const,
    skip: whyNoNative !== null,
    title: whyNoNative ? `native: skipped, ${whyNoNative}` : 'native',
  },
  { kind: 'dgram' as const, skip: false, title: 'dgram' },
];
function overEachSocketKind(title: string, body: () => void): void {
  for (const k of socketKinds) {
    describe.skipIf(k.skip)(`${title} (${k.title})`, () => {
      beforeEach(() => {
        io = k.kind;
      });
      afterEach(() => {
        io = 'auto';
      });
      body();
    });
  }
}

const connected = (conn: UtpConnection) =>
  new Promise<void>((resolve, reject) => {
    conn.once('connect', resolve);
    conn.once('error', reject);
  });

/** Everything `conn` receives until 'end'. */
const readAll = (conn: UtpConnection) =>
  new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    conn.on('data', (d: Buffer) => parts.push(Buffer.from(d)));
    conn.once('end', () => resolve(Buffer.concat(parts)));
    conn.once('error', reject);
  });

/** Writes `data` in 16 KiB chunks honouring back-pressure. */
async function writeChunks(conn: UtpConnection, data: Uint8Array): Promise<void> {
  for (let i = 0; i < data.length; i += 16384) {
    if (!conn.write(data.subarray(i, i + 16384))) await new Promise((r) => conn.once('drain', r));
  }
}

/** Writes `data`, then ends. */
async function writeAll(conn: UtpConnection, data: Uint8Array): Promise<void> {
  await writeChunks(conn, data);
  conn.end();
}

/** The first `n` bytes `conn` receives. */
const readBytes = (conn: UtpConnection, n: number) =>
  new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    let got = 0;
    conn.on('data', (d: Buffer) => {
      parts.push(Buffer.from(d));
      got += d.length;
      if (got >= n) resolve(Buffer.concat(parts));
    });
    conn.once('error', reject);
  });

/** Accepted connections of `s`, in order. */
function accepted(s: UtpSocket): UtpConnection[] {
  const list: UtpConnection[] = [];
  s.onConnection = (conn) => list.push(conn);
  return list;
}

overEachSocketKind('uTP connection over loopback', () => {
  it('carries bytes in order both ways at once, then a FIN closes both ends', async () => {
    const [a, b] = [await bind(), await bind()];
    const incoming = accepted(b);
    const dialed = a.connect('127.0.0.1', b.port);
    await connected(dialed);
    await waitFor(() => incoming.length === 1, 5000, 'accepted connection');
    const there = incoming[0]!;
    expect([there.remoteAddress, there.remotePort]).toEqual(['127.0.0.1', a.port]);
    const up = crypto.randomBytes(3 * 1024 * 1024 + 7);
    const down = crypto.randomBytes(1024 * 1024 + 3);
    const [gotThere, gotHere] = await Promise.all([
      readBytes(there, up.length),
      readBytes(dialed, down.length),
      writeChunks(dialed, up),
      writeChunks(there, down),
    ]);
    expect(gotThere.equals(up)).toBe(true);
    expect(gotHere.equals(down)).toBe(true);
    // As on a socket without half-open: the end that gets a FIN ends its side too.
    const ended = new Promise((resolve) => there.once('end', resolve));
    dialed.end();
    await ended;
    await waitFor(() => dialed.destroyed && there.destroyed, 10_000, 'both ends closed');
    expect(a.connectionCount + b.connectionCount).toBe(0);
  });

  it('a SYN to a socket that takes no connections is refused with ECONNREFUSED', async () => {
    const [a, b] = [await bind(), await bind()];
    const conn = a.connect('127.0.0.1', b.port);
    const err = await connected(conn).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UtpError);
    expect((err as UtpError).code).toBe('ECONNREFUSED');
  });

  it('destroying one end resets the other with ECONNRESET', async () => {
    const [a, b] = [await bind(), await bind()];
    const incoming = accepted(b);
    const dialed = a.connect('127.0.0.1', b.port);
    await connected(dialed);
    await waitFor(() => incoming.length === 1);
    const errors: string[] = [];
    incoming[0]!.on('error', (e: UtpError) => errors.push(e.code));
    dialed.destroy();
    await waitFor(() => incoming[0]!.destroyed, 5000, 'reset');
    expect(errors).toEqual(['ECONNRESET']);
  });

  it('routes bencoded datagrams to onOtherDatagram and drops and counts the rest', async () => {
    const s = await bind();
    const other: string[] = [];
    s.onOtherDatagram = (msg) => other.push(msg.toString());
    const raw = dgram.createSocket('udp4');
    cleanup.push(() => new Promise<void>((r) => raw.close(() => r())));
    const send = (b: Uint8Array) => new Promise<void>((r) => raw.send(b, s.port, '127.0.0.1', () => r()));
    await send(Buffer.from('d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe'));
    await send(Buffer.from('hello, not a protocol'));
    await send(Buffer.from([0x51, ...new Array(19).fill(0)])); // type 5: not uTP
    await waitFor(() => s.counters.other + s.counters.dropped === 3, 5000, 'three datagrams');
    expect(other).toEqual(['d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe']);
    expect(s.counters.dropped).toBe(2);
  });
});

/**
 * A UDP relay between two uTP sockets that loses every `dropEvery`-th data packet (each
 * direction) and holds every `delayEvery`-th one back 30 ms (so it arrives out of order).
 */
async function lossyRelay(target: number, dropEvery: number, delayEvery: number, dropAbove = Infinity) {
  const relay = dgram.createSocket('udp4');
  await new Promise<void>((r) => relay.bind(0, '127.0.0.1', () => r()));
  let open = true;
  cleanup.push(
    () =>
      new Promise<void>((r) => {
        open = false;
        relay.close(() => r());
      }),
  );
  let client: dgram.RemoteInfo | null = null;
  let data = 0;
  const stats = { dropped: 0, delayed: 0, payloadSizes: [] as number[] };
  relay.on('message', (msg, rinfo) => {
    const fromTarget = rinfo.port === target;
    if (!fromTarget) client = rinfo;
    const to = fromTarget ? client : { port: target };
    if (!to) return;
    const packet = decodeUtpPacket(msg);
    if (packet.type === UTP_ST_DATA) {
      data++;
      stats.payloadSizes.push(packet.payload.length);
      if (packet.payload.length > dropAbove) {
        stats.dropped++;
        return;
      }
      if (data % dropEvery === 0) {
        stats.dropped++;
        return;
      }
      if (data % delayEvery === 0) {
        stats.delayed++;
        setTimeout(() => open && relay.send(msg, to.port, '127.0.0.1'), 30);
        return;
      }
    }
    relay.send(msg, to.port, '127.0.0.1');
  });
  return { port: relay.address().port, stats };
}

describe('uTP packet boundaries', () => {
  /** Writes 3 bytes, then (while those wait to be packed) 68 and 100 in the same turn. */
  async function sizesAfterBatchedWrites(endPacketAfter68: boolean): Promise<number[]> {
    const [a, b] = [await bind(), await bind()];
    const incoming = accepted(b);
    const relay = await lossyRelay(b.port, Infinity, Infinity);
    const dialed = a.connect('127.0.0.1', relay.port);
    await connected(dialed);
    await waitFor(() => incoming.length === 1);
    const received = readBytes(incoming[0]!, 171);
    dialed.write(Buffer.alloc(3, 1));
    dialed.write(Buffer.alloc(68, 2));
    if (endPacketAfter68) dialed.endPacket();
    dialed.write(Buffer.alloc(100, 3));
    const got = await received;
    expect(got.equals(Buffer.concat([Buffer.alloc(3, 1), Buffer.alloc(68, 2), Buffer.alloc(100, 3)]))).toBe(
      true,
    );
    return relay.stats.payloadSizes;
  }

  it('endPacket makes the bytes written before it end a datagram even when Writable batched the writes', async () => {
    expect(await sizesAfterBatchedWrites(true)).toEqual([3, 68, 100]);
  });

  it('without endPacket, writes batched in one turn share a datagram', async () => {
    expect(await sizesAfterBatchedWrites(false)).toEqual([3, 168]);
  });
});

overEachSocketKind('uTP recovers from loss and reordering', () => {
  it('delivers every byte in order through a relay that drops 1 in 23 and delays 1 in 17 data packets', async () => {
    const [a, b] = [await bind(), await bind()];
    const incoming = accepted(b);
    const relay = await lossyRelay(b.port, 23, 17);
    const dialed = a.connect('127.0.0.1', relay.port);
    await connected(dialed);
    await waitFor(() => incoming.length === 1);
    const data = crypto.randomBytes(2 * 1024 * 1024);
    const [got] = await Promise.all([readAll(incoming[0]!), writeAll(dialed, data)]);
    expect(got.equals(data)).toBe(true);
    expect(relay.stats.dropped).toBeGreaterThan(10);
    expect(relay.stats.delayed).toBeGreaterThan(10);
    // Every loss was made good by a resend (fast retransmit, selective ack or time-out).
    expect(dialed.resentPackets).toBeGreaterThanOrEqual(relay.stats.dropped);
  }, 60_000);
});

/** This machine's loopback, told to have `mtu` (undefined: the system does not say). */
const loopbackOf = (mtu: number | undefined): LinkSource => ({
  interfaces: () => ({
    lo: [
      {
        address: '127.0.0.1',
        netmask: '255.0.0.0',
        family: 'IPv4',
        mac: '00:00:00:00:00:00',
        internal: true,
        cidr: '127.0.0.1/8',
      },
    ],
  }),
  mtu: () => mtu,
});

describe('uTP packets sized to the path', () => {
  /** Sends 4 MiB through a relay that drops 1 in 23 and delays 1 in 17 data packets. */
  async function sendThroughRelay(links: LinkSource, peerReads: number | null) {
    const [a, b] = [await bind(links), await bind(links)];
    const incoming = accepted(b);
    const relay = await lossyRelay(b.port, 23, 17);
    const dialed = a.connect('127.0.0.1', relay.port);
    await connected(dialed);
    await waitFor(() => incoming.length === 1);
    if (peerReads !== null) dialed.peerReadsDatagramsUpTo(peerReads);
    const data = crypto.randomBytes(4 * 1024 * 1024);
    const [got] = await Promise.all([readAll(incoming[0]!), writeAll(dialed, data)]);
    expect(got.equals(data)).toBe(true);
    return { sizes: relay.stats.payloadSizes, dialed };
  }

  it('sends packets as big as the link once the peer says it reads them, and recovers their losses', async () => {
    const { sizes, dialed } = await sendThroughRelay(loopbackOf(65536), dialedPeerReads);
    expect(dialed.packetPayloadBytes).toBe(MAX_UTP_PAYLOAD_BYTES);
    expect(Math.max(...sizes)).toBe(MAX_UTP_PAYLOAD_BYTES);
    // Most of the 4 MiB went in full-size packets: far fewer than 1400-byte packets would take.
    expect(sizes.length).toBeLessThan((4 * 1024 * 1024) / 1400 / 4);
    expect(dialed.resentPackets).toBeGreaterThan(0);
  }, 60_000);

  it("stays within the peer's limit when the link is wider", async () => {
    const { sizes } = await sendThroughRelay(loopbackOf(65536), 9000);
    expect(Math.max(...sizes)).toBe(9000 - 20);
  }, 60_000);

  it('keeps the usual size until the peer says, and on a link of unknown MTU', async () => {
    const silent = await sendThroughRelay(loopbackOf(65536), null);
    expect(Math.max(...silent.sizes)).toBe(1400);
    const unknown = await sendThroughRelay(loopbackOf(undefined), dialedPeerReads);
    expect(Math.max(...unknown.sizes)).toBe(1400);
    expect(unknown.dialed.packetPayloadBytes).toBe(1400);
  }, 60_000);
});

describe('uTP on a path narrower than its link', () => {
  it('gives up on the connection whose big packets never arrive; the next one keeps the usual size', async () => {
    const [a, b] = [await bind(loopbackOf(65536)), await bind(loopbackOf(65536))];
    const incoming = accepted(b);
    // Loopback looks 64 KiB wide, but this relay drops every data packet over 1400 bytes.
    const relay = await lossyRelay(b.port, Infinity, Infinity, 1400);
    const first = a.connect('127.0.0.1', relay.port);
    await connected(first);
    await waitFor(() => incoming.length === 1);
    first.peerReadsDatagramsUpTo(dialedPeerReads);
    expect(first.packetPayloadBytes).toBeGreaterThan(1400);
    const failed = new Promise<Error>((resolve) => first.once('error', resolve));
    first.write(crypto.randomBytes(256 * 1024));
    const err = await failed;
    expect([(err as UtpError).code, err.message]).toEqual([
      'ETIMEDOUT',
      expect.stringContaining('the next connection sends 1400'),
    ]);

    const second = a.connect('127.0.0.1', relay.port);
    await connected(second);
    await waitFor(() => incoming.length === 2);
    second.peerReadsDatagramsUpTo(dialedPeerReads);
    expect(second.packetPayloadBytes).toBe(1400);
    const data = crypto.randomBytes(512 * 1024);
    const [got] = await Promise.all([readAll(incoming[1]!), writeAll(second, data)]);
    expect(got.equals(data)).toBe(true);
  }, 30_000);
});

/** What a Swarmdrop tells its peers it reads (UtpConnection.maxReadDatagramBytes). */
const dialedPeerReads = 65_507;

overEachSocketKind('uTP direct reader (readDirect)', () => {
  it('hands every payload to the sink in order, without data events, then ends', async () => {
    const [a, b] = [await bind(), await bind()];
    const chunks: Uint8Array[] = [];
    let dataEvents = 0;
    let ended: Promise<unknown> | null = null;
    b.onConnection = (conn) => {
      // A chunk may be a view into the socket's reused buffer: keep a copy.
      conn.readDirect().sink = (chunk) => chunks.push(Buffer.from(chunk));
      conn.on('data', () => dataEvents++);
      ended = new Promise((resolve) => conn.once('end', resolve));
    };
    const dialed = a.connect('127.0.0.1', b.port);
    await connected(dialed);
    const sent = crypto.randomBytes(3 * 1024 * 1024 + 7);
    await writeAll(dialed, sent);
    await waitFor(() => ended !== null, 5000, 'accepted connection');
    await ended;
    expect(Buffer.concat(chunks).equals(sent)).toBe(true);
    expect(dataEvents).toBe(0);
  });

  it('holds payloads while paused, keeps the sender within the receive window, and delivers them on resume', async () => {
    const windowBytes = 64 * 1024;
    const a = await bind();
    const b = await UtpSocket.bind({ host: '127.0.0.1', port: 0, receiveBufferBytes: windowBytes, io });
    cleanup.push(() => b.close());
    const incoming = accepted(b);
    const dialed = a.connect('127.0.0.1', b.port);
    await connected(dialed);
    await waitFor(() => incoming.length === 1, 5000, 'accepted connection');
    const there = incoming[0]!;
    const reader = there.readDirect();
    let got = 0;
    const chunks: Uint8Array[] = [];
    reader.sink = (chunk) => {
      chunks.push(Buffer.from(chunk)); // a view into a reused buffer: copy it
      got += chunk.length;
    };
    there.pause();
    const ended = new Promise((resolve) => there.once('end', resolve));
    const sent = crypto.randomBytes(2 * 1024 * 1024);
    let taken = 0; // bytes the sender's Writable took (it stops at its high-water mark)
    const writing = (async () => {
      for (let i = 0; i < sent.length; i += 16384) {
        const more = dialed.write(sent.subarray(i, i + 16384));
        taken = i + 16384;
        if (!more) await new Promise((r) => dialed.once('drain', r));
      }
      dialed.end();
    })();
    await new Promise((r) => setTimeout(r, 500));
    expect(got).toBe(0);
    // The sender stopped for our window: what it took is our window, its own send buffer
    // (writableHighWaterMark 256 KiB) and a chunk or two, far from the 2 MiB.
    expect(taken).toBeLessThan(windowBytes + 256 * 1024 + 4 * 16384);
    there.resume();
    await writing;
    await ended;
    expect(Buffer.concat(chunks).equals(sent)).toBe(true);
  });

  it('ends only after the payloads held by a paused reader reached the sink', async () => {
    const [a, b] = [await bind(), await bind()];
    const incoming = accepted(b);
    const dialed = a.connect('127.0.0.1', b.port);
    await connected(dialed);
    await waitFor(() => incoming.length === 1, 5000, 'accepted connection');
    const there = incoming[0]!;
    const chunks: Uint8Array[] = [];
    let atEnd = -1;
    there.readDirect().sink = (chunk) => chunks.push(Buffer.from(chunk));
    there.on('end', () => (atEnd = Buffer.concat(chunks).length));
    there.pause();
    const sent = crypto.randomBytes(200 * 1024 + 5);
    await writeAll(dialed, sent);
    await new Promise((r) => setTimeout(r, 300));
    expect(atEnd).toBe(-1);
    there.resume();
    await waitFor(() => atEnd >= 0, 5000, "'end'");
    expect(atEnd).toBe(sent.length);
    expect(Buffer.concat(chunks).equals(sent)).toBe(true);
  });
});
