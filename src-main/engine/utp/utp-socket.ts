// The UDP socket on the peer port, and the one owner of its datagrams. Each datagram is
// routed by its first bytes: a bencoded dict ('d', a DHT message) goes to
// `onOtherDatagram` when someone plugged it in, a valid uTP header (type 0–4, version 1)
// to the uTP connection with that id from that address, anything else is dropped and
// counted. New uTP connections from peers (a SYN) go to `onConnection`.
//
// Connections are found by (connection id, port, address) without building a string per
// datagram: the map key is the number id·65536 + port, and the address is compared last.
// One timer ticks every connection (time-outs, keep-alives); acks and data written in one
// turn of the event loop go out together at its end (setImmediate).
//
// The socket itself is a DatagramPort (net/datagram-port.ts): the native one, which reads
// datagrams into a buffer it reuses, where it is built, else Node's dgram.
import type dgram from 'node:dgram';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  decodeUtpHeader,
  emptyUtpHeader,
  looksLikeUtp,
  UTP_HEADER_BYTES,
  UTP_ST_RESET,
  UTP_ST_STATE,
  UTP_ST_SYN,
  writeUtpHeader,
} from '../../protocol/utp/utp-header.ts';
import { isProtocolError } from '../../protocol/protocol-error.ts';
import { UtpConnection, UtpError, type UtpTransport } from './utp-connection.ts';
import { seqAdd } from './utp-seq.ts';
import { PathMtu, type LinkSource } from './path-mtu.ts';
import { openDatagramPort, type DatagramPort } from '../../net/datagram-port.ts';

export interface UtpSocketOptions {
  /** Bind address; default '0.0.0.0'. An IPv6 address binds a dual-stack socket. */
  host?: string;
  /** Port; 0 picks one. The peer server binds the same number over TCP. */
  port: number;
  /** Payload bytes per packet. Default 1400 (fits a 1500-byte path with IP/UDP headers). */
  payloadBytes?: number;
  /**
   * Where each connection's path MTU is looked up (path-mtu.ts): a peer that reads big
   * datagrams gets packets as big as its link carries. Default: this machine's interfaces.
   */
  links?: LinkSource;
  /** Per-connection receive buffer (our advertised window). Default 1 MiB. */
  receiveBufferBytes?: number;
  /** Incoming connections open at once (beyond that a SYN is answered with RESET). Default 200. */
  maxConnections?: number;
  /** Tick of the time-out timer. Default 100 ms. */
  tickMs?: number;
  /** The socket underneath (net/datagram-port.ts); default 'auto': native where it is built. */
  io?: 'auto' | 'native' | 'dgram';
}

export type UtpSocketErrorCode = 'port-in-use' | 'permission-denied' | 'listen-failed' | 'closed';

export class UtpSocketError extends Error {
  override readonly name = 'UtpSocketError';
  constructor(
    readonly code: UtpSocketErrorCode,
    message: string,
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}

/** Datagrams routed elsewhere or dropped, by reason (shown in tests and diagnostics). */
export interface UtpSocketCounters {
  utpPackets: number;
  /** Datagrams handed to `onOtherDatagram` (the DHT). */
  other: number;
  /** Neither uTP nor claimed by anyone. */
  dropped: number;
  /** uTP headers that failed to decode, or named no connection. */
  strayUtp: number;
}

const SEND_BUFFER_BYTES = 4 * 1024 * 1024;
/** Remotes remembered as too narrow for big packets (see `pathTooNarrow`). */
const ADDRESS_CACHE_ENTRIES = 1024;

export class UtpSocket implements UtpTransport {
  private readonly dualStack: boolean;
  private readonly byKey = new Map<number, UtpConnection | UtpConnection[]>();
  private flushQueue = new Set<UtpConnection>();
  private flushSpare = new Set<UtpConnection>();
  private flushScheduled = false;
  private readonly header = emptyUtpHeader();
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private incoming = 0;
  readonly counters: UtpSocketCounters = { utpPackets: 0, other: 0, dropped: 0, strayUtp: 0 };
  readonly payloadBytes: number;
  private readonly receiveBufferBytes: number;
  private readonly maxConnections: number;
  private readonly pathMtu: PathMtu;
  /** Remotes that big packets did not reach (`pathTooNarrow`): they keep the usual size. */
  private readonly narrowPaths = new Set<string>();

  /** A peer opened a uTP connection to us; the handler owns it from now on. */
  onConnection: ((conn: UtpConnection) => void) | null = null;
  /** Datagrams that are not uTP and start with 'd' (bencoded dict): the DHT plugs in here. */
  onOtherDatagram: ((msg: Buffer, rinfo: dgram.RemoteInfo) => void) | null = null;
  /** Errors after binding (rare: the socket died). */
  onError: ((err: Error) => void) | null = null;

