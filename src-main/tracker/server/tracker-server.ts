/**
 * The UDP tracker on a socket: BEP 15 + the catalog extension (docs/PROTOCOL.md). Runs
 * standalone (`swarmdrop tracker`) or embedded in the app/daemon:
 *
 *   const server = new TrackerServer({ intervalSec: 15 });
 *   const { host, port } = await server.listen({ host: '127.0.0.1', port: 0 });
 *   …
 *   await server.close();
 *
 * All protocol logic lives in TrackerCore; this class owns the socket and the sweep timer.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { lookup } from 'node:dns/promises';
import { isIP, type Socket as TcpSocket } from 'node:net';
import { ipFamily, normalizeIp } from '../../protocol/ip-address.ts';
import { openDatagramPort, type DatagramPort } from '../../net/datagram-port.ts';
import { networkPrefix } from './network-prefix.ts';
import { TrackerCore, type TrackerOptions, type TrackerSnapshot, type TrackerStats } from './tracker-core.ts';

export interface TrackerServerOptions extends TrackerOptions {
  /** How often silent peers and orphan catalog entries are swept. Default min(interval/2, 60 s). */
  sweepIntervalMs?: number;
  /**
   * Socket receive and send buffers asked of the kernel. Default 8 MiB each: a default
   * ~208 KiB receive buffer holds ~1500 announces, so a burst that arrives while the event
   * loop is busy (a GC pause, a sweep) overflowed it and the kernel dropped datagrams.
   * Linux caps the request at net.core.rmem_max / wmem_max (often 4 MiB; 208 KiB on some
   * distributions) unless raised with sysctl; `bufferSizes()` reports what was granted.
   */
  recvBufferBytes?: number;
  sendBufferBytes?: number;
  /** The UDP socket (net/datagram-port.ts); default 'auto': native where it is built. */
  io?: 'auto' | 'native' | 'dgram';
  /**
   * Also serve HTTP announce and scrape (BEP 3, BEP 23, BEP 48) over TCP on the same port
   * number, from the same swarms with the same limits. Default false.
   */
  http?: boolean;
  /**
   * HTTP face: TCP connections one address (IPv4) or one /64 (IPv6) may hold open at once;
   * more are closed on arrival. Default 16.
   */
  httpConnectionsPerIp?: number;
  /** HTTP face: a connection silent this long is closed. Default 10 s. */
  httpIdleTimeoutMs?: number;
  /** HTTP face: TCP connections open at once, from everyone. Default 1 000. */
  httpMaxConnections?: number;
}

/** Bounds on the HTTP face: a tracker request is one short GET. */
const HTTP_MAX_HEADER_BYTES = 8 * 1024;
const HTTP_REQUEST_TIMEOUT_MS = 10_000;
const HTTP_KEEP_ALIVE_MS = 5_000;
const HTTP_MAX_CONNECTIONS = 1_000;
/**
 * One host must not take the whole HTTP face: without a per-address bound, 1 000 idle
 * sockets from one address shut everyone else out (the UDP side meters per address too).
 * A client needs one connection per announce; 16 leaves room for NAT'd neighbours.
 */
const HTTP_CONNECTIONS_PER_IP = 16;
const HTTP_IDLE_TIMEOUT_MS = 10_000;
/** Attempts at a port free for both UDP and TCP when asked for any port (port 0). */
const PORT_ATTEMPTS = 8;

export interface ListenOptions {
  /**
   * Bind address or host name. Default: every address, IPv6 and IPv4 ('::' dual-stack: an
   * IPv4 client is seen as ::ffff:a.b.c.d, which TrackerCore reads as IPv4), or every IPv4
   * address ('0.0.0.0') where the system has no IPv6.
   */
  host?: string;
  /** UDP port; 0 picks a free one. Default 6969. */
  port?: number;
}

export interface BoundAddress {
  host: string;
  port: number;
  family: 4 | 6;
}

export const DEFAULT_TRACKER_PORT = 6969;
const DEFAULT_SOCKET_BUFFER_BYTES = 8 * 1024 * 1024;

export class TrackerServer {
  private readonly core: TrackerCore;
  private readonly sweepIntervalMs: number;
  private readonly recvBufferBytes: number;
  private readonly sendBufferBytes: number;
  private readonly io: 'auto' | 'native' | 'dgram';
  private socket: DatagramPort | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private bound: BoundAddress | undefined;
  private closing: Promise<void> | undefined;
  private socketErrors = 0;
  private readonly httpEnabled: boolean;
  private http: Server | undefined;
  private readonly httpConnectionsPerIp: number;
  private readonly httpIdleTimeoutMs: number;
  private readonly httpMaxConnections: number;
  /** Open HTTP connections per address key (see connectionKey). */
  private readonly httpOpen = new Map<string, number>();
  private httpRefused = 0;
  /** The pending turn of catalog searches (see TrackerCore.runSearches). */
  private searchTurn: ReturnType<typeof setImmediate> | undefined;

