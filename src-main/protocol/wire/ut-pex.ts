// BEP 11 ut_pex: peers joined (`added`, flags in `added.f`) and left (`dropped`) since
// the last message, as compact lists (BEP 23): 6 bytes per IPv4 peer, 18 per IPv6 peer
// (`added6`, `added6.f`, `dropped6`).
import { asBytes, asDict, bdecode, bencode, type BDict } from '../bencode.ts';
import { ProtocolError } from '../protocol-error.ts';
import { decodeCompactPeers, encodeCompactPeers, type PeerAddress } from '../udp-tracker/compact-peers.ts';
import { ipFamily } from '../ip-address.ts';

/** BEP 11 says at most 50 added + 50 dropped per message; we accept some slack. */
export const MAX_PEX_PEERS_PER_LIST = 200;
const MAX_PEX_BYTES = 64 * 1024;

/** BEP 11 `added.f` bits. */
export const PexFlags = {
  prefersEncryption: 0x01,
  seedOrUploadOnly: 0x02,
  supportsUtp: 0x04,
  supportsHolepunch: 0x08,
  reachable: 0x10,
} as const;

export interface PexPeer extends PeerAddress {
  /** `added.f` bits (0 when the sender gave none). */
  flags: number;
}

export interface PexMessage {
  added: PexPeer[];
  dropped: PeerAddress[];
}

export function encodeUtPex(msg: PexMessage): Uint8Array {
  const added4 = msg.added.filter((p) => ipFamily(p.host) === 4);
  const added6 = msg.added.filter((p) => ipFamily(p.host) === 6);
  const dropped4 = msg.dropped.filter((p) => ipFamily(p.host) === 4);
  const dropped6 = msg.dropped.filter((p) => ipFamily(p.host) === 6);
  const dict: Record<string, Uint8Array> = {
    added: encodeCompactPeers(added4, 4),
    'added.f': Uint8Array.from(added4, (p) => p.flags & 0xff),
    dropped: encodeCompactPeers(dropped4, 4),
  };
  if (added6.length > 0) {
    dict.added6 = encodeCompactPeers(added6, 6);
    dict['added6.f'] = Uint8Array.from(added6, (p) => p.flags & 0xff);
  }
  if (dropped6.length > 0) dict.dropped6 = encodeCompactPeers(dropped6, 6);
  return bencode(dict);
}

function list(dict: BDict, key: string, family: 4 | 6): PeerAddress[] {
  if (dict[key] === undefined) return [];
  const bytes = asBytes(dict[key], key);
  const count = bytes.length / (family === 4 ? 6 : 18);
  if (count > MAX_PEX_PEERS_PER_LIST)
    throw new ProtocolError('too-large', `${key} lists ${Math.floor(count)} peers`);
  return decodeCompactPeers(bytes, family);
}

function withFlags(peers: PeerAddress[], dict: BDict, key: string): PexPeer[] {
  // Flags are advisory: a missing or short `added.f` leaves the flags at 0.
  const flags = dict[key] === undefined ? new Uint8Array(0) : asBytes(dict[key], key);
  return peers.map((p, i) => ({ host: p.host, port: p.port, flags: flags[i] ?? 0 }));
}

export function decodeUtPex(payload: Uint8Array): PexMessage {
  if (payload.length > MAX_PEX_BYTES)
    throw new ProtocolError('too-large', `ut_pex message of ${payload.length} bytes`);
  const dict = asDict(bdecode(payload, { maxLengthBytes: MAX_PEX_BYTES }), 'ut_pex message');
  return {
    added: [
      ...withFlags(list(dict, 'added', 4), dict, 'added.f'),
      ...withFlags(list(dict, 'added6', 6), dict, 'added6.f'),
    ],
    dropped: [...list(dict, 'dropped', 4), ...list(dict, 'dropped6', 6)],
  };
}
