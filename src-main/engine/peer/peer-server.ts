// One TCP listener for every torrent (BEP 3 peers dial one port): reads the incoming
// handshake with a time-out and routes the connection by info-hash to the torrent's
// acceptor. Unknown hashes and connections over the cap are closed, and so are those
// from an address that already has `maxPendingPerIp` handshakes outstanding: one host
// must not fill the session's slots with connections that never say which torrent.
// With encryption on, each socket is first sniffed: a plain handshake goes straight on,
// anything else is answered as Message Stream Encryption (encryption.ts), whose skey
// lookup finds the torrent among `infoHashes()`.
// Connections that peers open over uTP (engine/utp, on the same port number over UDP) take
// the same path once `acceptUtp` is given the socket.
import net from 'node:net';
import { req2Hash } from '../../protocol/mse/mse-crypto.ts';
import { normalizeIp } from '../../protocol/ip-address.ts';
import type { Handshake } from '../../protocol/wire/handshake.ts';
import { bytesEqual } from '../../protocol/wire/wire-bytes.ts';
import { negotiateIncoming, type EncryptionMode, type NegotiatedStream } from './encryption.ts';
import { PeerConnection, type PeerConnectionOptions } from './peer-connection.ts';
import type { PeerSocket, PeerTransport } from './peer-socket.ts';
import type { ChunkReader } from './socket-reader.ts';
import type { UtpSocket } from '../utp/utp-socket.ts';

/**
 * Takes over a routed connection. It must attach its listeners, then call
 * `conn.sendHandshake(ours)` and `conn.start()` (or `conn.close(code)` to refuse) —
 * synchronously or later, but before the connection's handshake time-out.
 */
export type PeerAcceptor = (conn: PeerConnection, remote: Handshake) => void;

export interface PeerServerOptions {
  /**
   * Bind address. Default: every address, IPv6 and IPv4 ('::' dual-stack), or every IPv4
   * address ('0.0.0.0') where the system has no IPv6.
   */
  host?: string;
  /** Port; 0 picks a free one (see `port`). Default 6881. */
  port?: number;
  /** Routes an info-hash to its torrent; undefined closes the connection. */
  lookup: (infoHash: Uint8Array) => PeerAcceptor | undefined;
  /** Incoming connections (routed or not) open at once. Default 200. */
  maxConnections?: number;
  /** Connections from one IP still waiting for their handshake. Default 16. */
  maxPendingPerIp?: number;
  /** Extra session-wide check, e.g. the global connection limit. */
  canAccept?: () => boolean;
  /** Per-connection options (time-outs, limits, clock). */
  connection?: Omit<
    PeerConnectionOptions,
    'socket' | 'direction' | 'reader' | 'cipher' | 'encryption' | 'transport'
  >;
  /**
   * Message Stream Encryption for incoming connections: 'prefer' accepts plain and MSE,
   * 'require' MSE (RC4) only, 'off' plain only. Default 'off'.
   */
  encryption?: EncryptionMode;
  /** The info-hashes an MSE handshake may name (needed unless encryption is 'off'). */
  infoHashes?: () => Iterable<Uint8Array>;
  /** Time for the MSE exchange. Default 10 s. */
  encryptionTimeoutMs?: number;
  /** Errors after listening started (rare: the socket died). */
  onError?: (err: Error) => void;
}

export type PeerServerErrorCode = 'port-in-use' | 'permission-denied' | 'listen-failed';

export class PeerServerError extends Error {
  override readonly name = 'PeerServerError';
  constructor(
    readonly code: PeerServerErrorCode,
    message: string,
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}

export class PeerServer {
  private readonly server: net.Server;
  private readonly connections = new Set<PeerConnection>();
  private readonly pending = new Set<PeerConnection>();
  private readonly pendingPerIp = new Map<string, number>();
  /** Sockets still in the MSE exchange (or being sniffed), before a PeerConnection exists. */
  private readonly negotiating = new Set<PeerSocket>();
  private utp: UtpSocket | null = null;
  /** HASH('req2', info-hash) per hex info-hash, computed once per torrent. */
  private readonly req2ByInfoHash = new Map<string, Uint8Array>();
  private closed = false;
  private readonly maxConnections: number;
  private readonly maxPendingPerIp: number;
  /** Encryption for connections accepted from now on. */
  encryption: EncryptionMode;

  private constructor(private readonly options: PeerServerOptions) {
    this.maxConnections = options.maxConnections ?? 200;
    this.maxPendingPerIp = options.maxPendingPerIp ?? 16;
    this.encryption = options.encryption ?? 'off';
    this.server = net.createServer({ noDelay: true }, (socket) => this.handleSocket(socket, 'tcp'));
  }

  /** Takes incoming uTP connections from `utp` from now on (null: stop taking them). */
  acceptUtp(utp: UtpSocket | null): void {
    if (this.utp) this.utp.onConnection = null;
    this.utp = utp;
    // Payloads straight to the peer wire, not through the Duplex's 'data' machinery.
    if (utp) utp.onConnection = (conn) => this.handleSocket(conn, 'utp', conn.readDirect());
  }

  /** Starts listening; rejects with PeerServerError (code 'port-in-use', …). */
  static async listen(options: PeerServerOptions): Promise<PeerServer> {
    const server = new PeerServer(options);
    await server.bind();
    return server;
  }

  private async bind(): Promise<void> {
    const port = this.options.port ?? 6881;
    if (this.options.host !== undefined) return this.bindTo(this.options.host, port);
    try {
      await this.bindTo('::', port);
    } catch (err) {
      // No IPv6 here (disabled in the kernel or in this network namespace): IPv4 only.
      const cause = err instanceof PeerServerError ? (err.cause as NodeJS.ErrnoException) : undefined;
      if (cause?.code !== 'EAFNOSUPPORT' && cause?.code !== 'EADDRNOTAVAIL') throw err;
      await this.bindTo('0.0.0.0', port);
    }
  }

