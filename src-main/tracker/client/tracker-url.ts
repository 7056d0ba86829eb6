/** Announce URLs: which transport, which host and port. */
import { TrackerError } from './tracker-client-api.ts';

export interface UdpTrackerAddress {
  /** Host name or IP literal, IPv6 without brackets. */
  host: string;
  port: number;
}

export function trackerScheme(url: string): 'udp' | 'http' | 'https' | undefined {
  const m = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  const scheme = m?.[1]?.toLowerCase();
  return scheme === 'udp' || scheme === 'http' || scheme === 'https' ? scheme : undefined;
}

/** `udp://host:port[/path]` → host and port. BEP 15 URLs must name the port. */
export function parseUdpTrackerUrl(url: string): UdpTrackerAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TrackerError('unsupported', `not a URL: ${url}`);
  }
  if (parsed.protocol !== 'udp:') throw new TrackerError('unsupported', `not a udp:// tracker: ${url}`);
  const port = Number(parsed.port);
  if (!parsed.hostname || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TrackerError('unsupported', `udp tracker URL needs a host and a port: ${url}`);
  }
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  return { host, port };
}
