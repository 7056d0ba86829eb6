// BEP 10 `ipv4` / `ipv6`: our own addresses, told to peers in the extension handshake.
// Only addresses the settings name are used (the announce address, then a specific bind
// address); nothing is guessed from interfaces or from what peers report (`yourip`), so
// a wrong value can only come from a wrong setting.
import { isLoopbackIp, normalizeIp, parseIpv4, parseIpv6 } from '../../protocol/ip-address.ts';

export interface OwnAddressFields {
  ipv4?: Uint8Array;
  ipv6?: Uint8Array;
}

/**
 * The addresses among `candidates` (in order of preference) that name this host: IP
 * literals, normalised, not the unspecified address ('0.0.0.0', '::') a wildcard bind
 * uses. Host names and malformed text are left out.
 */
export function knownOwnAddresses(candidates: readonly (string | undefined)[]): string[] {
  const out: string[] = [];
  for (const candidate of candidates) {
    if (!candidate) continue;
    let ip: string;
    try {
      ip = normalizeIp(candidate);
    } catch {
      continue; // a host name, or not an address at all
    }
    if (ip === '0.0.0.0' || ip === '::' || out.includes(ip)) continue;
    out.push(ip);
  }
  return out;
}

/**
 * The `ipv4` / `ipv6` fields for a peer at `peerHost`: the first known address of each
 * family. A loopback address goes only to a peer on loopback (as with PEX): anywhere else
 * it would name the peer's own machine.
 */
export function ownAddressFields(own: readonly string[], peerHost: string): OwnAddressFields {
  const peerIsLocal = safeIsLoopback(peerHost);
  const fields: OwnAddressFields = {};
  for (const ip of own) {
    if (isLoopbackIp(ip) && !peerIsLocal) continue;
    if (ip.includes(':')) fields.ipv6 ??= parseIpv6(ip);
    else fields.ipv4 ??= parseIpv4(ip);
  }
  return fields;
}

function safeIsLoopback(host: string): boolean {
  try {
    return isLoopbackIp(host);
  } catch {
    return false;
  }
}
