/**
 * The session's UDP socket on the peer port number, shared by the protocols that speak
 * UDP there (engine/dht/NOTES.md). A bencoded dictionary ('d', 0x64) is a KRPC message
 * (BEP 5) and goes to the DHT; anything else is another protocol's (uTP, BEP 29: its
 * first byte is type << 4 | version, never 0x64). Two ways to have the socket:
 * `UdpPort.bind` owns one (and routes the rest to `onOtherDatagram`), `UdpPort.share`
 * rides on the uTP socket, which owns the port and hands over its 'd' datagrams. The DHT
 * library reads and writes through `krpcSocket()`, a dgram look-alike that never owns or
 * closes the real socket.
 */
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { isIP, isIPv6 } from 'node:net';

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

/**
 * A socket another module owns and lends for KRPC (engine/utp/utp-socket.ts `UtpSocket`):
 * it hands over datagrams starting with 'd' through `onOtherDatagram` and sends for us.
 * An IPv4 host given to `send` must reach IPv4 even on a dual-stack socket.
 */
export interface SharedUdpSocket {
  readonly port: number;
  readonly host: string;
  onOtherDatagram: ((datagram: Buffer, from: dgram.RemoteInfo) => void) | null;
  send(
    datagram: Uint8Array,
    length: number,
    port: number,
    host: string,
    callback?: (err: Error | null) => void,
  ): void;
}

/** Whether the DHT (IPv4, see NOTES.md) can ride on a socket bound to `host`. */
export function canShareForDht(host: string): boolean {
  return isIP(host) === 4 || host === '::';
}

/** How a UdpPort reaches the wire: its own socket or a shared one. */
interface Carrier {
  address(): { address: string; port: number; family: string };
  send(datagram: Uint8Array, port: number, host: string, callback: (err: Error | null) => void): void;
  close(): Promise<void>;
}

export class UdpPort {
  private readonly krpc = new KrpcSocketView(this);
  private closing: Promise<void> | null = null;
  /** Datagrams routed to the DHT and sent for it (for the DHT traffic figures). */
  readonly krpcTraffic = { receivedBytes: 0, sentBytes: 0, receivedCount: 0, sentCount: 0 };

  private constructor(private readonly carrier: Carrier) {}

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
    const port = new UdpPort({
      address: () => socket.address(),
      send: (datagram, to, host, callback) => socket.send(datagram, to, host, (err) => callback(err ?? null)),
      close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
    });
    socket.on('message', (datagram, rinfo) => {
      if (datagram.length > 0 && datagram[0] === BENCODED_DICT_FIRST_BYTE) port.receive(datagram, rinfo);
      else options.onOtherDatagram?.(datagram, { address: rinfo.address, port: rinfo.port });
    });
    socket.on('error', (err) => port.krpc.emit('error', err));
    return port;
  }

  /**
   * KRPC on `shared` (bound to IPv4 or '::', see `canShareForDht`): its 'd' datagrams
   * come here until `close()`, which gives the hook back and leaves the socket open. The
   * library is IPv4 only, so IPv4 senders on a dual-stack socket ('::ffff:a.b.c.d') are
   * shown as 'a.b.c.d' (it matches replies by address) and IPv6 senders are dropped.
   */
  static share(shared: SharedUdpSocket): UdpPort {
    const port = new UdpPort({
      address: () => ({
        address: isIPv6(shared.host) ? '0.0.0.0' : shared.host,
        port: shared.port,
        family: 'IPv4',
      }),
      send: (datagram, to, host, callback) => shared.send(datagram, datagram.length, to, host, callback),
      close: async () => {
        if (shared.onOtherDatagram === onKrpc) shared.onOtherDatagram = null;
      },
    });
    const onKrpc = (datagram: Buffer, rinfo: dgram.RemoteInfo): void => {
      const address = rinfo.address.startsWith('::ffff:') ? rinfo.address.slice(7) : rinfo.address;
      if (isIP(address) !== 4) return;
      port.receive(datagram, { ...rinfo, address, family: 'IPv4' });
    };
    shared.onOtherDatagram = onKrpc;
    return port;
  }

  get port(): number {
    return this.carrier.address().port;
  }

  address(): { address: string; port: number; family: string } {
    return this.carrier.address();
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
    this.carrier.send(datagram, port, host, (err) => callback?.(err));
  }

  private receive(datagram: Buffer, rinfo: dgram.RemoteInfo): void {
    this.krpcTraffic.receivedBytes += datagram.length;
    this.krpcTraffic.receivedCount++;
    this.krpc.deliver(datagram, rinfo);
  }

  /** Stops the DHT's use of the socket and closes it when it is ours. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.krpc.detach();
      await this.carrier.close();
    })();
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
