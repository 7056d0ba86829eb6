// One BitTorrent peer connection over a TCP socket: handshake exchange, typed sends,
// typed receive events, choke/interest state both ways, rate meters, keep-alives and the
// idle drop. Policy (what to request, whom to unchoke) belongs to the torrent.
//
// Life cycle: both sides send a handshake (we dial → we send first; incoming → the peer
// server routes by info-hash, then the torrent sends ours). After the remote handshake
// the decoder holds further messages until the owner has attached its listeners and
// calls `start()`. Any ProtocolError closes this connection only, with `code`
// 'protocol-error' and the codec's `protocolCode`.
import type { PeerSocket, PeerTransport } from './peer-socket.ts';
import { isProtocolError } from '../../protocol/protocol-error.ts';
import { normalizeIp } from '../../protocol/ip-address.ts';
import { decodeExtensionHandshake, LOCAL_EXTENSION_IDS } from '../../protocol/wire/extension-handshake.ts';
import { encodeHandshake, type Handshake } from '../../protocol/wire/handshake.ts';
import type { MessageLimits, WireMessage } from '../../protocol/wire/messages.ts';
import { clientNameFromPeerId } from '../../protocol/wire/peer-id.ts';
import { decodeUtMetadata } from '../../protocol/wire/ut-metadata.ts';
import { decodeUtPex } from '../../protocol/wire/ut-pex.ts';
import { bytesEqual } from '../../protocol/wire/wire-bytes.ts';
import { WireDecoder } from '../../protocol/wire/wire-decoder.ts';
import { RateMeter } from '../rate/rate-meter.ts';
import type { PeerCipher } from './encryption.ts';
import type { PeerCloseInfo } from './peer-events.ts';
import { PeerSender } from './peer-sender.ts';
import type { ChunkReader } from './socket-reader.ts';

export type { PeerCloseInfo } from './peer-events.ts';

export interface PeerConnectionOptions {
  socket: PeerSocket;
  direction: 'outgoing' | 'incoming';
  /** Injected clock (ms); default Date.now. Drives the timers and the rate meters. */
  now?: () => number;
  /** Send a keep-alive after this long without sending anything (BEP 3: ~2 min max). Default 60 s. */
  keepAliveIntervalMs?: number;
  /** Close after this long without receiving anything. Default 150 s. */
  idleTimeoutMs?: number;
  /** Close unless the handshake exchange is done and `start()` called within this. Default 15 s. */
  handshakeTimeoutMs?: number;
  /** How often the timers are checked; 0 disables the internal interval (tests call checkTimers). */
  timerTickMs?: number;
  /** Decoder bounds (block, bitfield, extended sizes). */
  limits?: Partial<Omit<MessageLimits, 'fastExtension'>>;
  /**
   * Chunks arrive through it instead of as 'data' events: a TCP socket created with
   * `onread: reader.onread` (one reused buffer, see socket-reader.ts for the contract), or
   * a uTP connection's `readDirect()`.
   */
  reader?: ChunkReader;
  /**
   * Message Stream Encryption negotiated RC4 on this socket (encryption.ts): reads are
   * deciphered in place before decoding, writes enciphered.
   */
  cipher?: PeerCipher | null;
  /** What MSE negotiated, for display: 'none' for a plain BitTorrent connection (default). */
  encryption?: 'rc4' | 'plaintext' | 'none';
  /** What carries the connection, for display. Default 'tcp'. */
  transport?: PeerTransport;
}

export class PeerConnection extends PeerSender {
  readonly direction: 'outgoing' | 'incoming';
  /** Remote address, IPv4-mapped IPv6 normalised to IPv4. */
  readonly remoteHost: string;
  readonly remotePort: number;
  readonly downloadRate: RateMeter;
  readonly encryption: 'rc4' | 'plaintext' | 'none';
  readonly transport: PeerTransport;

  /** BEP 3: the peer starts choking us and not interested. */
  peerChoking = true;
  peerInterested = false;

  /** Raw bytes including protocol overhead. */
  bytesReceived = 0;
  private ignoredExtended = 0;

  /**
   * Receives every PIECE block instead of the 'piece' and 'message' events (the download
   * path: no object per block). `block` is valid only during the call: copy it there.
   */
  pieceSink: ((index: number, begin: number, block: Uint8Array) => void) | null = null;

