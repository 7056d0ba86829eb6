import { readFile, stat } from 'node:fs/promises';
import { ipFamily, normalizeIp, parseIpv6 } from '../../protocol/ip-address.ts';
import { parseInfoHash, parseMagnet } from '../../protocol/magnet.ts';
import { MAX_TORRENT_FILE_BYTES, type Metainfo } from '../../protocol/metainfo/metainfo-types.ts';
import { parseTorrent } from '../../protocol/metainfo/parse-torrent.ts';
import { ProtocolError } from '../../protocol/protocol-error.ts';
import type { TorrentSource } from '../session-api.ts';
import type { PeerCandidate } from '../torrent/swarm.ts';

/** A source turned into what a Torrent needs to start. */
export interface ResolvedSource {
  infoHash: Uint8Array;
  infoHashHex: string;
  metainfo: Metainfo | null;
  torrentBytes: Uint8Array | null;
  displayName?: string;
  trackers: string[];
  peers: PeerCandidate[];
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/**
 * Reads and parses a source. Errors carry a string `code`: ProtocolError codes for bad
 * input (a `../` path in a .torrent is 'bad-path'), 'too-large', or Node's ENOENT/EACCES.
 */
export async function resolveSource(source: TorrentSource): Promise<ResolvedSource> {
  switch (source.kind) {
    case 'torrent-file': {
      const info = await stat(source.path);
      if (info.size > MAX_TORRENT_FILE_BYTES) {
        throw new ProtocolError(
          'too-large',
          `${source.path} is ${info.size} bytes: too large for a .torrent`,
        );
      }
      try {
        return fromMetainfo(new Uint8Array(await readFile(source.path)));
      } catch (err) {
        // Name the file: "metainfo must be a dictionary" alone does not say which one.
        if (err instanceof ProtocolError) throw new ProtocolError(err.code, `${source.path}: ${err.message}`);
        throw err;
      }
    }
    case 'metainfo':
      return fromMetainfo(source.bytes);
    case 'magnet': {
      const link = parseMagnet(source.uri);
      return {
        infoHash: link.infoHash,
        infoHashHex: link.infoHashHex,
        metainfo: null,
        torrentBytes: null,
        ...(link.name ? { displayName: link.name } : {}),
        trackers: link.trackers,
        peers: link.peers.map(parseHostPort).filter((p): p is PeerCandidate => p !== null),
      };
    }
    case 'info-hash': {
      const infoHash = parseInfoHash(source.infoHashHex);
      return {
        infoHash,
        infoHashHex: hex(infoHash),
        metainfo: null,
        torrentBytes: null,
        ...(source.name ? { displayName: source.name } : {}),
        trackers: [],
        peers: [],
      };
    }
  }
}

function fromMetainfo(bytes: Uint8Array): ResolvedSource {
  const metainfo = parseTorrent(bytes);
  return {
    infoHash: metainfo.infoHash,
    infoHashHex: metainfo.infoHashHex,
    metainfo,
    torrentBytes: bytes.slice(),
    trackers: [],
    peers: [],
  };
}

/**
 * 'host:port' or '[v6]:port' (magnet x.pe); null when malformed. IP literals come back in
 * one spelling (normalizeIp), so `[FD00:0::1]` and `[fd00::1]` are the same candidate.
 */
export function parseHostPort(text: string): PeerCandidate | null {
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  const m = v6 ?? /^([^:]+):(\d+)$/.exec(text);
  if (!m) return null;
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 0xffff) return null;
  const host = m[1]!;
  if (v6) {
    try {
      parseIpv6(host); // throws unless the brackets hold IPv6 text
      return { host: normalizeIp(host), port };
    } catch {
      return null; // brackets hold an IPv6 address or nothing
    }
  }
  return { host: ipFamily(host) === 4 ? normalizeIp(host) : host, port };
}
