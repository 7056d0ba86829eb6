import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

type Interfaces = Record<string, NetworkInterfaceInfo[] | undefined>;

/**
 * The addresses on this machine at which a peer server listening on `host` is reached:
 * `host` itself, or every interface address (of its family) when it listens on all of them
 * (undefined or `::`: IPv6 and IPv4; `0.0.0.0`: IPv4). A tracker lists us among our own
 * torrent's peers at one of these, with our peer port.
 */
export function listenHosts(
  host: string | undefined,
  interfaces: Interfaces = networkInterfaces(),
): string[] {
  if (host !== undefined && host !== '::' && host !== '0.0.0.0') return [host];
  const out: string[] = [];
  for (const list of Object.values(interfaces)) {
    for (const info of list ?? []) {
      if (host === '0.0.0.0' && info.family !== 'IPv4') continue;
      // A link-local IPv6 address is only meaningful with its zone; peers never list it.
      if (info.family === 'IPv6' && info.scopeid) continue;
      out.push(info.address);
    }
  }
  return out;
}
