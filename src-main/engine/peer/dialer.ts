// Outgoing peer connections: connect with a time-out, exchange handshakes, and hand back
// a PeerConnection ready for `start()`. Keeps limits (per torrent and global, counting
// dials in progress and the open connections they produced), an exponential back-off per
// address after failures (clock injected), and never dials a banned address or one that
// turned out to be ourselves (same peer id in the handshake). With encryption on, the
// dial starts with Message Stream Encryption (encryption.ts); in 'prefer' mode a peer
// that fails it is dialed again in plaintext at once and remembered as plaintext-only.
//
// With a uTP socket (engine/utp), a dial tries TCP first and uTP `headStartMs` later (at
// once when TCP fails sooner, e.g. refused by a peer that has TCP off); `preferUtp` swaps
// the order. TCP goes first because our uTP costs several times the CPU per byte of TCP
// (every ~1400-byte datagram is one trip through Node's UDP socket; docs/PERFORMANCE.md,
// "uTP: the cost is per datagram"), so between two Swarmdrops, or any peer that takes
// both, TCP moves the bytes for less; uTP reaches the peers TCP cannot. The first transport
// to connect carries the MSE and BitTorrent handshakes, the other attempt is closed before
// it sends a byte. Racing whole handshakes instead would hand the peer two handshakes from
// one peer id; its duplicate check may keep the one we close, and both ends would lose it.
import net from 'node:net';
import type { Handshake } from '../../protocol/wire/handshake.ts';
import {
  negotiateOutgoing,
  type EncryptionMode,
  type NegotiatedStream,
  type NegotiationError,
} from './encryption.ts';
import { PeerConnection, type PeerConnectionOptions } from './peer-connection.ts';
import type { PeerSocket, PeerTransport } from './peer-socket.ts';
import { SocketReader, type ChunkReader } from './socket-reader.ts';
import type { UtpSocket } from '../utp/utp-socket.ts';

export interface DialRequest {
  host: string;
  port: number;
  /** Our handshake for this torrent: its info-hash, our peer id, our reserved bits. */
  handshake: Handshake;
  /** Groups the per-torrent limit; default: the hex info-hash. */
  torrentKey?: string;
}

export type DialErrorCode =
  | 'banned'
  | 'self'
  | 'backoff'
  | 'already-dialing'
  | 'limit-torrent'
  | 'limit-global'
  | 'connect-timeout'
  | 'connect-failed'
  | 'handshake-failed'
  | 'encryption-failed'
  | 'closed';

