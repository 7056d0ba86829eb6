/**
 * Textual IP addresses ↔ bytes, for compact peer lists (BEP 23, BEP 7/15 IPv6), PEX
 * (BEP 11), the BEP 15 announce `IP address` field and the peer layer's address keys.
 * Pure: no DNS, no node:net.
 */
import { ProtocolError } from './protocol-error.ts';

export type IpFamily = 4 | 6;

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIpv4(text: string): Uint8Array {
  const m = IPV4.exec(text);
  if (!m) throw new ProtocolError('bad-value', `not an IPv4 address: ${text.slice(0, 64)}`);
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = m[i + 1] ?? '';
    // Leading zeros are refused: some parsers read them as octal.
    if (part.length > 1 && part.startsWith('0'))
      throw new ProtocolError('bad-value', `not an IPv4 address: ${text}`);
    const n = Number(part);
    if (n > 255) throw new ProtocolError('bad-value', `not an IPv4 address: ${text}`);
    out[i] = n;
  }
  return out;
}

export function formatIpv4(bytes: Uint8Array, offset = 0): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

export function parseIpv6(text: string): Uint8Array {
  const fail = (): never => {
    throw new ProtocolError('bad-value', `not an IPv6 address: ${text.slice(0, 64)}`);
  };
  if (text.length > 45 || text.length < 2) fail();
  const out = new Uint8Array(16);
  let groups: number[];
  let tail = text;
  // An embedded IPv4 address takes the last 32 bits (e.g. ::ffff:192.0.2.1).
  let v4: Uint8Array | undefined;
  if (text.includes('.')) {
    const lastColon = text.lastIndexOf(':');
    if (lastColon < 0) fail();
    v4 = parseIpv4(text.slice(lastColon + 1));
    const prefix = text.slice(0, lastColon + 1);
    tail = prefix.endsWith('::') ? prefix : prefix.slice(0, -1);
  }
  const readGroups = (s: string): number[] => {
    if (s === '') return [];
    return s.split(':').map((g) => (/^[0-9a-fA-F]{1,4}$/.test(g) ? parseInt(g, 16) : fail()));
  };
  const needGroups = v4 ? 6 : 8;
  const dbl = tail.indexOf('::');
  if (dbl >= 0) {
    if (tail.indexOf('::', dbl + 1) >= 0) fail();
    const head = readGroups(tail.slice(0, dbl));
    const rest = readGroups(tail.slice(dbl + 2));
    if (head.length + rest.length > needGroups - 1) fail();
    groups = [...head, ...new Array<number>(needGroups - head.length - rest.length).fill(0), ...rest];
  } else {
    groups = readGroups(tail);
    if (groups.length !== needGroups) fail();
  }
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  if (v4) out.set(v4, 12);
  return out;
}

/** RFC 5952 text: lower case, the longest run (≥2) of zero groups as `::`. */
export function formatIpv6(bytes: Uint8Array, offset = 0): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++)
    groups.push(((bytes[offset + i * 2] ?? 0) << 8) | (bytes[offset + i * 2 + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

export function ipFamily(text: string): IpFamily | undefined {
  if (IPV4.test(text)) return 4;
  return text.includes(':') ? 6 : undefined;
}

/**
 * One spelling per address, so peers are keyed consistently: IPv4-mapped IPv6 addresses
 * (what a dual-stack socket reports for IPv4 senders) become plain IPv4, and IPv6 is
 * written the RFC 5952 way.
 */
export function normalizeIp(text: string): string {
  if (IPV4.test(text)) return formatIpv4(parseIpv4(text));
  const bytes = parseIpv6(text);
  const mapped = bytes.slice(0, 12).every((b, i) => (i < 10 ? b === 0 : b === 0xff));
  return mapped ? formatIpv4(bytes, 12) : formatIpv6(bytes);
}

export function isLoopbackIp(text: string): boolean {
  const ip = normalizeIp(text);
  return ip.startsWith('127.') || ip === '::1';
}