  constructor(options: TrackerServerOptions = {}) {
    this.core = new TrackerCore(options);
    this.sweepIntervalMs = options.sweepIntervalMs ?? Math.min((this.core.intervalSec * 1000) / 2, 60_000);
    this.recvBufferBytes = options.recvBufferBytes ?? DEFAULT_SOCKET_BUFFER_BYTES;
    this.sendBufferBytes = options.sendBufferBytes ?? DEFAULT_SOCKET_BUFFER_BYTES;
    this.io = options.io ?? 'auto';
    this.httpEnabled = options.http ?? false;
    this.httpConnectionsPerIp = options.httpConnectionsPerIp ?? HTTP_CONNECTIONS_PER_IP;
    this.httpIdleTimeoutMs = options.httpIdleTimeoutMs ?? HTTP_IDLE_TIMEOUT_MS;
    this.httpMaxConnections = options.httpMaxConnections ?? HTTP_MAX_CONNECTIONS;
  }

  get intervalSec(): number {
    return this.core.intervalSec;
  }

  /**
   * Binds the socket (and, with `http`, a TCP listener on the same port number); resolves
   * with the bound address once requests are being served.
   */
  async listen(options: ListenOptions = {}): Promise<BoundAddress> {
    if (this.socket || this.closing) throw new Error('tracker server already started');
    const port = options.port ?? DEFAULT_TRACKER_PORT;
    if (options.host !== undefined) {
      const ip = isIP(options.host) ? options.host : (await lookup(options.host)).address;
      return this.listenOn(ip, port);
    }
    try {
      return await this.listenOn('::', port);
    } catch (err) {
      // No IPv6 here (disabled in the kernel or in this network namespace): IPv4 only.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL') throw err;
      return this.listenOn('0.0.0.0', port);
    }
  }

  private async listenOn(ip: string, port: number): Promise<BoundAddress> {
    for (let attempt = 1; ; attempt++) {
      const bound = await this.listenUdp(ip, port);
      if (!this.httpEnabled) return bound;
      try {
        await this.listenHttp(ip, bound.port);
        return bound;
      } catch (err) {
        await this.stopUdp();
        // Any port was asked for: the one UDP got may be taken over TCP; try another.
        const busy = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
        if (!(busy && port === 0 && attempt < PORT_ATTEMPTS)) throw err;
      }
    }
  }

