// The UDP socket under uTP (engine/utp/utp-socket.ts) and the tracker server
// (tracker/server/tracker-server.ts), in one of two forms with one interface:
// - native (native-udp.ts): reads up to 32 datagrams per system call into one buffer that
//   is reused, and sends synchronously. Nothing is allocated per datagram but a small
//   Buffer view, so the collector has no external memory to chase (docs/PERFORMANCE.md,
//   "uTP: the cost is per datagram").
// - dgram: Node's socket, where the native one is not built or not wanted; every datagram
//   arrives in a fresh Buffer.
// Both hand datagrams over with the sender's address as the string a dialer would use:
// an IPv4 peer on a dual-stack socket is 'a.b.c.d', not '::ffff:a.b.c.d'; IPv6 in RFC 5952
// form (dgram's inet_ntop differs only for the deprecated IPv4-compatible ::a.b.c.d).
// And both send to an IPv4 host through a dual-stack socket.
import dgram from 'node:dgram';
import { lookup, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import { formatIpv6 } from '../protocol/ip-address.ts';
import {
  loadNativeUdp,
  META_ADDRESS,
  META_FAMILY,
  META_FLAG_TRUNCATED,
  META_FLAGS,
  META_LENGTH,
  META_PORT,
  type NativeUdpBinding,
  type NativeUdpHandle,
} from './native-udp.ts';

export interface DatagramPortOptions {
  /** Bind address; an IPv6 address binds a dual-stack socket. */
  host: string;
  /** 0 picks a free one. */
  port: number;
  recvBufferBytes: number;
  sendBufferBytes: number;
  /** 'auto' (default): native when it is built and loads, else dgram. */
  io?: 'auto' | 'native' | 'dgram';
}

export interface DatagramPort {
  readonly io: 'native' | 'dgram';
  /**
   * True when a datagram handed to `onDatagram` is overwritten once the handler returns
   * (native): whatever the handler keeps, it copies. False: each is a Buffer of its own.
   */
  readonly reusesBuffers: boolean;
  readonly localPort: number;
  /**
   * The socket buffers the kernel granted, in bytes. Linux reports twice what it accepted
   * (it counts its bookkeeping), capped at 2 × rmem_max / wmem_max.
   */
  bufferSizes(): { recvBytes: number; sendBytes: number };
  onDatagram: ((datagram: Buffer, host: string, port: number) => void) | null;
  /** The socket failed after binding (rare). */
  onError: ((err: Error) => void) | null;
  /**
   * One datagram. A refused one (full buffer, no route) is reported to `callback` when
   * given, else dropped: uTP resends through its timers.
   */
  send(
    packet: Uint8Array,
    length: number,
    port: number,
    host: string,
    callback?: (err: Error | null) => void,
  ): void;
  close(): Promise<void>;
}

/** Why the native socket is not used, when it is not (for the log); null when it is. */
export function nativeUdpUnavailable(): string | null {
  const load = loadNativeUdp();
  return load.binding ? null : load.reason;
}

/** Binds; rejects with the system error (its `code`: EADDRINUSE, EACCES, …). */
export async function openDatagramPort(options: DatagramPortOptions): Promise<DatagramPort> {
  const io = options.io ?? 'auto';
  if (io !== 'dgram') {
    const load = loadNativeUdp();
    if (load.binding) return new NativeDatagramPort(load.binding, options);
    if (io === 'native') throw new Error(`no native UDP socket: ${load.reason}`);
  }
  return NodeDatagramPort.bind(options);
}

/** Datagrams read per system call, at most (slots of the shared buffer). */
const NATIVE_SLOTS = 32;
/** Remote addresses whose strings are remembered (cleared when a scan fills it). */
const ADDRESS_CACHE_ENTRIES = 1024;
/** Linux's EINVAL: what udp-port.c answers for a host that is not an IP address. */
const EINVAL = 22;

class NativeDatagramPort implements DatagramPort {
  readonly io = 'native';
  readonly reusesBuffers = true;
  readonly localPort: number;
  onDatagram: DatagramPort['onDatagram'] = null;
  onError: DatagramPort['onError'] = null;
  private readonly handle: NativeUdpHandle;
  private readonly family: 4 | 6;
  private readonly data: Uint8Array;
  private readonly meta: Int32Array;
  private readonly metaBytes: Uint8Array;
  private closed = false;
  /** IPv4 address (as the uint32 of its four bytes) → its string. */
  private readonly ipv4Names = new Map<number, string>();

  constructor(
    private readonly native: NativeUdpBinding,
    options: DatagramPortOptions,
  ) {
    const family = isIP(options.host) === 6 ? 6 : 4;
    this.family = family;
    try {
      this.handle = native.open(
        family,
        options.host,
        options.port,
        options.recvBufferBytes,
        options.sendBufferBytes,
      );
    } catch (err) {
      // The same shape as dgram's bind errors: `code` carries the errno name.
      const e = err as NodeJS.ErrnoException;
      throw Object.assign(
        new Error(`bind ${e.code ?? 'EIO'} ${options.host}:${options.port}: ${e.message}`),
        {
          code: e.code,
        },
      );
    }
    this.data = new Uint8Array(NATIVE_SLOTS * native.SLOT_BYTES);
    this.meta = new Int32Array(NATIVE_SLOTS * native.META_WORDS);
    this.metaBytes = new Uint8Array(this.meta.buffer);
    try {
      this.localPort = native.localPort(this.handle);
      native.start(this.handle, this.data, this.meta, this.onBatch);
    } catch (err) {
      native.close(this.handle);
      throw err;
    }
  }

  private readonly onBatch = (count: number): void => {
    const { meta, native } = this;
    for (let i = 0; i < count && !this.closed; i++) {
      const m = i * native.META_WORDS;
      // Longer than a slot: cut off, so not a datagram anyone sent us whole.
      if (meta[m + META_FLAGS]! & META_FLAG_TRUNCATED) continue;
      const datagram = Buffer.from(this.data.buffer, i * native.SLOT_BYTES, meta[m + META_LENGTH]!);
      const host = meta[m + META_FAMILY] === 4 ? this.ipv4Name(meta[m + META_ADDRESS]!) : this.ipv6Name(m);
      this.onDatagram?.(datagram, host, meta[m + META_PORT]!);
    }
  };

  private ipv4Name(word: number): string {
    let name = this.ipv4Names.get(word);
    if (name === undefined) {
      // The word holds the address bytes in network order; read them back as bytes.
      const b = new Uint8Array(Int32Array.of(word).buffer);
      name = `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
      if (this.ipv4Names.size >= ADDRESS_CACHE_ENTRIES) this.ipv4Names.clear();
      this.ipv4Names.set(word, name);
    }
    return name;
  }

  /** RFC 5952, as compact peers6 and PEX addresses are written (protocol/ip-address.ts). */
  private ipv6Name(metaIndex: number): string {
    return formatIpv6(this.metaBytes, (metaIndex + META_ADDRESS) * 4);
  }

  send(
    packet: Uint8Array,
    length: number,
    port: number,
    host: string,
    callback?: (err: Error | null) => void,
  ): void {
    const errno = this.closed ? -1 : this.native.send(this.handle, packet, 0, length, port, host);
    if (errno === EINVAL && isIP(host) === 0) {
      this.sendToName(packet.slice(0, length), port, host, callback);
      return;
    }
    if (!callback) return;
    const err =
      errno === 0
        ? null
        : new Error(
            errno < 0 ? 'the UDP socket is closed' : `send to ${host}:${port} failed (errno ${errno})`,
          );
    process.nextTick(callback, err);
  }

  /** A host name (a DHT bootstrap node's, say), as dgram takes one: looked up first. */
  private sendToName(
    packet: Uint8Array,
    port: number,
    name: string,
    callback?: (err: Error | null) => void,
  ): void {
    lookup(name, { family: this.family === 6 ? 0 : 4 }, (err, address) => {
      if (err) callback?.(err);
      else if (isIP(address) === 0) callback?.(new Error(`${name} did not resolve to an IP address`));
      else this.send(packet, packet.length, port, address, callback);
    });
  }

  bufferSizes(): { recvBytes: number; sendBytes: number } {
    const [recvBytes, sendBytes] = this.native.bufferSizes(this.handle);
    return { recvBytes, sendBytes };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.native.close(this.handle);
  }
}

class NodeDatagramPort implements DatagramPort {
  readonly io = 'dgram';
  readonly reusesBuffers = false;
  onDatagram: DatagramPort['onDatagram'] = null;
  onError: DatagramPort['onError'] = null;
  private readonly dualStack: boolean;
  private closing: Promise<void> | null = null;
  /**
   * A dual-stack socket's address translations, remembered per remote: parsing an
   * address (isIP) and building a string for each of ~770 000 datagrams per GiB showed
   * in profiles. Bounded: cleared when a scan of many addresses fills it.
   */
  private readonly unmappedOf = new Map<string, string>();
  private readonly mappedOf = new Map<string, string>();

  /** Kept from the bind: dgram's address() throws once the socket is closed. */
  readonly localPort: number;

  private constructor(private readonly socket: dgram.Socket) {
    this.localPort = socket.address().port;
    this.dualStack = socket.address().family === 'IPv6';
    socket.on('message', (msg, rinfo) =>
      this.onDatagram?.(msg, this.dualStack ? this.unmapped(rinfo.address) : rinfo.address, rinfo.port),
    );
  }

  static bind(options: DatagramPortOptions): Promise<NodeDatagramPort> {
    // ipv6Only false: '::' takes IPv4 datagrams too, whatever the system's bindv6only says.
    const socket = dgram.createSocket({
      type: isIP(options.host) === 6 ? 'udp6' : 'udp4',
      ipv6Only: false,
      lookup: literalLookup(),
    });
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        try {
          socket.close();
        } catch {
          // A socket that never bound may already count as closed.
        }
        reject(err);
      };
      socket.once('error', onError);
      socket.bind({ address: options.host, port: options.port, exclusive: true }, () => {
        socket.off('error', onError);
        // Best effort: a kernel that refuses keeps its defaults (the socket drops sooner).
        try {
          socket.setRecvBufferSize(options.recvBufferBytes);
          socket.setSendBufferSize(options.sendBufferBytes);
        } catch {
          // as above
        }
        const port = new NodeDatagramPort(socket);
        socket.on('error', (err) => port.onError?.(err));
        resolve(port);
      });
    });
  }

  send(
    packet: Uint8Array,
    length: number,
    port: number,
    host: string,
    callback?: (err: Error | null) => void,
  ): void {
    if (this.closing) {
      if (callback) process.nextTick(callback, new Error('the UDP socket is closed'));
      return;
    }
    const to = this.dualStack ? this.mapped(host) : host;
    // No callback unless the caller wants one (the DHT's sends): with one, Node keeps a
    // closure and queues a completion (process.nextTick) per datagram.
    if (callback) this.socket.send(packet, 0, length, port, to, (err) => callback(err ?? null));
    else this.socket.send(packet, 0, length, port, to);
  }

  bufferSizes(): { recvBytes: number; sendBytes: number } {
    return { recvBytes: this.socket.getRecvBufferSize(), sendBytes: this.socket.getSendBufferSize() };
  }

  private unmapped(address: string): string {
    let host = this.unmappedOf.get(address);
    if (host === undefined) {
      host = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
      if (this.unmappedOf.size >= ADDRESS_CACHE_ENTRIES) this.unmappedOf.clear();
      this.unmappedOf.set(address, host);
    }
    return host;
  }

  private mapped(host: string): string {
    let to = this.mappedOf.get(host);
    if (to === undefined) {
      to = isIP(host) === 4 ? `::ffff:${host}` : host;
      if (this.mappedOf.size >= ADDRESS_CACHE_ENTRIES) this.mappedOf.clear();
      this.mappedOf.set(host, to);
    }
    return to;
  }

  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => this.socket.close(() => resolve()));
    return this.closing;
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;
type Lookup = (hostname: string, options: LookupOneOptions, callback: LookupCallback) => void;

/**
 * dgram passes the destination of every send through dns.lookup, which answers even an IP
 * literal on the next tick: a closure and a deferred callback per datagram, and the
 * datagram itself waits for the tick queue. A literal is answered at once here; a name
 * still goes to dns.lookup. The last literal is remembered: datagrams go out in runs to
 * one address.
 */
function literalLookup(): Lookup {
  let last = { address: '', family: 0 };
  return (hostname, options, callback) => {
    if (hostname !== last.address) {
      const family = isIP(hostname);
      if (family === 0) return lookup(hostname, options, callback);
      last = { address: hostname, family };
    }
    callback(null, last.address, last.family);
  };
}
