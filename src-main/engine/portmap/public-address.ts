/**
 * Whether an address is on the public internet, for "a peer from outside reached us"
 * (port-mapper.ts). Private ranges (RFC 1918, RFC 4193), loopback, link-local and
 * carrier-grade NAT (RFC 6598) are not: a peer there may be on our side of the router.
 */
import { BlockList, isIP } from 'node:net';

const notPublic = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  // The private and special ranges (RFC 1918, RFC 6598, RFC 5735): what an address is, never
  // an address we contact.
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const)
  notPublic.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  notPublic.addSubnet(net, prefix, 'ipv6');

export function isPublicAddress(address: string): boolean {
  const host = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  const family = isIP(host);
  if (family === 0) return false;
  return !notPublic.check(host, family === 4 ? 'ipv4' : 'ipv6');
}
