// How big a uTP packet the path to a peer carries whole. BEP 29 leaves packet size to the
// sender; the usual size (1400 payload bytes) fits any 1500-byte path, and Node pays a
// fixed cost per datagram received (docs/PERFORMANCE.md, "uTP: the cost is per datagram"),
// so where the path is wider — loopback, a jumbo-frame LAN — bigger packets move the same
// bytes for a fraction of the CPU. TCP gets this for free from the kernel.
//
// The path is known only when the peer is on a link of ours: its address is inside the
// subnet of one of our interfaces (loopback included), so the packet crosses that link
// alone and the link's MTU is the path's. Any other peer is behind a router whose links
// we cannot see, and keeps the usual size. The MTU comes from Linux's sysfs; on other
// systems it is unknown and every path keeps the usual size.
//
// Wider packets also need a receiver that reads them whole, which only the peer can say
// (peer wire: the BEP 10 handshake's `utp_max_datagram`, docs/PROTOCOL.md);
// UtpConnection.peerReadsDatagramsUpTo takes the smaller of the two.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { UTP_HEADER_BYTES } from '../../protocol/utp/utp-header.ts';

/**
 * Largest payload we put in one packet, whatever the link: on loopback 32 KiB moved a
 * GiB as fast as 64 KiB did (docs/PERFORMANCE.md), and a lost packet costs half as much
 * to send again.
 */
export const MAX_UTP_PAYLOAD_BYTES = 32 * 1024;
/** IPv6 header (the larger of the two families) and UDP header, below every uTP packet. */
const IP_UDP_HEADER_BYTES = 40 + 8;
/** How long a look at the interfaces is reused; connections come in bursts. */
const LINKS_TTL_MS = 10_000;

/** Where the interfaces and their MTUs come from (tests pass their own). */
export interface LinkSource {
  interfaces(): NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  /** The interface's MTU in bytes, undefined when the system does not say. */
  mtu(name: string): number | undefined;
}

/** Linux: /sys/class/net/NAME/mtu. Elsewhere, or for a name that is not a plain name, unknown. */
function sysfsMtu(name: string): number | undefined {
  if (process.platform !== 'linux' || !/^[\w.:@-]+$/.test(name)) return undefined;
  try {
    const mtu = Number(readFileSync(`/sys/class/net/${name}/mtu`, 'utf8').trim());
    return Number.isSafeInteger(mtu) && mtu > 0 ? mtu : undefined;
  } catch {
    return undefined;
  }
}

export const systemLinks: LinkSource = { interfaces: () => os.networkInterfaces(), mtu: sysfsMtu };

interface Link {
  subnet: net.BlockList;
  family: 'ipv4' | 'ipv6';
  mtu: number;
}

function onLink(link: Link, remote: string, type: 'ipv4' | 'ipv6'): boolean {
  try {
    return link.subnet.check(remote, type);
  } catch {
    return false; // an address BlockList cannot read (a zone index): not known to be on the link
  }
}

/** uTP payload bytes per packet that fit a link of `mtu` bytes. */
export function payloadForMtu(mtu: number): number {
  return mtu - IP_UDP_HEADER_BYTES - UTP_HEADER_BYTES;
}

/**
 * The payload ceiling per remote address: `basePayloadBytes` unless the remote is on one
 * of our links whose MTU is known and wider, then what that link carries (at most
 * MAX_UTP_PAYLOAD_BYTES). Reads the interfaces at most every LINKS_TTL_MS.
 */
export class PathMtu {
  private links: Link[] = [];
  private readAtMs = -Infinity;

  constructor(
    private readonly basePayloadBytes: number,
    private readonly source: LinkSource = systemLinks,
    private readonly now: () => number = () => performance.now(),
  ) {}

  payloadCeiling(remote: string): number {
    const family = net.isIP(remote);
    if (family === 0) return this.basePayloadBytes;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    let mtu = Infinity;
    for (const link of this.currentLinks()) {
      // Two links on one subnet: the narrower decides.
      if (link.family === type && onLink(link, remote, type)) mtu = Math.min(mtu, link.mtu);
    }
    if (mtu === Infinity) return this.basePayloadBytes;
    return Math.max(this.basePayloadBytes, Math.min(MAX_UTP_PAYLOAD_BYTES, payloadForMtu(mtu)));
  }

  private currentLinks(): Link[] {
    const now = this.now();
    if (now - this.readAtMs < LINKS_TTL_MS) return this.links;
    this.readAtMs = now;
    const links: Link[] = [];
    let interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = {};
    try {
      interfaces = this.source.interfaces();
    } catch {
      // No view of the interfaces (a sandbox): every path keeps the usual size.
    }
    for (const [name, infos] of Object.entries(interfaces)) {
      const mtu = infos && infos.length > 0 ? this.source.mtu(name) : undefined;
      if (mtu === undefined) continue;
      for (const info of infos!) {
        const prefix = Number(info.cidr?.split('/')[1]);
        const family = info.family === 'IPv4' ? 'ipv4' : 'ipv6';
        if (!Number.isInteger(prefix)) continue;
        try {
          const subnet = new net.BlockList();
          subnet.addSubnet(info.address, prefix, family);
          links.push({ subnet, family, mtu });
        } catch {
          // An address BlockList cannot hold (a zone index): that link is left out.
        }
      }
    }
    this.links = links;
    return links;
  }
}