  private readonly decoder: WireDecoder;
  private readonly keepAliveIntervalMs: number;
  private readonly idleTimeoutMs: number;
  private readonly handshakeTimeoutMs: number;
  private readonly createdAtMs: number;
  private lastReceivedAtMs: number;
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private closeInfo: PeerCloseInfo | null = null;
  private readonly reader: ChunkReader | null;
  private readonly decipher: PeerCipher['decrypt'] | null;

  constructor(options: PeerConnectionOptions) {
    const now = options.now ?? Date.now;
    super(options.socket, now);
    this.direction = options.direction;
    this.encryption = options.encryption ?? 'none';
    this.transport = options.transport ?? 'tcp';
    this.cipher = options.cipher?.encrypt ?? null;
    this.decipher = options.cipher?.decrypt ?? null;
    this.keepAliveIntervalMs = options.keepAliveIntervalMs ?? 60_000;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 150_000;
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? 15_000;
    this.createdAtMs = this.lastReceivedAtMs = now();
    this.downloadRate = new RateMeter({ now: this.now });
    this.remoteHost = safeNormalizeIp(this.socket.remoteAddress ?? '');
    this.remotePort = this.socket.remotePort ?? 0;

    this.decoder = new WireDecoder(
      {
        onHandshake: (h) => this.handleHandshake(h),
        onMessage: (m) => this.handleMessage(m),
        onPiece: (index, begin, block) => this.handlePiece(index, begin, block),
      },
      // Unknown message ids are skipped (bounded), not fatal: docs/PROTOCOL.md, "What the peer wire accepts".
      { ...options.limits, handshake: true, skipUnknownMessages: true },
    );
    this.socket.setNoDelay(true);
    this.reader = options.reader ?? null;
    if (this.reader) this.reader.sink = this.handleData;
    else this.socket.on('data', this.handleData);
    this.socket.on('drain', this.handleDrain);
    this.socket.on('error', this.handleError);
    this.socket.on('end', this.handleEnd);
    this.socket.on('close', this.handleSocketClose);

    const tick =
      options.timerTickMs ??
      Math.max(100, Math.min(this.keepAliveIntervalMs, this.idleTimeoutMs, this.handshakeTimeoutMs) / 4);
    if (tick > 0) {
      this.timer = setInterval(() => this.checkTimers(), tick);
      this.timer.unref();
    }
    if (this.socket.destroyed) this.close('socket-closed', 'socket was already closed');
  }

  // ---------------------------------------------------------------- state

  get isClosed(): boolean {
    return this.closeInfo !== null;
  }

  get isStarted(): boolean {
    return this.started;
  }

  /** Messages dropped instead of closing: unknown ids, malformed ut_metadata / ut_pex. */
  get ignoredMessages(): number {
    return this.decoder.skippedMessages + this.ignoredExtended;
  }

  /** `host:port`, IPv6 in brackets. */
  get address(): string {
    return this.remoteHost.includes(':')
      ? `[${this.remoteHost}]:${this.remotePort}`
      : `${this.remoteHost}:${this.remotePort}`;
  }

  get remotePeerId(): Uint8Array | null {
    return this.remoteHandshake?.peerId ?? null;
  }

  get clientName(): string {
    return this.remoteHandshake ? clientNameFromPeerId(this.remoteHandshake.peerId) : 'Unknown';
  }

  // ---------------------------------------------------------------- handshake

  /** Sends our handshake (once). For an incoming connection call it after routing. */
  sendHandshake(handshake: Handshake): void {
    if (this.closeInfo) return;
    if (this.localHandshake) throw new Error('handshake already sent');
    this.localHandshake = handshake;
    this.write(encodeHandshake(handshake));
    // Over uTP the handshake ends its datagram: Transmission reads nothing that shares the
    // datagram completing its handshake until another one arrives (see UtpConnection.endPacket).
    this.socket.endPacket?.();
    if (this.remoteHandshake) this.checkHandshakes();
  }

  /**
   * Delivers messages from now on: call after attaching listeners. Messages that arrived
   * right behind the remote handshake are delivered synchronously from here.
   */
  start(): void {
    if (this.closeInfo || this.started) return;
    if (!this.localHandshake || !this.remoteHandshake) throw new Error('start() before both handshakes');
    this.started = true;
    this.socket.resume();
    this.resumeDecoder();
  }

