// One TCP listener for every torrent (BEP 3 peers dial one port): reads the incoming
// handshake with a time-out and routes the connection by info-hash to the torrent's
// acceptor. Unknown hashes and connections over the cap are closed, and so are those
// from an address that already has `maxPendingPerIp` handshakes outstanding: one host
// must not fill the session's slots with connections that never say which torrent.
import net from 'node:net';
import type { Handshake } from '../../protocol/wire/handshake.ts';
import { PeerConnection, type PeerConnectionOptions } from './peer-connection.ts';

/**
 * Takes over a routed connection. It must attach its listeners, then call
 * `conn.sendHandshake(ours)` and `conn.start()` (or `conn.close(code)` to refuse) —
 * synchronously or later, but before the connection's handshake time-out.
 */
export type PeerAcceptor = (conn: PeerConnection, remote: Handshake) => void;

export interface PeerServerOptions {
  /** Bind address. Default '0.0.0.0'. */
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
  connection?: Omit<PeerConnectionOptions, 'socket' | 'direction' | 'reader'>;
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
  private closed = false;
  private readonly maxConnections: number;
  private readonly maxPendingPerIp: number;

  private constructor(private readonly options: PeerServerOptions) {
    this.maxConnections = options.maxConnections ?? 200;
    this.maxPendingPerIp = options.maxPendingPerIp ?? 16;
    this.server = net.createServer({ noDelay: true }, (socket) => this.handleSocket(socket));
  }

  /** Starts listening; rejects with PeerServerError (code 'port-in-use', …). */
  static async listen(options: PeerServerOptions): Promise<PeerServer> {
    const server = new PeerServer(options);
    await server.bind();
    return server;
  }

  private bind(): Promise<void> {
    const host = this.options.host ?? '0.0.0.0';
    const port = this.options.port ?? 6881;
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        const code: PeerServerErrorCode =
          err.code === 'EADDRINUSE'
            ? 'port-in-use'
            : err.code === 'EACCES'
              ? 'permission-denied'
              : 'listen-failed';
        reject(new PeerServerError(code, `cannot listen on ${host}:${port}: ${err.message}`, err));
      };
      this.server.once('error', onError);
      this.server.listen({ host, port }, () => {
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
    return this.connections.size;
  }

  private handleSocket(socket: net.Socket): void {
    if (this.closed || this.connections.size >= this.maxConnections || this.options.canAccept?.() === false) {
      socket.on('error', () => {});
      socket.destroy();
      return;
    }
    const conn = new PeerConnection({ ...this.options.connection, socket, direction: 'incoming' });
    const host = conn.remoteHost;
    const pendingFromHost = this.pendingPerIp.get(host) ?? 0;
    if (pendingFromHost >= this.maxPendingPerIp) {
      conn.close('per-ip-limit', `${pendingFromHost} handshakes already pending from ${host}`);
      return;
    }
    this.pendingPerIp.set(host, pendingFromHost + 1);
    this.connections.add(conn);
    this.pending.add(conn);
    const settle = () => {
      if (!this.pending.delete(conn)) return;
      const n = (this.pendingPerIp.get(host) ?? 1) - 1;
      if (n > 0) this.pendingPerIp.set(host, n);
      else this.pendingPerIp.delete(host);
    };
    conn.on('close', () => {
      this.connections.delete(conn);
      settle();
    });
    conn.once('handshake', (remote) => {
      settle();
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
  }

  /**
   * Stops listening and closes connections still waiting for their handshake. Routed
   * connections belong to their torrents, which close them. Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const conn of [...this.pending]) conn.close('server-closed', 'peer server closed');
    // net.Server's close callback waits for every accepted socket, including routed
    // connections owned by torrents; stopping the listener is what this object owns.
    this.server.close();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
