/**
 * Compact peer lists (BEP 23): 6 bytes per IPv4 peer (address, port), 18 bytes per IPv6
 * peer (BEP 7 `peers6`, and BEP 15 announce responses over IPv6). Used by the UDP codecs
 * and by the HTTP tracker client.
 */
import { ProtocolError } from '../protocol-error.ts';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6, type IpFamily } from '../ip-address.ts';

export interface PeerAddress {
  host: string;
  port: number;
}

export const compactPeerBytes = (family: IpFamily): number => (family === 4 ? 6 : 18);

export function encodeCompactPeers(peers: readonly PeerAddress[], family: IpFamily): Uint8Array {
  const size = compactPeerBytes(family);
  const out = new Uint8Array(peers.length * size);
  const view = new DataView(out.buffer);
  peers.forEach((p, i) => {
    if (!Number.isInteger(p.port) || p.port < 0 || p.port > 0xffff)
      throw new ProtocolError('bad-value', 'port out of range');
    out.set(family === 4 ? parseIpv4(p.host) : parseIpv6(p.host), i * size);
    view.setUint16(i * size + size - 2, p.port);
  });
  return out;
}

/** Decodes a whole compact list; a length that is not a multiple of the entry size is refused. */
export function decodeCompactPeers(bytes: Uint8Array, family: IpFamily): PeerAddress[] {
  const size = compactPeerBytes(family);
  if (bytes.length % size !== 0) {
    throw new ProtocolError(
      'bad-value',
      `compact IPv${family} peer list of ${bytes.length} bytes is not a multiple of ${size}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const peers: PeerAddress[] = [];
  for (let off = 0; off < bytes.length; off += size) {
    const host = family === 4 ? formatIpv4(bytes, off) : formatIpv6(bytes, off);
    peers.push({ host, port: view.getUint16(off + size - 2) });
  }
  return peers;
}
