/**
 * The embedded tracker's addresses to give other people: one `udp://ip:port` per
 * non-internal interface, computed at run time (no hard-coded addresses). IPv4
 * first (what people type), link-local IPv6 left out (needs a zone id to be usable), and
 * IPv6 only when the tracker listens on IPv6 (`bindHost` '::'; '0.0.0.0' is IPv4 only).
 * With no external interface, loopback, so the screen still shows something true.
 */
import type { NetworkInterfaceInfo } from 'node:os';

export function shareAddresses(
  port: number,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
  bindHost = '::',
): string[] {
  const v4: string[] = [];
  const v6: string[] = [];
  const withIpv6 = bindHost !== '0.0.0.0';
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (info.internal) continue;
      if (info.family === 'IPv4') v4.push(`udp://${info.address}:${port}`);
      else if (withIpv6 && !info.address.toLowerCase().startsWith('fe80:'))
        v6.push(`udp://[${info.address}]:${port}`);
    }
  }
  const all = [...new Set([...v4, ...v6])];
  return all.length > 0 ? all : [`udp://127.0.0.1:${port}`];
}

const WILDCARDS = new Set(['', '0.0.0.0', '::']);

/** Whether a listen address means every interface (so every interface's address reaches it). */
export function listensEverywhere(bindHost: string): boolean {
  return WILDCARDS.has(bindHost);
}

/** `udp://host:port`, IPv6 in brackets. */
export function udpUrl(host: string, port: number): string {
  return host.includes(':') ? `udp://[${host}]:${port}` : `udp://${host}:${port}`;
}

/**
 * The embedded tracker's URL written into the torrents and magnets we make. `advertiseHost`
 * 'auto': the address the tracker listens on when that is one address (`--bind`), else the
 * first of `shareAddresses` (loopback on a machine with no network).
 */
export function advertisedTrackerUrl(o: {
  port: number;
  advertiseHost: string;
  bindHost: string;
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>;
}): string {
  if (o.advertiseHost !== 'auto') return udpUrl(o.advertiseHost, o.port);
  if (!listensEverywhere(o.bindHost)) return udpUrl(o.bindHost, o.port);
  return shareAddresses(o.port, o.interfaces, o.bindHost)[0]!;
}

/** The host part of `advertisedTrackerUrl` (no brackets). */
export function advertisedHost(o: {
  advertiseHost: string;
  bindHost: string;
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>;
}): string {
  return udpHostPort(advertisedTrackerUrl({ ...o, port: 1 }))!.host;
}

/**
 * Where this machine reaches its own embedded tracker: the listen address, or IPv4
 * loopback when it listens on every address ('::' is dual-stack, so 127.0.0.1 reaches it
 * too). Never through the LAN address others use. IPv4, not ::1: a tracker answers in the
 * family the announce came in (BEP 15, BEP 7), and the peers of a LAN are IPv4 peers; BEP
 * 15's `IP address` field that names our advertised address is IPv4 as well.
 */
export function localTrackerUrl(port: number, bindHost: string): string {
  if (!listensEverywhere(bindHost)) return udpUrl(bindHost, port);
  return udpUrl('127.0.0.1', port);
}

/**
 * The engine's tracker alias (SessionOptions.trackerAlias): a UDP URL naming our own
 * tracker (its port, with the advertised host or any address of this machine) is sent to
 * `localTrackerUrl` instead; every other URL is left alone.
 */
export function ownTrackerAlias(o: {
  port: number;
  bindHost: string;
  advertisedUrl: string;
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>;
}): (url: string) => string {
  const local = localTrackerUrl(o.port, o.bindHost);
  const ownHosts = new Set<string>();
  const advertised = udpHostPort(o.advertisedUrl);
  if (advertised) ownHosts.add(advertised.host);
  for (const infos of Object.values(o.interfaces))
    for (const info of infos ?? []) ownHosts.add(info.address.toLowerCase());
  return (url) => {
    const target = udpHostPort(url);
    return target && target.port === o.port && ownHosts.has(target.host) ? local : url;
  };
}

/** Host (lower case, no brackets) and port of a `udp://host:port[/…]` URL; null otherwise. */
function udpHostPort(url: string): { host: string; port: number } | null {
  const m = /^udp:\/\/(?:\[([^\]]+)\]|([^:/[\]]+)):(\d{1,5})(?:[/?#]|$)/i.exec(url.trim());
  if (!m) return null;
  return { host: (m[1] ?? m[2]!).toLowerCase(), port: Number(m[3]) };
}