export class DialError extends Error {
  override readonly name = 'DialError';
  constructor(
    readonly code: DialErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface DialerOptions {
  now?: () => number;
  /** Default 10 s. */
  connectTimeoutMs?: number;
  /** Outgoing connections per torrent (dialing + open). Default 30. */
  maxPerTorrent?: number;
  /** Outgoing connections overall (dialing + open). Default 150. */
  maxGlobal?: number;
  /** Dials in progress at once (half-open sockets). Default 32. */
  maxPending?: number;
  /** First back-off after a failure; doubles per consecutive failure. Default 5 s. */
  backoffBaseMs?: number;
  /** Default 10 min. */
  backoffMaxMs?: number;
  isBanned?: (host: string, port: number) => boolean;
  /** Per-connection options (time-outs, limits, clock). */
  connection?: Omit<
    PeerConnectionOptions,
    'socket' | 'direction' | 'reader' | 'cipher' | 'encryption' | 'transport'
  >;
  /** uTP socket to dial over as well as TCP (see the file comment); none: TCP only. */
  utp?: UtpSocket | null;
  /**
   * How long the first transport has to connect before the second is tried too. Default
   * 500 ms: a TCP connect normally completes within one round trip, so past that the peer
   * is likely filtering TCP (or is very far) and uTP gets its chance beside it.
   */
  headStartMs?: number;
  /** Dial uTP first and TCP after the head start (default: TCP first). */
  preferUtp?: boolean;
  /** Message Stream Encryption for outgoing connections (see encryption.ts). Default 'off'. */
  encryption?: EncryptionMode;
  /** Time for the MSE exchange before it counts as failed. Default 10 s. */
  encryptionTimeoutMs?: number;
}

/** Addresses remembered as not speaking MSE ('prefer' mode), oldest dropped first. */
const MAX_PLAINTEXT_ONLY = 4096;

interface DialEntry {
  /** The sockets of the current try (one per transport racing; empty before the first). */
  sockets: Set<PeerSocket>;
  conn: PeerConnection | null;
  torrentKey: string;
  /** The transport the current try connected over, once it has. */
  connectedOver?: PeerTransport;
}

interface Backoff {
  failures: number;
  retryAtMs: number;
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const addressKey = (host: string, port: number) =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

export class Dialer {
  private readonly now: () => number;
  private readonly backoff = new Map<string, Backoff>();
  private readonly selfAddresses = new Set<string>();
  private readonly plaintextOnly = new Set<string>();
  private readonly dialing = new Map<string, DialEntry>();
  private readonly perTorrent = new Map<string, number>();
  private total = 0;
  private closed = false;
  /** Encryption for dials started from now on. */
  encryption: EncryptionMode;
  /** uTP socket for dials started from now on (null: TCP only). */
  utp: UtpSocket | null;
  /** Dials started from now on try uTP first (DialerOptions.preferUtp). */
  preferUtp: boolean;

  constructor(private readonly options: DialerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.encryption = options.encryption ?? 'off';
    this.utp = options.utp ?? null;
    this.preferUtp = options.preferUtp ?? false;
  }

  /** Dials in progress. */
  get pendingCount(): number {
    return this.dialing.size;
  }

  /** Dials in progress + open connections they produced, for one torrent or all. */
  outgoingCount(torrentKey?: string): number {
    return torrentKey === undefined ? this.total : (this.perTorrent.get(torrentKey) ?? 0);
  }

  /**
   * Our own listen address: never dialed. Trackers (and PEX) list us among the peers of
   * our own torrents; without this, every start dialed itself first (on the uTP head
   * start's clock, before the real peers) and learned only from the handshake.
   */
  markSelf(host: string, port: number): void {
    this.selfAddresses.add(addressKey(host, port));
  }

  /** Why `dial` would refuse this address right now, or null if it would try. */
  refusal(host: string, port: number, torrentKey: string): DialErrorCode | null {
    const key = addressKey(host, port);
    if (this.closed) return 'closed';
    if (this.selfAddresses.has(key)) return 'self';
    if (this.options.isBanned?.(host, port)) return 'banned';
    if (this.dialing.has(key)) return 'already-dialing';
    const b = this.backoff.get(key);
    if (b && this.now() < b.retryAtMs) return 'backoff';
    if ((this.perTorrent.get(torrentKey) ?? 0) >= (this.options.maxPerTorrent ?? 30)) return 'limit-torrent';
    if (
      this.total >= (this.options.maxGlobal ?? 150) ||
      this.dialing.size >= (this.options.maxPending ?? 32)
    ) {
      return 'limit-global';
    }
    return null;
  }

  /** When the back-off for this address ends (0 when none). */
  retryAtMs(host: string, port: number): number {
    return this.backoff.get(addressKey(host, port))?.retryAtMs ?? 0;
  }

  /**
   * Connects, sends our handshake and waits for the peer's. Resolves with a connection
   * whose messages are held until the caller attaches listeners and calls `start()`.
   * Rejects with a DialError.
   */
  dial(req: DialRequest): Promise<PeerConnection> {
    const torrentKey = req.torrentKey ?? hex(req.handshake.infoHash);
    const refused = this.refusal(req.host, req.port, torrentKey);
    if (refused)
      return Promise.reject(
        new DialError(refused, `not dialing ${addressKey(req.host, req.port)}: ${refused}`),
      );

    const key = addressKey(req.host, req.port);
    this.count(torrentKey, +1);
    const entry: DialEntry = { sockets: new Set(), conn: null, torrentKey };
    this.dialing.set(key, entry);
    return this.attempt(req, key, entry, this.encryptionFor(key)).then(
      (conn) => {
        this.dialing.delete(key);
        this.backoff.delete(key);
        // The slot stays taken until the connection closes.
        conn.on('close', () => this.count(torrentKey, -1));
        return conn;
      },
      (err: DialError) => {
        this.dialing.delete(key);
        this.count(torrentKey, -1);
        if (err.code === 'self') this.selfAddresses.add(key);
        else if (err.code !== 'closed') this.recordFailure(key);
        throw err;
      },
    );
  }

  private encryptionFor(key: string): EncryptionMode {
    const mode = this.encryption;
    return mode === 'prefer' && this.plaintextOnly.has(key) ? 'off' : mode;
  }

  /**
   * One connection attempt, TCP and uTP racing as `connectTransports` says; when the
   * handshakes over TCP fail, once more over uTP only: a peer with TCP off may still accept
   * TCP connections and close them (libtorrent with incoming TCP disabled does), and uTP
   * is its other door.
   */
  private async attempt(
    req: DialRequest,
    key: string,
    entry: DialEntry,
    mode: EncryptionMode,
  ): Promise<PeerConnection> {
    try {
      return await this.attemptWith(req, key, entry, mode);
    } catch (err) {
      const failedAfterTcp =
        err instanceof DialError &&
        (err.code === 'handshake-failed' || err.code === 'encryption-failed') &&
        entry.connectedOver === 'tcp';
      if (!failedAfterTcp || this.closed || !this.utp?.canReach(req.host)) throw err;
      return this.attemptWith(req, key, entry, mode, 'utp');
    }
  }

  /** One attempt; in 'prefer' mode an MSE failure is followed by a plaintext one. */
  private async attemptWith(
    req: DialRequest,
    key: string,
    entry: DialEntry,
    mode: EncryptionMode,
    only?: PeerTransport,
  ): Promise<PeerConnection> {
    try {
      return await this.connectOnce(req, key, entry, mode, only);
    } catch (err) {
      if (!(err instanceof DialError) || err.code !== 'encryption-failed' || mode !== 'prefer' || this.closed)
        throw err;
      // The peer does not speak MSE (most close on our 96+ bytes that are no handshake).
      this.rememberPlaintextOnly(key);
      return this.connectOnce(req, key, entry, 'off', only);
    }
  }

  private rememberPlaintextOnly(key: string): void {
    this.plaintextOnly.delete(key);
    this.plaintextOnly.add(key);
    if (this.plaintextOnly.size > MAX_PLAINTEXT_ONLY) {
      const oldest = this.plaintextOnly.values().next().value;
      if (oldest !== undefined) this.plaintextOnly.delete(oldest);
    }
  }

  /** Connects, negotiates MSE when asked, sends our handshake and waits for the peer's. */
  private connectOnce(
    req: DialRequest,
    key: string,
    entry: DialEntry,
    mode: EncryptionMode,
    only?: PeerTransport,
  ): Promise<PeerConnection> {
    return new Promise<PeerConnection>((resolve, reject) => {
      if (this.closed) {
        reject(new DialError('closed', `not dialing ${key}: dialer closed`));
        return;
      }
      entry.conn = null;
      entry.connectedOver = undefined;
      let settled = false;
      const finish = (err: DialError | null, conn?: PeerConnection) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          entry.conn?.close('dial-failed', err.message);
          for (const s of entry.sockets) {
            s.on('error', () => {});
            s.destroy();
          }
          entry.sockets.clear();
          reject(err);
        } else resolve(conn!);
      };
      const timer = setTimeout(
        () => finish(new DialError('connect-timeout', `connect to ${key} timed out`)),
        this.options.connectTimeoutMs ?? 10_000,
      );
      this.connectTransports(
        req,
        key,
        entry,
        only,
        () => settled,
        (err, socket, reader, transport) => {
          if (settled) return;
          if (err) {
            finish(err);
            return;
          }
          clearTimeout(timer);
          entry.connectedOver = transport;
          this.afterConnect(req, key, socket!, reader, transport!, mode, finish);
        },
      );
    });
  }

  /**
   * Connects over TCP, or races the preferred transport (first) and the other one (after
   * the head start): calls back once with the first transport connected, the others
   * closed, or with the error of the last one to fail.
   */
  private connectTransports(
    req: DialRequest,
    key: string,
    entry: DialEntry,
    only: PeerTransport | undefined,
    abandoned: () => boolean,
    done: (
      err: DialError | null,
      socket?: PeerSocket,
      reader?: ChunkReader,
      transport?: PeerTransport,
    ) => void,
  ): void {
    const utp = this.utp;
    let pending = 0;
    let decided = false;
    let headStart: NodeJS.Timeout | null = null;
    const first: PeerTransport = this.preferUtp ? 'utp' : 'tcp';
    const second: PeerTransport = first === 'tcp' ? 'utp' : 'tcp';
    let lastError: DialError | null = null;
    let tcpError: DialError | null = null;
    const start = (transport: PeerTransport) => {
      if (decided || this.closed || abandoned()) return;
      pending++;
      let reader: ChunkReader;
      let socket: PeerSocket;
      if (transport === 'tcp') {
        const tcpReader = new SocketReader();
        socket = net.connect({ host: req.host, port: req.port, noDelay: true, onread: tcpReader.onread });
        reader = tcpReader;
      } else {
        const conn = utp!.connect(req.host, req.port);
        // Payloads straight to the peer wire, not through the Duplex's 'data' machinery.
        reader = conn.readDirect();
        socket = conn;
      }
      entry.sockets.add(socket);
      const onError = (err: Error) => {
        socket.on('error', () => {});
        socket.destroy();
        entry.sockets.delete(socket);
        pending--;
        lastError = new DialError(
          this.closed ? 'closed' : 'connect-failed',
          `${transport} connect to ${key}: ${err.message}`,
        );
        if (transport === 'tcp') tcpError = lastError;
        if (transport === first && headStart) {
          // The first transport failed before its head start ran out: the other at once.
          clearTimeout(headStart);
          headStart = null;
          start(second);
        }
        if (pending === 0 && !decided && !headStart) {
          decided = true;
          // TCP's error says more (refused, unreachable) than uTP's silence.
          done(tcpError ?? lastError!);
        }
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        if (decided) return;
        decided = true;
        if (headStart) clearTimeout(headStart);
        headStart = null;
        for (const other of entry.sockets) {
          if (other === socket) continue;
          other.on('error', () => {});
          other.destroy();
          entry.sockets.delete(other);
        }
        done(null, socket, reader, transport);
      });
    };
    if (only === 'utp' && utp) {
      start('utp');
      return;
    }
    if (!utp || !utp.canReach(req.host) || only === 'tcp') {
      start('tcp');
      return;
    }

    start(first);
    headStart = setTimeout(() => {
      headStart = null;
      start(second);
    }, this.options.headStartMs ?? 500);
    headStart.unref?.();
  }

