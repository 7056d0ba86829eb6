/**
 * The embedded tracker's addresses to give other people: one `udp://ip:port` per
 * non-internal interface, computed at run time (DESIGN: no hard-coded addresses). IPv4
 * first (what people type), link-local IPv6 left out (needs a zone id to be usable).
 * With no external interface, loopback, so the screen still shows something true.
 */
import type { NetworkInterfaceInfo } from 'node:os';

export function shareAddresses(
  port: number,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
): string[] {
  const v4: string[] = [];
  const v6: string[] = [];
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (info.internal) continue;
      if (info.family === 'IPv4') v4.push(`udp://${info.address}:${port}`);
      else if (!info.address.toLowerCase().startsWith('fe80:')) v6.push(`udp://[${info.address}]:${port}`);
    }
  }
  const all = [...new Set([...v4, ...v6])];
  return all.length > 0 ? all : [`udp://127.0.0.1:${port}`];
}
