/**
 * The network a sender belongs to, for quotas that one host must not dodge by using more
 * addresses: IPv4 /24, IPv6 /64. An IPv6 host is usually handed a whole /64 (SLAAC, privacy
 * addresses), and one IPv4 site seldom holds more than a /24, so a quota per prefix costs an
 * abuser a network per quota rather than an address per quota.
 */
import { parseIpv4, parseIpv6, type IpFamily } from '../../protocol/ip-address.ts';

/** A key naming `ip`'s /24 (IPv4) or /64 (IPv6); `ip` is normalised (see normalizeIp). */
export function networkPrefix(ip: string, family: IpFamily): string {
  if (family === 4) {
    const b = parseIpv4(ip);
    return `${b[0]}.${b[1]}.${b[2]}.0/24`;
  }
  const b = parseIpv6(ip);
  const groups: string[] = [];
  for (let i = 0; i < 8; i += 2) groups.push((((b[i] as number) << 8) | (b[i + 1] as number)).toString(16));
  return `${groups.join(':')}::/64`;
}