  /** The transport is up: MSE when asked, then the BitTorrent handshake. */
  private afterConnect(
    req: DialRequest,
    key: string,
    socket: PeerSocket,
    reader: ChunkReader | undefined,
    transport: PeerTransport,
    mode: EncryptionMode,
    finish: (err: DialError | null, conn?: PeerConnection) => void,
  ): void {
    if (mode === 'off') {
      this.handshake(req, key, socket, reader, null, transport, finish);
      return;
    }
    negotiateOutgoing(
      socket,
      {
        infoHash: req.handshake.infoHash,
        mode,
        reader,
        ...(this.options.encryptionTimeoutMs ? { timeoutMs: this.options.encryptionTimeoutMs } : {}),
      },
      (err: NegotiationError | null, stream?: NegotiatedStream) => {
        if (err) {
          const code: DialErrorCode = this.closed ? 'closed' : 'encryption-failed';
          finish(new DialError(code, `MSE with ${key} failed: ${err.code} ${err.message}`));
        } else this.handshake(req, key, socket, reader, stream!, transport, finish);
      },
    );
  }

  private handshake(
    req: DialRequest,
    key: string,
    socket: PeerSocket,
    reader: ChunkReader | undefined,
    stream: NegotiatedStream | null,
    transport: PeerTransport,
    finish: (err: DialError | null, conn?: PeerConnection) => void,
  ): void {
    const entry = this.dialing.get(key);
    const conn = new PeerConnection({
      ...this.options.connection,
      socket,
      direction: 'outgoing',
      ...(reader ? { reader } : {}),
      transport,
      cipher: stream?.cipher ?? null,
      encryption: stream?.encryption ?? 'none',
    });
    if (entry) entry.conn = conn;
    conn.once('close', (info) => {
      const code: DialErrorCode =
        info.code === 'self-connection' ? 'self' : this.closed ? 'closed' : 'handshake-failed';
      finish(new DialError(code, `handshake with ${key} failed: ${info.code} ${info.message}`));
    });
    conn.once('handshake', () => finish(null, conn));
    conn.sendHandshake(req.handshake);
    if (stream) conn.receiveBuffered(stream.initialBytes);
  }

  private count(torrentKey: string, delta: number): void {
    this.total += delta;
    const n = (this.perTorrent.get(torrentKey) ?? 0) + delta;
    if (n > 0) this.perTorrent.set(torrentKey, n);
    else this.perTorrent.delete(torrentKey);
  }

  private recordFailure(key: string): void {
    const failures = (this.backoff.get(key)?.failures ?? 0) + 1;
    const base = this.options.backoffBaseMs ?? 5_000;
    const max = this.options.backoffMaxMs ?? 600_000;
    const waitMs = Math.min(max, base * 2 ** Math.min(failures - 1, 30));
    this.backoff.set(key, { failures, retryAtMs: this.now() + waitMs });
  }

  /** Aborts dials in progress (they reject with 'closed'). Open connections are the owners'. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const { sockets, conn } of [...this.dialing.values()]) {
      if (conn) conn.close('dial-aborted', 'dialer closed');
      else for (const socket of [...sockets]) socket.destroy(new Error('dialer closed'));
    }
  }
}
