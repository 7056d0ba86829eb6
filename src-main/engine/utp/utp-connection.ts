// One uTP connection (BEP 29) as a Node Duplex, so the peer-wire code (PeerConnection,
// MSE) uses it where it would use a net.Socket: bytes written come out in order at the
// other end, 'data' / 'end' / 'close' / 'error' / 'drain' behave as on a socket.
//
// Sending: written bytes wait in `sendQueue` until the window (LEDBAT's, and the peer's
// advertised receive window) has room; then they are cut into packets that stay in the
// `out*` ring, indexed by sequence number, until acked. A packet is sent again when the
// peer acks the one before it three times, when three later packets are selectively
// acked (a hole), or when the retransmission timer fires. A write's callback runs once
// its bytes are in packets, so `writableLength` and 'drain' give the caller back-pressure.
//
// Receiving: in-order payloads are pushed at once; early ones wait in the `in*` ring (and
// are reported in a selective ack) until the hole before them fills. Acks for a burst of
// datagrams go out together at the end of a turn of the event loop (UtpSocket flushes
// them), and for a steady stream every other turn (`flushAcks`).
// After `readDirect()` in-order payloads skip the Readable side: each goes straight to the
// returned reader's sink, as a TCP socket's reads go to a SocketReader (engine/peer), and
// only wait in `directQueue` while the connection is paused or nobody listens.
import { Duplex } from 'node:stream';
import {
  UTP_HEADER_BYTES,
  UTP_MAX_READ_DATAGRAM_BYTES,
  UTP_MAX_SACK_BYTES,
  UTP_ST_DATA,
  UTP_ST_FIN,
  UTP_ST_RESET,
  UTP_ST_STATE,
  UTP_ST_SYN,
  utpHeaderBytes,
  writeUtpHeader,
  type UtpHeader,
  type UtpPacketType,
} from '../../protocol/utp/utp-header.ts';
import { Ledbat } from './ledbat.ts';
import { RttEstimator } from './rtt-estimator.ts';
import { seqAdd, seqDiff } from './utp-seq.ts';

/** Packets in flight (and early packets held) at most: a power of two, the rings' size. */
const RING = 1024;
const RING_MASK = RING - 1;
/**
 * Most packets in flight (the congestion window's ceiling): bursts of ~140 packets made
 * libtorrent 2.0 fall silent on a connection in 3 of 5 loopback runs, none in 5 at 48
 * (NOTES.md). It bounds one connection to 48 × 1420 bytes per round trip.
 */
const MAX_WINDOW_PACKETS = 48;
/**
 * Time-outs in a row, with no packet above the usual size ever acked, after which a
 * connection that grew its packets gives up on the path (`onTimeout`).
 */
const NARROW_PATH_TIMEOUTS = 2;
/** Bytes of spare packet buffers kept per connection once packets are bigger than usual. */
const SPARE_POOL_BYTES = 256 * 1024;
/** An ack put off by a turn goes out anyway once this many data packets wait for it. */
const ACK_EVERY_PACKETS = 64;
/** Resend what the peer's acks show missing after this many later packets arrived. */
const DUP_ACK_THRESHOLD = 3;
/** Connection attempts: the SYN is sent this many times (time-out doubling) before giving up. */
const SYN_TRIES = 3;
/** Time-outs in a row (no ack at all) before the connection counts as dead. */
const MAX_TIMEOUTS = 7;
/** A packet when we have sent nothing for this long, so NATs keep the mapping. */
const KEEPALIVE_MS = 29_000;
/** The marker `endPacket()` writes; recognised by identity (Writable passes Buffers as they are). */
const PACKET_END = Buffer.alloc(0);

export type UtpState = 'syn-sent' | 'connected' | 'closed';

export type UtpErrorCode = 'ECONNREFUSED' | 'ECONNRESET' | 'ETIMEDOUT' | 'EUTPCLOSED';