  private async listenHttp(ip: string, port: number): Promise<void> {
    const server = createHttpServer(
      {
        maxHeaderSize: HTTP_MAX_HEADER_BYTES,
        requestTimeout: HTTP_REQUEST_TIMEOUT_MS,
        keepAliveTimeout: HTTP_KEEP_ALIVE_MS,
      },
      (req, res) => this.onHttp(req, res),
    );
    server.headersTimeout = HTTP_REQUEST_TIMEOUT_MS;
    server.maxConnections = this.httpMaxConnections;
    // Node checks request and header time-outs only every 30 s; an idle socket time-out
    // closes a connection that sends nothing (or stops half-way) on time.
    server.timeout = this.httpIdleTimeoutMs;
    // Runs after http's own listener, in the same tick: nothing has been read yet.
    server.on('connection', (socket) => this.admitHttp(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // ipv6Only false: '::' takes IPv4 connections too, as on the UDP side.
      server.listen({ host: ip, port, exclusive: true, ipv6Only: false }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // After listening, errors concern one connection, never the tracker.
    server.on('error', () => this.socketErrors++);
    server.on('clientError', (_err, socket) => socket.destroy());
    this.http = server;
  }

  /** Counts a new TCP connection against its address; closes it when the address is over its cap. */
  private admitHttp(socket: TcpSocket): void {
    const key = connectionKey(socket.remoteAddress);
    if (key === undefined) return void socket.destroy();
    const open = this.httpOpen.get(key) ?? 0;
    if (open >= this.httpConnectionsPerIp) {
      this.httpRefused++;
      socket.destroy();
      return;
    }
    this.httpOpen.set(key, open + 1);
    socket.once('close', () => {
      const left = (this.httpOpen.get(key) ?? 1) - 1;
      if (left > 0) this.httpOpen.set(key, left);
      else this.httpOpen.delete(key);
    });
  }

  /** One HTTP request: GET …/announce or …/scrape (BEP 48's naming); anything else is 404. */
  private onHttp(req: IncomingMessage, res: ServerResponse): void {
    const target = req.url ?? '';
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const query = q < 0 ? '' : target.slice(q + 1);
    const name = path.slice(path.lastIndexOf('/') + 1);
    const reply = (status: number, body: Uint8Array | string) => {
      res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (req.method !== 'GET') return reply(405, 'tracker requests are GET\n');
    const from = req.socket.remoteAddress;
    if (!from) return reply(400, 'no remote address\n');
    if (name === 'announce') return reply(200, this.core.httpAnnounce(query, from));
    if (name === 'scrape') return reply(200, this.core.httpScrape(query));
    reply(404, 'not a tracker path: use /announce or /scrape\n');
  }

  /** Closes the UDP socket of a listen that could not complete. */
  private async stopUdp(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    this.bound = undefined;
    await socket?.close();
  }

  private async listenUdp(ip: string, port: number): Promise<BoundAddress> {
    const family = isIP(ip) === 6 ? 6 : 4;
    // The native socket where it is built (net/datagram-port.ts): many announces per
    // system call, read into one reused buffer, replies sent at once. The decoders copy
    // what they keep (protocol/udp-tracker copyBytes), so nothing aliases that buffer.
    const socket = await openDatagramPort({
      host: ip,
      port,
      recvBufferBytes: this.recvBufferBytes,
      sendBufferBytes: this.sendBufferBytes,
      io: this.io,
    });
    this.socket = socket;
    // After binding, socket errors are counted; they concern one peer, never the tracker.
    socket.onError = () => this.socketErrors++;
    const from = { address: '', port: 0 };
    socket.onDatagram = (msg, address, fromPort) => {
      from.address = address;
      from.port = fromPort;
      const reply = this.core.handle(msg, from);
      // No completion callback: a reply that fails to send is not counted; to the client
      // it is a lost datagram, which BEP 15 retransmits.
      if (reply) socket.send(reply, reply.length, fromPort, address);
      if (this.searchTurn === undefined && this.core.searchesQueued) this.scheduleSearches(socket);
    };
    this.timer = setInterval(() => this.core.sweep(), this.sweepIntervalMs);
    this.timer.unref();
    this.bound = { host: ip, port: socket.localPort, family };
    return this.bound;
  }

  /**
   * Answers queued searches in the check phase of the event loop, after the datagrams the
   * poll phase read (at most a batch per turn), one budget per turn: announces never wait
   * behind more than one budget of catalog scanning, however many searches arrive.
   */
  private scheduleSearches(socket: DatagramPort): void {
    this.searchTurn = setImmediate(() => {
      this.searchTurn = undefined;
      if (this.socket !== socket) return;
      const more = this.core.runSearches((reply, address, port) =>
        socket.send(reply, reply.length, port, address),
      );
      if (more) this.scheduleSearches(socket);
    });
  }

  /**
   * The socket buffers the kernel granted, in bytes, or undefined before `listen`. Linux
   * reports twice the accepted request (it counts its bookkeeping), capped at 2 × rmem_max.
   */
  bufferSizes(): { recvBytes: number; sendBytes: number } | undefined {
    if (!this.socket || !this.bound) return undefined;
    return this.socket.bufferSizes();
  }

  /** The bound address, or undefined before `listen` resolves. */
  address(): BoundAddress | undefined {
    return this.bound;
  }

  /** Expires silent peers and orphan catalog entries now (the timer does it periodically). */
  sweep(): void {
    this.core.sweep();
  }

  /**
   * `socketErrors`: errors the socket emitted (failed reply sends are not counted);
   * `httpConnectionsRefused`: TCP connections closed on arrival by the per-address cap.
   */
  stats(): TrackerStats & { socketErrors: number; httpConnectionsRefused: number } {
    return {
      ...this.core.stats(),
      socketErrors: this.socketErrors,
      httpConnectionsRefused: this.httpRefused,
    };
  }

  /** Every swarm, peer and catalog entry, in a stable order. */
  snapshot(): TrackerSnapshot {
    return this.core.snapshot();
  }

  /** Stops serving and frees the port. Idempotent; safe before or without `listen`. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (this.timer) clearInterval(this.timer);
      this.timer = undefined;
      if (this.searchTurn) clearImmediate(this.searchTurn);
      this.searchTurn = undefined;
      const socket = this.socket;
      this.socket = undefined;
      const http = this.http;
      this.http = undefined;
      const closeHttp = new Promise<void>((done) => {
        if (!http) return done();
        http.close(() => done());
        http.closeAllConnections();
      });
      if (!socket) return void closeHttp.then(resolve);
      socket.onDatagram = null;
      void socket.close().then(() => closeHttp.then(resolve));
    });
    return this.closing;
  }
}

/**
 * Whose quota a TCP connection counts against: its IPv4 address, or its IPv6 /64 (one host
 * is usually handed a whole /64: counted per address, it could open the cap from each).
 */
function connectionKey(remote: string | undefined): string | undefined {
  if (remote === undefined) return undefined;
  try {
    const ip = normalizeIp(remote);
    return ipFamily(ip) === 6 ? networkPrefix(ip, 6) : ip;
  } catch {
    return undefined;
  }
}
