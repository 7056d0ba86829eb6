// Magnet links (BEP 9): `magnet:?xt=urn:btih:<info-hash>&dn=<name>&tr=<tracker>&x.pe=<peer>`.
// The info-hash is 40 hex characters or 32 base32 characters (RFC 4648, no padding).
// Only BitTorrent v1 (`btih`) is understood; a v2-only link (`btmh`) is refused.
import { safeDisplayName } from './display-name.ts';
import { ProtocolError } from './protocol-error.ts';

export interface MagnetLink {
  infoHash: Uint8Array;
  infoHashHex: string;
  /** `dn`: display name, a hint until the metadata arrives; made safe to show (display-name.ts). */
  name?: string;
  /** `tr`, in order, duplicates removed. */
  trackers: string[];
  /** `x.pe`: peer addresses `host:port` to try directly. */
  peers: string[];
  /** `ws`: web seed URLs (BEP 19). */
  webSeeds?: string[];
}

/** Longest magnet URI we parse; real ones are a few hundred bytes. */
export const MAX_MAGNET_LENGTH = 64 * 1024;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Parses a bare info-hash: 40 hex or 32 base32 characters (case-insensitive). */
export function parseInfoHash(text: string): Uint8Array {
  const t = text.trim();
  if (/^[0-9a-fA-F]{40}$/.test(t)) return Uint8Array.from(Buffer.from(t, 'hex'));
  if (/^[A-Za-z2-7]{32}$/.test(t)) return base32Decode(t.toUpperCase());
  throw new ProtocolError(
    'bad-value',
    `not an info-hash (need 40 hex or 32 base32 characters): ${JSON.stringify(t.slice(0, 80))}`,
  );
}

export function parseMagnet(uri: string): MagnetLink {
  if (uri.length > MAX_MAGNET_LENGTH)
    throw new ProtocolError('too-large', `magnet link of ${uri.length} characters is too long`);
  const trimmed = uri.trim();
  if (!/^magnet:\?/i.test(trimmed))
    throw new ProtocolError('bad-value', 'not a magnet link (must start with "magnet:?")');
  let infoHash: Uint8Array | undefined;
  let name: string | undefined;
  const trackers: string[] = [];
  const peers: string[] = [];
  const webSeeds: string[] = [];
  for (const part of trimmed.slice('magnet:?'.length).split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq)).toLowerCase();
    const raw = eq < 0 ? '' : part.slice(eq + 1);
    // Parameters may carry a numeric suffix (`xt.1`, `tr.2`) when repeated (magnet spec).
    const base = key.replace(/\.\d+$/, '');
    // Some clients write a space in `dn` as `+` (form encoding); in URLs `+` is literal.
    const value = decode(base === 'dn' ? raw.replace(/\+/g, ' ') : raw);
    if (base === 'xt') {
      const match = /^urn:btih:(.*)$/i.exec(value);
      if (match && infoHash === undefined) infoHash = parseInfoHash(match[1]!);
    } else if (base === 'dn') {
      // An empty `dn=` names nothing (and formatMagnet could not write it back).
      if (value) name = value;
    } else if (base === 'tr') {
      if (value && !trackers.includes(value)) trackers.push(value);
    } else if (base === 'x.pe') {
      if (value) peers.push(value);
    } else if (base === 'ws') {
      if (value) webSeeds.push(value);
    }
  }
  if (!infoHash)
    throw new ProtocolError('bad-value', 'magnet link has no BitTorrent info-hash (missing xt=urn:btih:...)');
  const link: MagnetLink = { infoHash, infoHashHex: Buffer.from(infoHash).toString('hex'), trackers, peers };
  // `dn` is shown (and logged) as the torrent's name until the metadata arrives: no
  // control characters or path separators from a stranger (`dn=../../..` is dropped).
  const displayName = safeDisplayName(name);
  if (displayName !== undefined) link.name = displayName;
  if (webSeeds.length > 0) link.webSeeds = webSeeds;
  return link;
}

export interface MagnetInput {
  infoHashHex: string;
  name?: string;
  trackers?: readonly string[];
  peers?: readonly string[];
}

/** Builds `magnet:?xt=urn:btih:<hex>&dn=…&tr=…` with every value percent-encoded. */
export function formatMagnet(input: MagnetInput): string {
  const hex = Buffer.from(parseInfoHash(input.infoHashHex)).toString('hex');
  let uri = `magnet:?xt=urn:btih:${hex}`;
  if (input.name) uri += `&dn=${encodeURIComponent(input.name)}`;
  for (const tr of input.trackers ?? []) uri += `&tr=${encodeURIComponent(tr)}`;
  for (const pe of input.peers ?? []) uri += `&x.pe=${encodeURIComponent(pe)}`;
  return uri;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ProtocolError(
      'bad-value',
      `bad percent-encoding in magnet link: ${JSON.stringify(text.slice(0, 80))}`,
    );
  }
}

function base32Decode(text: string): Uint8Array {
  const out = new Uint8Array(20);
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (const c of text) {
    acc = (acc << 5) | BASE32.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  return out;
}