/** Errors a connection is destroyed with; `code` says which (never match the message). */
export class UtpError extends Error {
  override readonly name = 'UtpError';
  constructor(
    readonly code: UtpErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What a connection needs from the socket that owns it. */
export interface UtpTransport {
  send(packet: Uint8Array, length: number, port: number, host: string): void;
  /** Ask for `flushAcks()` on this connection before the event loop waits again. */
  wantFlush(conn: UtpConnection): void;
  /** The connection is gone; forget its id. */
  release(conn: UtpConnection): void;
  /**
   * Most payload bytes a packet to `address` may carry: what the path takes (path-mtu.ts),
   * or the usual size once `pathTooNarrow` named it.
   */
  payloadCeiling(address: string): number;
  /** Packets above the usual size never reached `address`: later connections keep the usual size. */
  pathTooNarrow(address: string): void;
  nowMs(): number;
}

export interface UtpConnectionOptions {
  transport: UtpTransport;
  remoteAddress: string;
  remotePort: number;
  /** The connection id we receive with and the one we send with. */
  recvId: number;
  sendId: number;
  /** Payload bytes per packet, until the peer says it reads bigger datagrams. */
  payloadBytes: number;
  /**
   * The packets given to `receive()` are overwritten once it returns (the socket reads
   * into a buffer it reuses, net/datagram-port.ts): payloads that wait are copied first.
   */
  datagramsReused?: boolean;
  /** Most bytes we buffer for the reader (our advertised window). */
  receiveBufferBytes: number;
  /** Send buffer the writer may fill before `write()` returns false. */
  writableHighWaterMark: number;
}

/** The peer's clock in our terms for the timestamp fields: µs modulo 2^32. */
const microsOf = (ms: number): number => Math.floor(ms * 1000) >>> 0;

export class UtpConnection extends Duplex {
  readonly remoteAddress: string;
  readonly remotePort: number;
  private readonly datagramsReused: boolean;
  readonly recvId: number;
  readonly sendId: number;
  state: UtpState;
  /** Packets sent again (every cause) and time-outs, for tests and the bench. */
  resentPackets = 0;
  timeouts = 0;
  /** Time-outs since the last ack that moved anything. */
  private timeoutsInARow = 0;

  private readonly transport: UtpTransport;
  /** Full packets carry this much payload: `basePayloadBytes`, or more on a wide path. */
  private payloadBytes: number;
  private readonly basePayloadBytes: number;
  /** A packet above the usual size was acked: the path carries them. */
  private bigPacketAcked = false;
  private readonly receiveBufferBytes: number;
  readonly ledbat: Ledbat;
  readonly rtt = new RttEstimator();

  // ---- send side
  /** Next sequence number to send. */
  private seqNr: number;
  /** Highest sequence number the peer has acked cumulatively. */
  private ackedSeq: number;
  private readonly outPacket: (Buffer | null)[] = new Array<Buffer | null>(RING).fill(null);
  private readonly outLength = new Uint32Array(RING);
  private readonly outSentAtMs = new Float64Array(RING);
  private readonly outTransmissions = new Uint8Array(RING);
  /** Selectively acked (kept until the cumulative ack passes it). */
  private readonly outSacked = new Uint8Array(RING);
  private flightBytes = 0;
  private peerWindowBytes = 64 * 1024;
  /** The peer's window is closed and nothing is in flight: a probe may go (set by `tick`). */
  private probeDue = false;
  private dupAcks = 0;
  /** No second window cut for losses before this sequence number (one cut per window). */
  private lossSeq: number;
  private finSent = false;
  private readonly sendQueue: {
    chunk: Uint8Array;
    offset: number;
    callback: ((err?: Error | null) => void) | null;
    /** The packet holding this chunk's last byte ends there (see `endPacket`). */
    endsPacket: boolean;
  }[] = [];
  private queuedBytes = 0;
  private finalCallback: ((err?: Error | null) => void) | null = null;
  private lastSentAtMs: number;
  private synTries = 0;
  private connectedNow = false;
  /** Spare packet buffers of full size, from acked packets. */
  private readonly spare: Buffer[] = [];

  // ---- receive side
  /** Last sequence number received in order. */
  private ackNr = 0;
  private readonly inPayload: (Buffer | null)[] = new Array<Buffer | null>(RING).fill(null);
  private inHeld = 0;
  private inHeldBytes = 0;
  /** Sequence number of the peer's FIN once seen, else -1. */
  private finSeq = -1;
  private ackDue = false;
  /** Data packets since the last flush, and since the last ack we sent. */
  private dataThisTurn = 0;
  private dataSinceAck = 0;
  /** The ack due was put off by one turn (`flushAcks`); the next flush sends it. */
  private ackDeferred = false;
  /** timestamp_difference we send: our clock minus the peer's at its last packet. */
  private replyDiffUs = 0;
  private lastReceivedAtMs: number;
  /** Our advertised window was near zero: say when the reader makes room. */
  private windowWasClosed = false;
  /** Set by `readDirect()`: in-order payloads go to its sink instead of `push()`. */
  private direct: UtpDirectReader | null = null;
  /** Payloads for the direct reader that arrived while paused or without a sink. */
  private readonly directQueue: Uint8Array[] = [];
  private directQueueBytes = 0;
  /** The FIN came in order while payloads still waited in `directQueue`. */
  private directEndPending = false;
  private directDrainScheduled = false;

  constructor(options: UtpConnectionOptions, state: UtpState, initialSeq: number) {
    super({
      allowHalfOpen: false,
      writableHighWaterMark: options.writableHighWaterMark,
      decodeStrings: false,
    });
    this.transport = options.transport;
    this.remoteAddress = options.remoteAddress;
    this.remotePort = options.remotePort;
    this.datagramsReused = options.datagramsReused ?? false;
    this.recvId = options.recvId;
    this.sendId = options.sendId;
    this.payloadBytes = this.basePayloadBytes = options.payloadBytes;
    this.receiveBufferBytes = options.receiveBufferBytes;
    this.state = state;
    this.seqNr = initialSeq;
    this.ackedSeq = seqAdd(initialSeq, -1);
    this.lossSeq = this.ackedSeq;
    this.lastSentAtMs = this.lastReceivedAtMs = this.transport.nowMs();
    this.ledbat = new Ledbat({
      packetBytes: options.payloadBytes + UTP_HEADER_BYTES,
      maxWindowBytes: MAX_WINDOW_PACKETS * (options.payloadBytes + UTP_HEADER_BYTES),
    });
  }

  /** Socket-compatible no-op: uTP has no Nagle; small writes of one turn are packed together. */
  setNoDelay(_noDelay?: boolean): this {
    return this;
  }

  /**
   * The bytes written so far end a packet; later writes start a new one. It travels in
   * the write stream (a marker chunk), so it holds wherever Writable buffered the earlier
   * writes. The peer wire calls it after the BitTorrent handshake: Transmission 3.00
   * hands bytes to its peer-wire code only when a uTP packet arrives, so messages sharing
   * the packet that completes its handshake wait for the next packet, and a seeder's
   * BITFIELD / HAVE ALL that has no next packet is never read (its TCP path re-reads
   * buffered bytes on a timer; its uTP path does not). Regression test:
   * peer/dialer-utp.int.test.ts, and test/interop-utp-netns.int.test.ts against Transmission.
   */
  endPacket(): void {
    if (this.writableEnded || this.destroyed) return;
    this.write(PACKET_END);
  }

  get bytesInFlight(): number {
    return this.flightBytes;
  }

  /** Payload bytes of a full data packet we send now. */
  get packetPayloadBytes(): number {
    return this.payloadBytes;
  }

  /** The largest datagram we read whole: what the peer may send us (Node reads up to 64 KiB). */
  readonly maxReadDatagramBytes = UTP_MAX_READ_DATAGRAM_BYTES;

  /**
   * The peer said it reads datagrams of up to `datagramBytes` whole (the peer wire's
   * BEP 10 `utp_max_datagram`): full packets grow to that, as far as the path carries
   * (`UtpTransport.payloadCeiling`, asked only now: most peers never say). They never
   * shrink (a numbered packet cannot be cut up); if none of the big ones gets through,
   * `onTimeout` gives the path up. Between two Swarmdrops on loopback the leecher's CPU
   * per GiB fell from 12.8 s to 7.4 s (docs/PERFORMANCE.md, "uTP: the cost is per
   * datagram").
   */
  peerReadsDatagramsUpTo(datagramBytes: number): void {
    const payload = Math.min(
      this.transport.payloadCeiling(this.remoteAddress),
      Math.floor(datagramBytes) - UTP_HEADER_BYTES,
    );
    if (!(payload > this.payloadBytes)) return;
    this.payloadBytes = payload;
    this.spare.length = 0; // sized for the old packets
    this.ledbat.resize(payload + UTP_HEADER_BYTES, MAX_WINDOW_PACKETS * (payload + UTP_HEADER_BYTES));
    this.transport.wantFlush(this);
  }

  // ------------------------------------------------------------ opening

  /**
   * We dial: send the SYN (seq_nr = initialSeq). Like a net.Socket, the connection emits
   * 'connect' on the peer's STATE, or 'error' (code ECONNREFUSED / ETIMEDOUT) and 'close'.
   */
  startConnect(): void {
    this.queuePacket(UTP_ST_SYN, null, 0, 0, this.recvId);
    this.flushAcks();
  }

  /** The peer dialed: its SYN carried `synSeq`; answer with a STATE. */
  acceptSyn(synSeq: number, h: UtpHeader, nowMs: number): void {
    this.ackNr = synSeq;
    this.noteTimestamps(h, nowMs);
    this.sendState();
  }

  /** A copy of the peer's SYN came again (our STATE was lost): answer again. */
  repeatSynAck(): void {
    if (this.state === 'connected') this.sendState();
  }

  // ------------------------------------------------------------ receiving

  /** One datagram for this connection; `h` was decoded from `packet`. */
  receive(h: UtpHeader, packet: Buffer, nowMs: number): void {
    if (this.state === 'closed') return;
    this.lastReceivedAtMs = nowMs;
    if (h.type === UTP_ST_RESET) {
      this.fail(
        this.state === 'syn-sent'
          ? new UtpError('ECONNREFUSED', `uTP connection to ${this.remoteAddress}:${this.remotePort} refused`)
          : new UtpError('ECONNRESET', `uTP connection reset by ${this.remoteAddress}:${this.remotePort}`),
      );
      return;
    }
    if (h.type === UTP_ST_SYN) return; // routed to repeatSynAck by the socket
    // An ack of something we never sent: a forged or stray packet.
    if (seqDiff(h.ackNr, this.seqNr) >= 0) return;
    if (this.state === 'syn-sent') {
      if (h.type !== UTP_ST_STATE) return;
      // The STATE answering our SYN carries the sequence number of the peer's first data packet.
      this.ackNr = seqAdd(h.seqNr, -1);
      this.state = 'connected';
      this.connectedNow = true;
    }
    this.noteTimestamps(h, nowMs);
    this.peerWindowBytes = h.windowBytes;
    this.handleAck(h, packet, nowMs);
    if (this.destroyed) return; // our FIN was acked and the reader had ended
    if (h.type === UTP_ST_DATA || h.type === UTP_ST_FIN) this.handleData(h, packet);
    if (this.connectedNow) {
      this.connectedNow = false;
      this.emit('connect');
    }
    this.pump();
  }

  private noteTimestamps(h: UtpHeader, nowMs: number): void {
    this.replyDiffUs = (microsOf(nowMs) - h.timestampUs) >>> 0;
    if (h.timestampDiffUs !== 0) this.ledbat.delaySample(h.timestampDiffUs, nowMs);
  }

  private handleAck(h: UtpHeader, packet: Buffer, nowMs: number): void {
    const flightBefore = this.flightBytes;
    let acked = 0;
    const newlyAcked = seqDiff(h.ackNr, this.ackedSeq);
    if (newlyAcked > 0) {
      for (let i = 1; i <= newlyAcked; i++) acked += this.release(seqAdd(this.ackedSeq, i), nowMs);
      this.ackedSeq = h.ackNr;
      this.dupAcks = 0;
    } else if (newlyAcked === 0 && this.flightBytes > 0 && h.type === UTP_ST_STATE) {
      this.dupAcks++;
    }
    let holeEvidence = 0;
    if (h.sackOffset >= 0) {
      // Bit i of the mask: packet ack_nr + 2 + i arrived. Walk from the newest down, so
      // each unacked packet knows how many later ones got through.
      const bits = h.sackLength * 8;
      for (let i = bits - 1; i >= 0; i--) {
        const seq = seqAdd(h.ackNr, 2 + i);
        if (seqDiff(seq, this.seqNr) >= 0) continue;
        const set = (packet[h.sackOffset + (i >> 3)]! >> (i & 7)) & 1;
        const slot = seq & RING_MASK;
        if (set) {
          holeEvidence++;
          if (this.outPacket[slot] && !this.outSacked[slot]) {
            this.outSacked[slot] = 1;
            acked += this.releaseBytes(slot, nowMs);
          }
        } else if (holeEvidence >= DUP_ACK_THRESHOLD && this.outPacket[slot] && !this.outSacked[slot]) {
          this.lost(seq);
        }
      }
      // The packet right after the ack is missing whenever a later one was sacked.
      if (holeEvidence >= DUP_ACK_THRESHOLD) this.lost(seqAdd(h.ackNr, 1));
    }
    if (this.dupAcks >= DUP_ACK_THRESHOLD) {
      this.dupAcks = 0;
      this.lost(seqAdd(this.ackedSeq, 1));
    }
    if (acked > 0) {
      this.timeoutsInARow = 0;
      this.ledbat.onAck(acked, flightBefore);
      if (this.finSent && seqDiff(this.seqNr, seqAdd(this.ackedSeq, 1)) === 0) this.finAcked();
    }
  }

  /** The cumulative ack passed `seq`: forget the packet (bytes freed, unless sacked before). */
  private release(seq: number, nowMs: number): number {
    const slot = seq & RING_MASK;
    const buf = this.outPacket[slot];
    if (!buf) return 0;
    const bytes = this.outSacked[slot] ? 0 : this.releaseBytes(slot, nowMs);
    this.outPacket[slot] = null;
    this.outSacked[slot] = 0;
    if (buf.length === this.payloadBytes + UTP_HEADER_BYTES && this.spare.length < this.spareLimit())
      this.spare.push(buf);
    return bytes;
  }

  /** Spare buffers kept: 64 of the usual size, fewer of big ones (their bytes are bounded). */
  private spareLimit(): number {
    return this.payloadBytes === this.basePayloadBytes
      ? 64
      : Math.max(8, (SPARE_POOL_BYTES / this.payloadBytes) | 0);
  }

  /** Takes an acked packet's bytes out of the flight; an RTT sample when it was sent once. */
  private releaseBytes(slot: number, nowMs: number): number {
    const bytes = this.outLength[slot]!;
    this.flightBytes -= bytes;
    if (bytes > this.basePayloadBytes + UTP_HEADER_BYTES) this.bigPacketAcked = true;
    if (this.outTransmissions[slot] === 1) this.rtt.sample(nowMs - this.outSentAtMs[slot]!);
    this.outTransmissions[slot] = 0;
    return bytes;
  }

  /** Evidence says `seq` was lost: send it again now, and cut the window once per window. */
  private lost(seq: number): void {
    const slot = seq & RING_MASK;
    if (!this.outPacket[slot] || this.outSacked[slot] || seqDiff(seq, this.ackedSeq) <= 0) return;
    if (seqDiff(seq, this.lossSeq) > 0) {
      this.ledbat.onLoss();
      this.lossSeq = seqAdd(this.seqNr, -1);
    }
    // Once per loss event: the timer handles a resend that is lost as well.
    if (
      this.outTransmissions[slot]! >= 2 &&
      this.transport.nowMs() - this.outSentAtMs[slot]! < this.rtt.rtoMs
    )
      return;
    this.transmit(seq);
  }

  private handleData(h: UtpHeader, packet: Buffer): void {
    const ahead = seqDiff(h.seqNr, this.ackNr);
    // Always answer data, even a duplicate: the peer may have lost our ack.
    this.scheduleAck();
    this.dataThisTurn++;
    this.dataSinceAck++;
    if (ahead <= 0 || ahead >= RING) return;
    if (h.type === UTP_ST_FIN) {
      if (this.finSeq < 0) this.finSeq = h.seqNr;
    }
    const payload = packet.length > h.payloadOffset ? packet.subarray(h.payloadOffset) : null;
    if (ahead > 1) {
      const slot = h.seqNr & RING_MASK;
      if (!this.inPayload[slot] && payload && h.type === UTP_ST_DATA) {
        this.inPayload[slot] = this.datagramsReused ? Buffer.from(payload) : payload;
        this.inHeld++;
        this.inHeldBytes += payload.length;
      } else if (h.type === UTP_ST_DATA && !payload) {
        // an empty data packet still takes its number
        this.inPayload[slot] = EMPTY;
        this.inHeld++;
      }
      return;
    }
    this.ackNr = h.seqNr;
    if (h.type === UTP_ST_DATA && payload) this.deliver(payload);
    // The hole is filled: hand over what waited behind it.
    while (this.inHeld > 0) {
      const next = seqAdd(this.ackNr, 1);
      const slot = next & RING_MASK;
      const held = this.inPayload[slot];
      if (!held) break;
      this.inPayload[slot] = null;
      this.inHeld--;
      this.inHeldBytes -= held.length;
      this.ackNr = next;
      if (held.length > 0) this.deliver(held, true);
    }
    if (this.finSeq >= 0 && seqDiff(this.ackNr, seqAdd(this.finSeq, -1)) >= 0) {
      this.ackNr = this.finSeq;
      this.finSeq = -2; // delivered
      this.endInput();
    } else if (this.finSeq >= 0 && h.type === UTP_ST_FIN && seqDiff(h.seqNr, this.ackNr) > 0) {
      // keep waiting for the data before the FIN
    }
  }

  /**
   * `payload` may be a view into a reused datagram buffer (unless `owned`): only the sink
   * sees it as is, what waits is a copy.
   */
  private deliver(payload: Buffer, owned = false): void {
    const keep = this.datagramsReused && !owned;
    const direct = this.direct;
    if (!direct) {
      this.push(keep ? Buffer.from(payload) : payload);
      return;
    }
    const sink = direct.sink;
    // readableFlowing is null until someone pauses or listens: nobody reads 'data' here.
    if (sink && this.directQueue.length === 0 && this.readableFlowing !== false) sink(payload);
    else {
      this.directQueue.push(keep ? Buffer.from(payload) : payload);
      this.directQueueBytes += payload.length;
    }
  }

  /** The peer's FIN is in order: end the Readable, after the direct reader has it all. */
  private endInput(): void {
    if (this.direct && this.directQueue.length > 0) {
      this.directEndPending = true;
      return;
    }
    this.push(null);
    // With a direct reader nobody calls read(), and 'end' waits for one unless flowing.
    if (this.direct && this.readableFlowing !== false) super.resume();
  }

  /**
   * Hands in-order payloads to the returned reader's `sink` from now on, instead of
   * 'data' events: no Readable bookkeeping per datagram (docs/PERFORMANCE.md, "uTP: the
   * cost is per datagram"). A chunk may be a view into a datagram buffer that the socket
   * reuses (net/datagram-port.ts), so the sink copies what it keeps, as with a SocketReader. `pause()` holds chunks (counted against the receive
   * window) until `resume()`; so does a null sink until one is set. 'end', 'close' and
   * 'error' stay events. Call before reading in any other way.
   */
  readDirect(): UtpDirectReader {
    if (this.direct) return this.direct;
    const reader = new UtpDirectReader(() => this.scheduleDirectDrain());
    this.direct = reader;
    // Bytes that came before (none when called right after 'connect') go first.
    for (let chunk: unknown; (chunk = this.read()) !== null;) {
      const b = chunk as Buffer;
      this.directQueue.push(b);
      this.directQueueBytes += b.length;
    }
    return reader;
  }

  override resume(): this {
    super.resume();
    if (this.direct) this.scheduleDirectDrain();
    return this;
  }

  /** Later, not from inside the caller (resume() and sink setters run mid-parse). */
  private scheduleDirectDrain(): void {
    if (this.directDrainScheduled || (this.directQueue.length === 0 && !this.directEndPending)) return;
    this.directDrainScheduled = true;
    process.nextTick(this.drainDirect);
  }

  private readonly drainDirect = (): void => {
    this.directDrainScheduled = false;
    const queue = this.directQueue;
    let i = 0;
    while (i < queue.length && !this.destroyed) {
      const sink = this.direct!.sink;
      if (!sink || this.readableFlowing === false) break;
      const chunk = queue[i++]!;
      this.directQueueBytes -= chunk.length;
      sink(chunk);
    }
    queue.splice(0, i);
    if (this.destroyed) return;
    if (queue.length === 0 && this.directEndPending) {
      this.directEndPending = false;
      this.endInput();
      if (this.finSent && seqDiff(this.seqNr, seqAdd(this.ackedSeq, 1)) === 0) this.finAcked();
      if (this.destroyed) return;
    }
    // The reader made room: tell a peer that stopped for our window.
    if (i > 0 && this.windowWasClosed && this.state === 'connected') {
      this.windowWasClosed = false;
      this.scheduleAck();
    }
  };

  /** Bytes we can still take: the advertised window. */
  private receiveWindow(): number {
    const used = this.readableLength + this.directQueueBytes + this.inHeldBytes;
    const room = this.receiveBufferBytes - used;
    if (room < this.payloadBytes) {
      this.windowWasClosed = true;
      return Math.max(0, room);
    }
    return room;
  }

  override _read(): void {
    // The reader made room: tell a peer that stopped for our window.
    if (this.windowWasClosed && this.state === 'connected') {
      this.windowWasClosed = false;
      this.scheduleAck();
    }
  }

  private scheduleAck(): void {
    if (this.ackDue) return;
    this.ackDue = true;
    this.transport.wantFlush(this);
  }

  /** Sends the acks (and data) gathered this turn; the socket calls it. */
  flushAcks(): void {
    this.pump();
    const arrived = this.dataThisTurn;
    this.dataThisTurn = 0;
    if (!this.ackDue) return;
    // A steady stream of data is acked every other turn: each ack is a send of ~50 µs of
    // CPU on loopback (docs/PERFORMANCE.md, "uTP: the cost is per datagram"). The next
    // turn acks whatever happens, at once if no more data came (the sender waits on us).
    if (
      !this.ackDeferred &&
      arrived > 0 &&
      this.state === 'connected' &&
      this.dataSinceAck < ACK_EVERY_PACKETS &&
      this.inHeld === 0 &&
      this.finSeq === -1 &&
      !this.windowWasClosed
    ) {
      this.ackDeferred = true;
      this.transport.wantFlush(this);
      return;
    }
    if (this.state !== 'closed') this.sendState();
    else this.ackSent();
  }

  // ------------------------------------------------------------ sending

  override _write(chunk: Uint8Array, _enc: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.enqueue(chunk, callback);
    this.transport.wantFlush(this);
  }

  override _writev(
    chunks: { chunk: Uint8Array; encoding: BufferEncoding }[],
    callback: (err?: Error | null) => void,
  ): void {
    for (let i = 0; i < chunks.length; i++)
      this.enqueue(chunks[i]!.chunk, i === chunks.length - 1 ? callback : null);
    this.transport.wantFlush(this);
  }

  private enqueue(chunk: Uint8Array, callback: ((err?: Error | null) => void) | null): void {
    if (this.state === 'closed') {
      callback?.(new UtpError('EUTPCLOSED', 'uTP connection closed'));
      return;
    }
    if (chunk === PACKET_END) {
      // Bytes already cut into packets end one anyway.
      const last = this.sendQueue[this.sendQueue.length - 1];
      if (last) last.endsPacket = true;
      callback?.();
      return;
    }
    this.sendQueue.push({ chunk, offset: 0, callback, endsPacket: false });
    this.queuedBytes += chunk.length;
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.finalCallback = callback;
    this.transport.wantFlush(this);
  }

  /** Cuts queued bytes into packets while both windows have room; then the FIN when ended. */
  private pump(): void {
    if (this.state !== 'connected') return;
    while (this.queuedBytes > 0) {
      const window = Math.min(this.ledbat.windowBytes, this.peerWindowBytes);
      // Packets bigger than the usual size shrink to the room left in the window, down to
      // the usual size: a full big packet would otherwise wait for the whole window.
      const payload = Math.max(
        this.basePayloadBytes,
        Math.min(this.payloadBytes, Math.floor(window) - this.flightBytes - UTP_HEADER_BYTES),
      );
      const packetBytes = payload + UTP_HEADER_BYTES;
      if (this.flightBytes > 0 && this.flightBytes + packetBytes > window) break;
      // A closed peer window lets one packet through when nothing is in flight, as a probe
      // for a lost window update; once per time-out (tick), not on the ack of the last
      // probe, or a paused reader takes a packet per round trip without end.
      if (this.flightBytes === 0 && window < packetBytes) {
        if (!this.probeDue) break;
        this.probeDue = false;
      }
      if (seqDiff(this.seqNr, this.ackedSeq) >= RING - 1) break;
      this.sendDataPacket(payload);
    }
    if (this.queuedBytes === 0 && this.finalCallback && !this.finSent) {
      this.finSent = true;
      this.queuePacket(UTP_ST_FIN, null, 0, 0, this.sendId);
      const cb = this.finalCallback;
      this.finalCallback = null;
      cb();
    }
  }

  /** One data packet of at most `maxPayload` bytes from the send queue. */
  private sendDataPacket(maxPayload: number): void {
    const size = this.nextPacketBytes(maxPayload);
    const buf =
      size === this.payloadBytes && this.spare.length > 0
        ? this.spare.pop()!
        : Buffer.allocUnsafe(UTP_HEADER_BYTES + size);
    let at = UTP_HEADER_BYTES;
    let left = size;
    while (left > 0) {
      const head = this.sendQueue[0]!;
      const take = Math.min(left, head.chunk.length - head.offset);
      buf.set(head.chunk.subarray(head.offset, head.offset + take), at);
      at += take;
      left -= take;
      head.offset += take;
      if (head.offset === head.chunk.length) {
        this.sendQueue.shift();
        head.callback?.();
      }
    }
    this.queuedBytes -= size;
    this.queuePacket(UTP_ST_DATA, buf, size, UTP_HEADER_BYTES + size, this.sendId);
  }

  /** Payload of the next packet: `maxPayload`, or up to the end of a chunk that ends a packet. */
  private nextPacketBytes(maxPayload: number): number {
    const limit = Math.min(maxPayload, this.queuedBytes);
    let size = 0;
    for (const q of this.sendQueue) {
      size += q.chunk.length - q.offset;
      if (size >= limit) return limit;
      if (q.endsPacket) return size;
    }
    return limit;
  }

  /** Puts a packet that takes a sequence number (SYN, DATA, FIN) in flight and sends it. */
  private queuePacket(
    type: UtpPacketType,
    buf: Buffer | null,
    _payload: number,
    length: number,
    connectionId: number,
  ): void {
    const packet = buf ?? Buffer.allocUnsafe(UTP_HEADER_BYTES);
    const total = buf ? length : UTP_HEADER_BYTES;
    const seq = this.seqNr;
    const slot = seq & RING_MASK;
    // header fields that do not change on resend
    packet[0] = (type << 4) | 1;
    packet[1] = 0;
    packet[2] = connectionId >>> 8;
    packet[3] = connectionId & 0xff;
    packet[16] = seq >>> 8;
    packet[17] = seq & 0xff;
    this.outPacket[slot] = packet;
    this.outLength[slot] = total;
    this.outTransmissions[slot] = 0;
    this.outSacked[slot] = 0;
    this.flightBytes += total;
    this.seqNr = seqAdd(seq, 1);
    this.transmit(seq);
  }

  /** Sends (or resends) packet `seq` with fresh ack, window and timestamps. */
  private transmit(seq: number): void {
    const slot = seq & RING_MASK;
    const packet = this.outPacket[slot]!;
    const now = this.transport.nowMs();
    packet.writeUInt32BE(microsOf(now), 4);
    packet.writeUInt32BE(this.replyDiffUs, 8);
    packet.writeUInt32BE(this.receiveWindow(), 12);
    packet[18] = this.ackNr >>> 8;
    packet[19] = this.ackNr & 0xff;
    if (this.outTransmissions[slot]! > 0) this.resentPackets++;
    this.outTransmissions[slot] = Math.min(255, this.outTransmissions[slot]! + 1);
    this.outSentAtMs[slot] = now;
    this.lastSentAtMs = now;
    // data carries the ack: no separate STATE needed this turn
    if (packet[0]! >> 4 !== UTP_ST_SYN) this.ackSent();
    this.transport.send(packet, this.outLength[slot]!, this.remotePort, this.remoteAddress);
  }

  /** A STATE packet: our ack, window and (when packets are held) a selective ack. */
  private sendState(): void {
    this.sendControl(UTP_ST_STATE);
  }

  private sendControl(type: UtpPacketType): void {
    let sackBytes = 0;
    if (this.inHeld > 0 && type === UTP_ST_STATE) {
      // Cover the held packets, up to the longest mask we write.
      let last = 0;
      for (let i = 0; i < UTP_MAX_SACK_BYTES * 8; i++) {
        if (this.inPayload[seqAdd(this.ackNr, 2 + i) & RING_MASK]) last = i + 1;
      }
      sackBytes = Math.ceil(last / 32) * 4;
    }
    const packet = Buffer.allocUnsafe(utpHeaderBytes(sackBytes));
    const now = this.transport.nowMs();
    writeUtpHeader(packet, 0, {
      type,
      connectionId: this.sendId,
      timestampUs: microsOf(now),
      timestampDiffUs: this.replyDiffUs,
      windowBytes: this.receiveWindow(),
      seqNr: this.seqNr,
      ackNr: this.ackNr,
    });
    if (sackBytes > 0) {
      packet[1] = 1;
      packet[20] = 0;
      packet[21] = sackBytes;
      packet.fill(0, 22);
      for (let i = 0; i < sackBytes * 8; i++) {
        if (this.inPayload[seqAdd(this.ackNr, 2 + i) & RING_MASK]) packet[22 + (i >> 3)]! |= 1 << (i & 7);
      }
    }
    this.lastSentAtMs = now;
    if (type === UTP_ST_STATE) this.ackSent();
    this.transport.send(packet, packet.length, this.remotePort, this.remoteAddress);
  }

  private ackSent(): void {
    this.ackDue = false;
    this.ackDeferred = false;
    this.dataSinceAck = 0;
  }

  // ------------------------------------------------------------ timers

  /** Called by the socket every tick: retransmission time-out, keep-alive. */
  tick(nowMs: number): void {
    if (this.state === 'closed') return;
    const oldest = seqAdd(this.ackedSeq, 1);
    if (seqDiff(this.seqNr, oldest) > 0) {
      // the oldest unacked packet that is not sacked decides
      let seq = oldest;
      while (seqDiff(this.seqNr, seq) > 0 && this.outSacked[seq & RING_MASK]) seq = seqAdd(seq, 1);
      const slot = seq & RING_MASK;
      if (
        seqDiff(this.seqNr, seq) > 0 &&
        this.outPacket[slot] &&
        nowMs - this.outSentAtMs[slot]! >= this.rtt.rtoMs
      ) {
        this.onTimeout(seq);
        return;
      }
    }
    if (
      this.state === 'connected' &&
      this.flightBytes === 0 &&
      this.queuedBytes > 0 &&
      nowMs - this.lastSentAtMs >= this.rtt.rtoMs
    ) {
      this.probeDue = true;
      this.pump();
    }
    if (this.state === 'connected' && nowMs - this.lastSentAtMs >= KEEPALIVE_MS) this.sendState();
  }

  private onTimeout(seq: number): void {
    this.timeouts++;
    this.timeoutsInARow++;
    if (
      this.state === 'connected' &&
      !this.bigPacketAcked &&
      this.timeoutsInARow >= NARROW_PATH_TIMEOUTS &&
      this.outLength[seq & RING_MASK]! > this.basePayloadBytes + UTP_HEADER_BYTES
    ) {
      // The link looked wide and the peer said it reads big datagrams, yet none got
      // through (a narrower hop, a peer whose interface has a smaller MTU). A packet cannot
      // be cut up once numbered, so this connection cannot recover; the socket remembers
      // the address and the next connection keeps the usual size.
      this.transport.pathTooNarrow(this.remoteAddress);
      this.fail(
        new UtpError(
          'ETIMEDOUT',
          `uTP packets of ${this.payloadBytes} bytes do not reach ${this.remoteAddress}:${this.remotePort}; ` +
            `the next connection sends ${this.basePayloadBytes}`,
        ),
      );
      return;
    }
    if (this.state === 'syn-sent') {
      this.synTries++;
      if (this.synTries >= SYN_TRIES) {
        this.fail(new UtpError('ETIMEDOUT', `no uTP answer from ${this.remoteAddress}:${this.remotePort}`));
        return;
      }
    } else if (
      this.timeouts >= MAX_TIMEOUTS &&
      this.transport.nowMs() - this.lastReceivedAtMs > this.rtt.rtoMs
    ) {
      this.fail(
        new UtpError('ETIMEDOUT', `uTP connection to ${this.remoteAddress}:${this.remotePort} timed out`),
      );
      return;
    }
    this.rtt.backOff();
    this.ledbat.onTimeout();
    this.lossSeq = seqAdd(this.seqNr, -1);
    this.transmit(seq);
  }

  private finAcked(): void {
    // Both FINs seen (or ours acked after the reader ended): the connection is done.
    if ((this.finSeq === -2 && !this.directEndPending) || this.readableEnded) this.destroy();
  }

  private fail(err: UtpError): void {
    this.state = 'closed';
    this.destroy(err);
  }

  override _destroy(err: Error | null, callback: (err: Error | null) => void): void {
    if (
      this.state === 'connected' &&
      !(this.finSent && seqDiff(this.seqNr, seqAdd(this.ackedSeq, 1)) === 0)
    ) {
      // Closed before the exchange finished: tell the peer at once instead of letting it time out.
      this.sendControl(UTP_ST_RESET);
    }
    this.state = 'closed';
    for (const q of this.sendQueue) q.callback?.(new UtpError('EUTPCLOSED', 'uTP connection closed'));
    this.sendQueue.length = 0;
    this.queuedBytes = 0;
    this.outPacket.fill(null);
    this.inPayload.fill(null);
    this.directQueue.length = 0;
    this.directQueueBytes = 0;
    this.transport.release(this);
    callback(err);
  }

  /** The socket is closing: drop the connection without a word to the transport's owner. */
  abort(): void {
    this.fail(new UtpError('EUTPCLOSED', 'uTP socket closed'));
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * What `UtpConnection.readDirect()` returns: the same shape as the TCP path's SocketReader
 * (engine/peer/socket-reader.ts), so the peer wire reads both alike. Setting a sink
 * delivers what waited for one.
 */
export class UtpDirectReader {
  private current: ((chunk: Uint8Array) => void) | null = null;
  constructor(private readonly onSink: () => void) {}

  get sink(): ((chunk: Uint8Array) => void) | null {
    return this.current;
  }

  set sink(sink: ((chunk: Uint8Array) => void) | null) {
    this.current = sink;
    if (sink) this.onSink();
  }
}