  private handleHandshake(h: Handshake): void {
    this.remoteHandshake = h;
    // Hold later messages until the owner has attached its listeners (start()), and stop
    // reading meanwhile so a peer cannot make us buffer without bound.
    this.decoder.pause();
    this.socket.pause();
    if (this.localHandshake && !this.checkHandshakes()) return;
    this.emit('handshake', h);
  }

  /** Both handshakes known: reject a wrong torrent or ourselves, fix the negotiated extensions. */
  private checkHandshakes(): boolean {
    const local = this.localHandshake!;
    const remote = this.remoteHandshake!;
    if (!bytesEqual(local.infoHash, remote.infoHash)) {
      this.close('info-hash-mismatch', 'peer answered with another info-hash');
      return false;
    }
    if (bytesEqual(local.peerId, remote.peerId)) {
      this.close('self-connection', 'connected to ourselves');
      return false;
    }
    this.decoder.setFastExtension(this.fastExtension);
    return true;
  }

  // ---------------------------------------------------------------- receiving

  /**
   * Bytes read off the socket before this connection took it over, already deciphered
   * (those behind an MSE handshake, or the sniffed start of a plain one). Call after
   * attaching listeners, before anything else is read.
   */
  receiveBuffered(bytes: Uint8Array): void {
    if (bytes.length === 0 || this.closeInfo) return;
    this.receivePlain(bytes);
  }

  private readonly handleData = (chunk: Uint8Array): void => {
    // In place: the chunk is ours (a 'data' Buffer or the shared read buffer, see socket-reader.ts).
    if (this.decipher) this.decipher.apply(chunk);
    this.receivePlain(chunk);
  };

  private receivePlain(chunk: Uint8Array): void {
    this.lastReceivedAtMs = this.now();
    this.bytesReceived += chunk.length;
    try {
      this.decoder.push(chunk);
    } catch (err) {
      this.fail(err);
    }
  }

  private resumeDecoder(): void {
    try {
      this.decoder.resume();
    } catch (err) {
      this.fail(err);
    }
  }

  /**
   * The download path: with a `pieceSink`, blocks go straight there (no message object or
   * event per block, docs/PERFORMANCE.md); without one they are 'piece' and 'message' events like the rest.
   */
  private handlePiece(index: number, begin: number, block: Uint8Array): void {
    if (this.closeInfo) return;
    const sink = this.pieceSink;
    if (sink) {
      this.downloadRate.add(block.length);
      sink(index, begin, block);
    } else this.handleMessage({ type: 'piece', index, begin, block });
  }

  private handleMessage(decoded: WireMessage): void {
    if (this.closeInfo) return;
    const msg = this.reader ? ownPayload(decoded) : decoded;
    switch (msg.type) {
      case 'piece':
        // `block` may be a view into a reused read buffer: listeners copy it synchronously.
        this.downloadRate.add(msg.block.length);
        this.emit('piece', msg);
        break;

      case 'request':
        this.emit('request', msg);
        break;
      case 'have':
        this.emit('have', msg);
        break;
      case 'choke':
        this.peerChoking = true;
        this.emit('choke', msg);
        break;
      case 'unchoke':
        this.peerChoking = false;
        this.emit('unchoke', msg);
        break;
      case 'interested':
        this.peerInterested = true;
        this.emit('interested', msg);
        break;
      case 'not-interested':
        this.peerInterested = false;
        this.emit('not-interested', msg);
        break;
      case 'extended':
        this.handleExtended(msg.extId, msg.payload);
        this.emit('extended', msg);
        break;
      default:
        (this.emit as (type: string, m: WireMessage) => void)(msg.type, msg);
    }
    if (!this.closeInfo) this.emit('message', msg);
  }