  private bindTo(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        const code: PeerServerErrorCode =
          err.code === 'EADDRINUSE'
            ? 'port-in-use'
            : err.code === 'EACCES'
              ? 'permission-denied'
              : 'listen-failed';
        const where = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
        reject(new PeerServerError(code, `cannot listen on ${where}: ${err.message}`, err));
      };
      this.server.once('error', onError);
      // ipv6Only false: '::' takes IPv4 connections too (as IPv4-mapped addresses).
      this.server.listen({ host, port, ipv6Only: false }, () => {
        this.server.off('error', onError);
        this.server.on('error', (err) => this.options.onError?.(err));
        resolve();
      });
    });
  }

  /** The bound port (useful with port 0). */
  get port(): number {
    const addr = this.server.address();
    return typeof addr === 'object' && addr ? addr.port : 0;
  }

  get host(): string {
    const addr = this.server.address();
    return typeof addr === 'object' && addr ? addr.address : '';
  }

  /** Incoming connections still open (routed and unrouted). */
  get connectionCount(): number {
    return this.connections.size + this.negotiating.size;
  }

  private handleSocket(socket: PeerSocket, transport: PeerTransport, reader?: ChunkReader): void {
    if (this.closed || this.connections.size >= this.maxConnections || this.options.canAccept?.() === false) {
      socket.on('error', () => {});
      socket.destroy();
      return;
    }
    // Counted from accept to the BitTorrent handshake, MSE exchange included.
    const host = remoteHostOf(socket);
    const pendingFromHost = this.pendingPerIp.get(host) ?? 0;
    if (pendingFromHost >= this.maxPendingPerIp) {
      socket.on('error', () => {});
      socket.destroy();
      return;
    }
    this.pendingPerIp.set(host, pendingFromHost + 1);
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      const n = (this.pendingPerIp.get(host) ?? 1) - 1;
      if (n > 0) this.pendingPerIp.set(host, n);
      else this.pendingPerIp.delete(host);
    };
    const mode = this.encryption;
    if (mode === 'off') {
      this.adopt(socket, null, transport, settle, reader);
      return;
    }
    this.negotiating.add(socket);
    negotiateIncoming(
      socket,
      {
        mode,
        findInfoHash: (req2) => this.findInfoHash(req2),
        ...(reader ? { reader } : {}),
        ...(this.options.encryptionTimeoutMs ? { timeoutMs: this.options.encryptionTimeoutMs } : {}),
      },
      (err, stream) => {
        this.negotiating.delete(socket);
        if (err || this.closed) {
          settle();
          socket.destroy();
        } else this.adopt(socket, stream!, transport, settle, reader);
      },
    );
  }

  /** The skey lookup: which of our torrents an MSE handshake names. */
  private findInfoHash(req2: Uint8Array): Uint8Array | undefined {
    for (const infoHash of this.options.infoHashes?.() ?? []) {
      const hexKey = Buffer.from(infoHash).toString('hex');
      let hash = this.req2ByInfoHash.get(hexKey);
      if (!hash) {
        if (this.req2ByInfoHash.size > 10_000) this.req2ByInfoHash.clear();
        hash = req2Hash(infoHash);
        this.req2ByInfoHash.set(hexKey, hash);
      }
      if (bytesEqual(hash, req2)) return infoHash;
    }
    return undefined;
  }

  /**
   * Wraps a socket (plain, or after MSE) in a PeerConnection and routes its handshake;
   * `settle` frees the host's pending slot (once).
   */
  private adopt(
    socket: PeerSocket,
    stream: NegotiatedStream | null,
    transport: PeerTransport,
    settle: () => void,
    reader: ChunkReader | undefined,
  ): void {
    const conn = new PeerConnection({
      ...this.options.connection,
      socket,
      ...(reader ? { reader } : {}),
      transport,
      direction: 'incoming',
      cipher: stream?.cipher ?? null,
      encryption: stream?.encryption ?? 'none',
    });
    this.connections.add(conn);
    this.pending.add(conn);
    conn.on('close', () => {
      this.connections.delete(conn);
      this.pending.delete(conn);
      settle();
    });
    conn.once('handshake', (remote) => {
      this.pending.delete(conn);
      settle();
      if (stream?.infoHash && !bytesEqual(stream.infoHash, remote.infoHash)) {
        conn.close('info-hash-mismatch', 'the handshake names another torrent than the MSE handshake');
        return;
      }
      const acceptor = this.options.lookup(remote.infoHash);
      if (!acceptor) {
        conn.close('unknown-info-hash', 'no torrent with that info-hash here');
        return;
      }
      try {
        acceptor(conn, remote);
      } catch (err) {
        conn.fail(err);
      }
    });
    if (stream) conn.receiveBuffered(stream.initialBytes);
  }

  /**
   * Stops listening and closes connections still waiting for their handshake. Routed
   * connections belong to their torrents, which close them. Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.acceptUtp(null);
    for (const conn of [...this.pending]) conn.close('server-closed', 'peer server closed');
    for (const socket of [...this.negotiating]) socket.destroy();
    // net.Server's close callback waits for every accepted socket, including routed
    // connections owned by torrents; stopping the listener is what this object owns.
    this.server.close();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The socket's remote address as PeerConnection reports it (IPv4-mapped IPv6 as IPv4). */
function remoteHostOf(socket: PeerSocket): string {
  const address = socket.remoteAddress ?? '';
  try {
    return normalizeIp(address);
  } catch {
    return address;
  }
}