  private constructor(
    private readonly options: UtpSocketOptions,
    private readonly socket: DatagramPort,
  ) {
    this.dualStack = isIP(options.host ?? '0.0.0.0') === 6;
    this.payloadBytes = options.payloadBytes ?? 1400;
    this.pathMtu = new PathMtu(this.payloadBytes, options.links);
    this.receiveBufferBytes = options.receiveBufferBytes ?? 1024 * 1024;
    this.maxConnections = options.maxConnections ?? 200;
    socket.onDatagram = (msg, host, port) => this.handleDatagram(msg, host, port);
    socket.onError = (err) => this.onError?.(err);
    this.timer = setInterval(() => this.tick(), options.tickMs ?? 100);
    this.timer.unref();
  }

  /** Binds; rejects with UtpSocketError ('port-in-use', …). */
  static async bind(options: UtpSocketOptions): Promise<UtpSocket> {
    const host = options.host ?? '0.0.0.0';
    let socket: DatagramPort;
    try {
      socket = await openDatagramPort({
        host,
        port: options.port,
        recvBufferBytes: SEND_BUFFER_BYTES,
        sendBufferBytes: SEND_BUFFER_BYTES,
        io: options.io,
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const reason: UtpSocketErrorCode =
        code === 'EADDRINUSE' ? 'port-in-use' : code === 'EACCES' ? 'permission-denied' : 'listen-failed';
      throw new UtpSocketError(
        reason,
        `cannot bind UDP ${host}:${options.port}: ${(err as Error).message}`,
        err,
      );
    }
    return new UtpSocket(options, socket);
  }

  get port(): number {
    return this.socket.localPort;
  }

  /** Which socket carries the datagrams: 'native' (net/datagram-port.ts) or Node's 'dgram'. */
  get io(): 'native' | 'dgram' {
    return this.socket.io;
  }

  /** Open connections (both directions). */
  get connectionCount(): number {
    let n = 0;
    for (const v of this.byKey.values()) n += Array.isArray(v) ? v.length : 1;
    return n;
  }

  payloadCeiling(address: string): number {
    return this.narrowPaths.has(address) ? this.payloadBytes : this.pathMtu.payloadCeiling(address);
  }

  pathTooNarrow(address: string): void {
    // Bounded: a scan of many misconfigured paths starts the list over.
    if (this.narrowPaths.size >= ADDRESS_CACHE_ENTRIES) this.narrowPaths.clear();
    this.narrowPaths.add(address);
  }

  /** The raw socket's send, for a plugged-in DHT sharing the port. */
  sendDatagram(msg: Uint8Array, port: number, host: string): void {
    if (!this.closed) this.send(msg, msg.length, port, host);
  }

  // ------------------------------------------------------------ dialing

  /**
   * Opens a uTP connection. As with net.connect, it emits 'connect' once the peer answered
   * the SYN, or 'error' (UtpError, code ECONNREFUSED / ETIMEDOUT / EUTPCLOSED).
   */
  /**
   * Whether this socket can send to `host`: an IPv4 socket reaches IPv4 only, a socket on
   * one IPv6 address IPv6 only, a dual-stack one ('::') both. The dialer uses TCP alone
   * for the rest (a session on 127.0.0.1 told of a peer at [::1] by PEX, say).
   */
  canReach(host: string): boolean {
    const family = isIP(host);
    if (family === 0) return false;
    if (!this.dualStack) return family === 4;
    return family === 6 || (this.options.host ?? '0.0.0.0') === '::';
  }

  connect(host: string, port: number): UtpConnection {
    let recvId = randomId();
    for (let i = 0; i < 64 && this.find(recvId, port, host); i++) recvId = randomId();
    const conn = this.create(host, port, recvId, (recvId + 1) & 0xffff, 'syn-sent', randomId());
    if (this.closed) {
      process.nextTick(() => conn.destroy(new UtpError('EUTPCLOSED', 'uTP socket closed')));
    } else conn.startConnect();
    return conn;
  }

  private create(
    host: string,
    port: number,
    recvId: number,
    sendId: number,
    state: 'syn-sent' | 'connected',
    initialSeq: number,
  ): UtpConnection {
    const conn = new UtpConnection(
      {
        transport: this,
        remoteAddress: host,
        remotePort: port,
        recvId,
        sendId,
        payloadBytes: this.payloadBytes,
        datagramsReused: this.socket.reusesBuffers,
        receiveBufferBytes: this.receiveBufferBytes,
        writableHighWaterMark: 256 * 1024,
      },
      state,
      initialSeq,
    );
    const key = recvId * 65536 + port;
    const existing = this.byKey.get(key);
    if (!existing) this.byKey.set(key, conn);
    else if (Array.isArray(existing)) existing.push(conn);
    else this.byKey.set(key, [existing, conn]);
    return conn;
  }

  private find(recvId: number, port: number, host: string): UtpConnection | undefined {
    const v = this.byKey.get(recvId * 65536 + port);
    if (!v) return undefined;
    if (!Array.isArray(v)) return v.remoteAddress === host ? v : undefined;
    for (const c of v) if (c.remoteAddress === host) return c;
    return undefined;
  }

  // ------------------------------------------------------------ receiving

  private handleDatagram(msg: Buffer, host: string, port: number): void {
    if (this.closed) return;
    if (!looksLikeUtp(msg)) {
      if (msg.length > 0 && msg[0] === 0x64 && this.onOtherDatagram) {
        this.counters.other++;
        // The DHT keeps views into its messages: give it bytes of its own.
        const own = this.socket.reusesBuffers ? Buffer.from(msg) : msg;
        const family = isIP(host) === 6 ? 'IPv6' : 'IPv4';
        this.onOtherDatagram(own, { address: host, port, family, size: own.length });
      } else this.counters.dropped++;
      return;
    }
    const h = this.header;
    try {
      decodeUtpHeader(msg, h);
    } catch (err) {
      if (!isProtocolError(err)) throw err;
      this.counters.strayUtp++;
      return;
    }
    this.counters.utpPackets++;
    const now = this.nowMs();
    if (h.type === UTP_ST_SYN) {
      this.handleSyn(host, port, now);
      return;
    }
    const conn = this.find(h.connectionId, port, host);
    if (conn) {
      conn.receive(h, msg, now);
      return;
    }
    this.counters.strayUtp++;
    // Tell the sender the connection is gone, so it stops at once (never answer a RESET or an ack).
    if (h.type !== UTP_ST_RESET && h.type !== UTP_ST_STATE)
      this.sendReset(h.connectionId, h.seqNr, host, port);
  }

  private handleSyn(host: string, port: number, now: number): void {
    const h = this.header;
    const recvId = (h.connectionId + 1) & 0xffff;
    const existing = this.find(recvId, port, host);
    if (existing) {
      existing.repeatSynAck();
      return;
    }
    if (!this.onConnection || this.incoming >= this.maxConnections) {
      this.sendReset(h.connectionId, h.seqNr, host, port);
      return;
    }
    const conn = this.create(host, port, recvId, h.connectionId, 'connected', randomId());
    this.incoming++;
    conn.once('close', () => this.incoming--);
    conn.acceptSyn(h.seqNr, h, now);
    this.onConnection(conn);
  }

  private sendReset(connectionId: number, seqNr: number, host: string, port: number): void {
    const packet = Buffer.allocUnsafe(UTP_HEADER_BYTES);
    writeUtpHeader(packet, 0, {
      type: UTP_ST_RESET,
      connectionId,
      timestampUs: 0,
      timestampDiffUs: 0,
      windowBytes: 0,
      seqNr: randomId(),
      ackNr: seqAdd(seqNr, 0),
    });
    this.send(packet, packet.length, port, host);
  }

  // ------------------------------------------------------------ transport for connections

  /**
   * Sends one datagram; an IPv4 `host` reaches its peer through a dual-stack socket too.
   * `callback` (the DHT's, sharing the socket) hears how the send went; uTP recovers a
   * lost send through its timers.
   */
  send(
    packet: Uint8Array,
    length: number,
    port: number,
    host: string,
    callback?: (err: Error | null) => void,
  ): void {
    if (this.closed) {
      callback?.(new UtpSocketError('closed', 'the uTP socket is closed'));
      return;
    }
    // A datagram the kernel refuses (full send buffer, unreachable peer) is dropped
    // silently, and the uTP timers resend it.
    this.socket.send(packet, length, port, host, callback);
  }

  /** The address the socket is bound to ('0.0.0.0', '::', or a specific one). */
  get host(): string {
    return this.options.host ?? '0.0.0.0';
  }

  wantFlush(conn: UtpConnection): void {
    this.flushQueue.add(conn);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flush);
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    // Swap first: a flush may write (a write callback can write again), and what it
    // queues belongs to the next flush, not to a set being cleared behind it.
    const batch = this.flushQueue;
    this.flushQueue = this.flushSpare;
    this.flushSpare = batch;
    for (const conn of batch) conn.flushAcks();
    batch.clear();
  };

  release(conn: UtpConnection): void {
    const key = conn.recvId * 65536 + conn.remotePort;
    const v = this.byKey.get(key);
    if (v === conn) this.byKey.delete(key);
    else if (Array.isArray(v)) {
      const rest = v.filter((c) => c !== conn);
      if (rest.length === 0) this.byKey.delete(key);
      else this.byKey.set(key, rest.length === 1 ? rest[0]! : rest);
    }
    this.flushQueue.delete(conn);
    this.flushSpare.delete(conn);
  }

  nowMs(): number {
    return performance.now();
  }

  private tick(): void {
    const now = this.nowMs();
    for (const v of this.byKey.values()) {
      if (Array.isArray(v)) for (const c of [...v]) c.tick(now);
      else v.tick(now);
    }
  }

  /** Closes every connection and the socket. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const v of [...this.byKey.values()]) {
      for (const c of Array.isArray(v) ? [...v] : [v]) c.destroy();
    }
    this.closed = true;
    clearInterval(this.timer);
    await this.socket.close();
  }
}

const randomId = (): number => Math.floor(Math.random() * 65536);