  private handleExtended(extId: number, payload: Uint8Array): void {
    // Decoding errors propagate to handleData/resumeDecoder and close the connection.
    if (extId === 0) {
      // BEP 10: a later handshake updates the earlier one; `m` entries merge by name.
      const update = decodeExtensionHandshake(payload);
      if (update.utpMaxDatagramBytes !== undefined)
        this.socket.peerReadsDatagramsUpTo?.(update.utpMaxDatagramBytes);
      const previous = this.remoteExtensions;
      this.remoteExtensions = previous
        ? { ...previous, ...update, m: { ...previous.m, ...update.m } }
        : update;
      this.emit('extension-handshake', this.remoteExtensions);
    } else if (extId === LOCAL_EXTENSION_IDS.ut_metadata) {
      // BEP 9: an unknown msg_type must be ignored; a malformed message is ignored too (a
      // bad metadata piece is caught by the info-hash check anyway).
      const msg = decodeOrIgnore(decodeUtMetadata, payload);
      if (msg) this.emit('ut-metadata', msg);
      else this.ignoredExtended++;
    } else if (extId === LOCAL_EXTENSION_IDS.ut_pex) {
      // PEX is advice: a malformed message costs us nothing but the advice.
      const msg = decodeOrIgnore(decodeUtPex, payload);
      if (msg) this.emit('ut-pex', msg);
      else this.ignoredExtended++;
    }
  }

  private readonly handleDrain = (): void => this.emit('drain');
  private readonly handleError = (err: Error): void => this.close('socket-error', err.message);
  private readonly handleEnd = (): void => this.close('remote-closed', 'peer closed the connection');
  private readonly handleSocketClose = (): void => this.close('remote-closed', 'socket closed');

  // ---------------------------------------------------------------- timers

  /** Runs the keep-alive, idle and handshake deadlines against `now()`; public for fake clocks. */
  checkTimers(): void {
    if (this.closeInfo) return;
    const nowMs = this.now();
    if (!this.started && nowMs - this.createdAtMs >= this.handshakeTimeoutMs) {
      this.close('handshake-timeout', `no handshake within ${this.handshakeTimeoutMs} ms`);
    } else if (nowMs - this.lastReceivedAtMs >= this.idleTimeoutMs) {
      this.close('idle-timeout', `nothing received for ${this.idleTimeoutMs} ms`);
    } else if (this.localHandshake && nowMs - this.lastSentAtMs >= this.keepAliveIntervalMs) {
      this.sendKeepAlive();
    }
  }

  // ---------------------------------------------------------------- closing

  /** Closes with a code from a caught error: ProtocolError → 'protocol-error'. */
  fail(err: unknown): void {
    if (isProtocolError(err))
      this.close('protocol-error', err.message, { protocolCode: err.code, error: err });
    else this.close('internal-error', err instanceof Error ? err.message : String(err), { error: err });
  }

  /** Idempotent: destroys the socket, clears the timer, emits 'close' once, drops listeners. */
  close(code: PeerCloseInfo['code'] = 'closed', message = '', extra: Partial<PeerCloseInfo> = {}): void {
    if (this.closeInfo) return;
    const info: PeerCloseInfo = { ...extra, code, message: message || code };
    this.closeInfo = info;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.decoder.pause(); // no more messages from the chunk being decoded
    if (this.reader) this.reader.sink = null;
    else this.socket.off('data', this.handleData);
    this.socket.off('drain', this.handleDrain);
    this.socket.off('end', this.handleEnd);
    this.socket.off('close', this.handleSocketClose);
    // Keep an error listener: a late socket error must not become an uncaught exception.
    this.socket.off('error', this.handleError);
    this.socket.on('error', () => {});
    this.socket.destroy();
    this.emit('close', info);
    this.removeAllListeners();
  }

  get closeReason(): PeerCloseInfo | null {
    return this.closeInfo;
  }
}

/**
 * Copies the payloads listeners may keep (a bitfield; decoded extended messages such as
 * metadata pieces hold views into theirs) out of a reused read buffer. Both are rare, so
 * the copies cost nothing; piece blocks stay views (see socket-reader.ts).
 */
function ownPayload(msg: WireMessage): WireMessage {
  // new Uint8Array(view) copies (Buffer#slice would not).
  if (msg.type === 'bitfield') return { type: 'bitfield', bytes: new Uint8Array(msg.bytes) };
  if (msg.type === 'extended')
    return { type: 'extended', extId: msg.extId, payload: new Uint8Array(msg.payload) };
  return msg;
}

/** The decoded message, or null when the codec refuses it (its own ProtocolError only). */
function decodeOrIgnore<T>(decode: (payload: Uint8Array) => T, payload: Uint8Array): T | null {
  try {
    return decode(payload);
  } catch (err) {
    if (isProtocolError(err)) return null;
    throw err;
  }
}

function safeNormalizeIp(host: string): string {
  try {
    return normalizeIp(host);
  } catch {
    return host;
  }
}
