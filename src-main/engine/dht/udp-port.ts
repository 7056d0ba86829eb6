/**
 * The session's one UDP socket on the peer port number, shared by the protocols that
 * speak UDP there (engine/dht/NOTES.md). It routes each datagram by its first byte: a
 * bencoded dictionary ('d', 0x64) is a KRPC message (BEP 5) and goes to the DHT;
 * anything else goes to `onOtherDatagram` (uTP, BEP 29: its first byte is
 * type << 4 | version, never 0x64). The DHT library reads and writes through
 * `krpcSocket()`, a dgram look-alike that never owns or closes the real socket.
 */
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { isIPv6 } from 'node:net';

/** A KRPC message is a bencoded dictionary: its first byte is 'd'. */
const BENCODED_DICT_FIRST_BYTE = 0x64;

export interface UdpRemote {
  address: string;
  port: number;
}

export interface UdpPortOptions {
  host: string;
  port: number;
  /** A datagram that is not KRPC (uTP); dropped when unset. */
  onOtherDatagram?: (datagram: Buffer, from: UdpRemote) => void;
}

export class UdpPort {
  private readonly krpc = new KrpcSocketView(this);
  private closing: Promise<void> | null = null;
  /** Datagrams routed to the DHT and sent for it (for the DHT traffic figures). */
  readonly krpcTraffic = { receivedBytes: 0, sentBytes: 0, receivedCount: 0, sentCount: 0 };

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly options: UdpPortOptions,
  ) {
    socket.on('message', (datagram, rinfo) => this.route(datagram, rinfo));
    socket.on('error', (err) => this.krpc.emit('error', err));
  }

  /** Binds; rejects with the socket error (EADDRINUSE, EACCES) when the port cannot be had. */
  static async bind(options: UdpPortOptions): Promise<UdpPort> {
    const socket = dgram.createSocket({ type: isIPv6(options.host) ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => {
        socket.close();
        reject(err);
      };
      socket.once('error', onError);
      socket.bind(options.port, options.host, () => {
        socket.off('error', onError);
        resolve();
      });
    });
    return new UdpPort(socket, options);
  }

  get port(): number {
    return this.socket.address().port;
  }

  address(): { address: string; port: number; family: string } {
    return this.socket.address();
  }

  /** The dgram look-alike handed to the DHT library (k-rpc-socket's `socket` option). */
  krpcSocket(): KrpcSocketView {
    return this.krpc;
  }

  /** Sends one datagram (the DHT's through its view, uTP's directly). */
  send(datagram: Uint8Array, port: number, host: string, callback?: (err: Error | null) => void): void {
    if (this.closing) {
      callback?.(new Error('the UDP port is closed'));
      return;
    }
    this.socket.send(datagram, port, host, (err) => callback?.(err ?? null));
  }

  private route(datagram: Buffer, rinfo: dgram.RemoteInfo): void {
    if (datagram.length > 0 && datagram[0] === BENCODED_DICT_FIRST_BYTE) {
      this.krpcTraffic.receivedBytes += datagram.length;
      this.krpcTraffic.receivedCount++;
      this.krpc.deliver(datagram, rinfo);
    } else {
      this.options.onOtherDatagram?.(datagram, { address: rinfo.address, port: rinfo.port });
    }
  }

  /** Closes the socket. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.krpc.detach();
      this.socket.close(() => resolve());
    });
    return this.closing;
  }
}

/**
 * What k-rpc-socket calls on its `socket`: on/once/removeListener, send(buf, offset,
 * length, port, host, cb), address(), bind(...) and close(). The socket is already
 * bound, so `bind` only reports 'listening'; `close` detaches the DHT and leaves the
 * socket to its owner.
 */
export class KrpcSocketView extends EventEmitter {
  private attached = true;

  constructor(private readonly owner: UdpPort) {
    super();
  }

  send(
    buf: Uint8Array,
    offset: number,
    length: number,
    port: number,
    host: string,
    callback?: (err: Error | null) => void,
  ): void {
    if (!this.attached) return;
    const datagram = buf.subarray(offset, offset + length);
    this.owner.krpcTraffic.sentBytes += datagram.length;
    this.owner.krpcTraffic.sentCount++;
    this.owner.send(datagram, port, host, callback);
  }

  address(): { address: string; port: number; family: string } {
    return this.owner.address();
  }

  bind(...args: unknown[]): void {
    const callback = args.find((a): a is () => void => typeof a === 'function');
    process.nextTick(() => {
      if (!this.attached) return;
      this.emit('listening');
      callback?.();
    });
  }

  /** k-rpc-socket's destroy waits for 'close': say it even when the owner closed first. */
  close(): void {
    this.attached = false;
    process.nextTick(() => this.emit('close'));
  }

  deliver(datagram: Buffer, from: dgram.RemoteInfo): void {
    if (this.attached) this.emit('message', datagram, from);
  }

  /** The owner closes the socket: nothing more is delivered or sent. */
  detach(): void {
    this.attached = false;
  }
}
