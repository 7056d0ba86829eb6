/**
 * One multicast group/port pair, both families: the UDP sockets LSD (BEP 14) and the LAN
 * catalog send and receive on. Several programs on one machine listen on the same port
 * (libtorrent, Transmission, other Swarmdrops), so the sockets share it (SO_REUSEADDR);
 * the kernel hands each of them every datagram sent to the group.
 *
 * Where: `interfaceAddress` 'all' joins and sends on every non-loopback interface; an
 * address joins and sends only on the interface that holds it (127.0.0.1 keeps it all on
 * this machine: loopback multicast, for tests and for people who want no LAN traffic).
 */
import dgram from 'node:dgram';
import os, { type NetworkInterfaceInfo } from 'node:os';

export interface MulticastChannelOptions {
  ipv4Group: string;
  ipv6Group: string;
  port: number;
  /** 'all', or one local address (IPv4 or IPv6) whose interface is used. */
  interfaceAddress: string;
  onMessage(bytes: Uint8Array, from: { address: string; port: number }): void;
  /** A socket or interface that could not be used: the channel goes on with the others. */
  onError(code: string, message: string): void;
  networkInterfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
}

interface FamilySocket {
  socket: dgram.Socket;
  group: string;
  /** Arguments for setMulticastInterface, one per interface we send on. */
  interfaces: string[];
  /** The send in progress: sends on one socket run one after another. */
  sending: Promise<void>;
}

/** The interfaces to use, as setMulticastInterface wants them (an IPv4 address, or `::%name`). */
export function multicastInterfaces(
  all: NodeJS.Dict<NetworkInterfaceInfo[]>,
  interfaceAddress: string,
): { v4: string[]; v6: string[] } {
  const v4: string[] = [];
  const v6 = new Set<string>();
  for (const [name, infos] of Object.entries(all)) {
    for (const info of infos ?? []) {
      const chosen = interfaceAddress === 'all' ? !info.internal : info.address === interfaceAddress;
      if (!chosen) continue;
      if (info.family === 'IPv4') v4.push(info.address);
      else v6.add(`::%${name}`);
    }
  }
  return { v4, v6: [...v6] };
}

export class MulticastChannel {
  private readonly sockets: FamilySocket[] = [];
  private closed = false;

  private constructor(private readonly o: MulticastChannelOptions) {}

  /** Opens the sockets; resolves with the channel even when a family could not be used. */
  static async open(o: MulticastChannelOptions): Promise<MulticastChannel> {
    const channel = new MulticastChannel(o);
    const { v4, v6 } = multicastInterfaces(
      (o.networkInterfaces ?? os.networkInterfaces)(),
      o.interfaceAddress,
    );
    if (v4.length > 0) await channel.openFamily('udp4', o.ipv4Group, v4);
    if (v6.length > 0) await channel.openFamily('udp6', o.ipv6Group, v6);
    if (channel.sockets.length === 0)
      o.onError('lan-no-interface', `no usable interface for ${o.interfaceAddress} multicast`);
    return channel;
  }

  get open(): boolean {
    return this.sockets.length > 0 && !this.closed;
  }

  private async openFamily(type: 'udp4' | 'udp6', group: string, interfaces: string[]): Promise<void> {
    const socket = dgram.createSocket({
      type,
      reuseAddr: true,
      ...(type === 'udp6' ? { ipv6Only: true } : {}),
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(this.o.port, type === 'udp4' ? '0.0.0.0' : '::', () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      socket.close();
      this.o.onError('lan-bind-failed', `${type} port ${this.o.port}: ${(err as Error).message}`);
      return;
    }
    const joined: string[] = [];
    for (const iface of interfaces) {
      try {
        socket.addMembership(group, iface);
        joined.push(iface);
      } catch (err) {
        this.o.onError('lan-join-failed', `join ${group} on ${iface}: ${(err as Error).message}`);
      }
    }
    if (joined.length === 0) {
      socket.close();
      return;
    }
    // BEP 14 and the catalog are link-local: one hop, never routed.
    socket.setMulticastTTL(1);
    socket.setMulticastLoopback(true);
    socket.on('message', (msg, rinfo) => {
      if (!this.closed) this.o.onMessage(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), rinfo);
    });
    socket.on('error', (err) => this.o.onError('lan-socket', err.message));
    this.sockets.push({ socket, group, interfaces: joined, sending: Promise.resolve() });
  }

  /** `Host` header value for a family's group (BEP 14 writes group:port). */
  hostOf(family: 4 | 6): string {
    return family === 4 ? `${this.o.ipv4Group}:${this.o.port}` : `[${this.o.ipv6Group}]:${this.o.port}`;
  }

  /**
   * Sends `build(family)` to the group on every interface (bytes may differ per family).
   * One interface at a time: the outgoing interface is a socket option, and dgram resolves
   * the destination asynchronously, so a second setMulticastInterface before the first
   * send went out would move it.
   */
  send(build: (family: 4 | 6) => Uint8Array): Promise<void> {
    if (this.closed) return Promise.resolve();
    return Promise.all(this.sockets.map((s) => this.sendOn(s, build(s.group.includes(':') ? 6 : 4)))).then(
      () => undefined,
    );
  }

  private async sendOn(s: FamilySocket, bytes: Uint8Array): Promise<void> {
    const previous = s.sending;
    let done!: () => void;
    s.sending = new Promise<void>((resolve) => (done = resolve));
    await previous;
    try {
      for (const iface of s.interfaces) {
        if (this.closed) return;
        await new Promise<void>((resolve) => {
          try {
            s.socket.setMulticastInterface(iface);
            s.socket.send(bytes, this.o.port, s.group, (err) => {
              if (err) this.o.onError('lan-send-failed', `${s.group} via ${iface}: ${err.message}`);
              resolve();
            });
          } catch (err) {
            this.o.onError('lan-send-failed', `${s.group} via ${iface}: ${(err as Error).message}`);
            resolve();
          }
        });
      }
    } finally {
      done();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.sockets) s.socket.close();
  }
}
