// BEP 10 extension handshake: the bencoded dict sent as extended message id 0. `m` maps
// extension names to the message ids the *sender* wants to receive them on (0 =
// disabled). We read the keys we use and ignore the rest, as BEP 10 asks.
import { asDict, bdecode, bencode, isDict, type BDict } from '../bencode.ts';
import { ProtocolError } from '../protocol-error.ts';
import { MAX_METADATA_BYTES } from './ut-metadata.ts';

/** Bound on the encoded dict; real ones are a few hundred bytes. */
export const MAX_EXTENSION_HANDSHAKE_BYTES = 64 * 1024;
const MAX_M_ENTRIES = 256;

/** The ids we advertise for the extensions we implement (any 1..255 would do). */
export const LOCAL_EXTENSION_IDS = { ut_metadata: 1, ut_pex: 2 } as const;

export interface ExtensionHandshake {
  /** Extension name → message id; 0 means the sender disabled it. */
  m: Record<string, number>;
  /** BEP 9: size of the info dict, when the sender has it. */
  metadataSizeBytes?: number;
  /** Client name and version, e.g. "Swarmdrop 0.1.0". */
  v?: string;
  /** The sender's listen port. */
  p?: number;
  /** How many outstanding requests the sender accepts. */
  reqq?: number;
  /** Our address as the sender sees it: 4 or 16 bytes. */
  yourIp?: Uint8Array;
  /** The sender's own IPv4 address (4 bytes), when it knows it. */
  ipv4?: Uint8Array;
  /** The sender's own IPv6 address (16 bytes), when it knows it. */
  ipv6?: Uint8Array;
  /** BEP 21: the sender is a partial seed / upload only. */
  uploadOnly?: boolean;
  /**
   * `utp_max_datagram`, a key of ours: over uTP, the largest datagram (uTP header
   * included) the sender reads whole, so we may send packets that big where the path
   * carries them (engine/utp/path-mtu.ts). Clients without it get the usual ~1400 bytes.
   */
  utpMaxDatagramBytes?: number;
}

/** The smallest `utp_max_datagram` worth reading: below it every path's usual packet fits. */
const MIN_UTP_MAX_DATAGRAM_BYTES = 576;

export function encodeExtensionHandshake(h: ExtensionHandshake): Uint8Array {
  const dict: Record<string, unknown> = { m: h.m };
  if (h.metadataSizeBytes !== undefined) dict.metadata_size = h.metadataSizeBytes;
  if (h.v !== undefined) dict.v = h.v;
  if (h.p !== undefined) dict.p = h.p;
  if (h.reqq !== undefined) dict.reqq = h.reqq;
  if (h.yourIp !== undefined) dict.yourip = h.yourIp;
  if (h.ipv4 !== undefined) dict.ipv4 = h.ipv4;
  if (h.ipv6 !== undefined) dict.ipv6 = h.ipv6;
  if (h.uploadOnly !== undefined) dict.upload_only = h.uploadOnly ? 1 : 0;
  if (h.utpMaxDatagramBytes !== undefined) dict.utp_max_datagram = h.utpMaxDatagramBytes;
  return bencode(dict);
}

/** An integer field in range, or undefined when absent, of another type or out of range. */
function optionalInt(v: BDict[string] | undefined, min: number, max: number): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max ? v : undefined;
}

/**
 * Decodes a BEP 10 handshake. Only its structure is enforced (bencode, a dict, bounded
 * size and entry count); a field of the wrong type or out of range is ignored like an
 * unknown key — a peer that gets `p`, `yourip` or `ipv4` wrong is still worth talking to
 * (docs/PROTOCOL.md, "What the peer wire accepts").
 */
export function decodeExtensionHandshake(payload: Uint8Array): ExtensionHandshake {
  if (payload.length > MAX_EXTENSION_HANDSHAKE_BYTES) {
    throw new ProtocolError('too-large', `extension handshake of ${payload.length} bytes`);
  }
  const dict = asDict(
    bdecode(payload, { maxLengthBytes: MAX_EXTENSION_HANDSHAKE_BYTES }),
    'extension handshake',
  );
  // Prototype-free: the names are the peer's, and `__proto__` must be a name like any other.
  const m: Record<string, number> = Object.create(null) as Record<string, number>;
  const mDict = dict.m;
  if (mDict !== undefined && isDict(mDict)) {
    const entries = Object.entries(mDict);
    if (entries.length > MAX_M_ENTRIES)
      throw new ProtocolError('too-large', `${entries.length} extensions in m`);
    for (const [name, value] of entries) {
      const id = optionalInt(value, 0, 255);
      if (id !== undefined) m[name] = id;
    }
  }
  const out: ExtensionHandshake = { m };
  const metadataSize = optionalInt(dict.metadata_size, 1, MAX_METADATA_BYTES);
  if (metadataSize !== undefined) out.metadataSizeBytes = metadataSize;
  if (dict.v instanceof Uint8Array) out.v = new TextDecoder('utf-8').decode(dict.v.subarray(0, 128));
  const p = optionalInt(dict.p, 0, 0xffff);
  if (p !== undefined) out.p = p;
  const reqq = optionalInt(dict.reqq, 0, 0x7fffffff);
  if (reqq !== undefined) out.reqq = reqq;
  if (dict.yourip instanceof Uint8Array && (dict.yourip.length === 4 || dict.yourip.length === 16))
    out.yourIp = dict.yourip.slice();
  // BEP 10 `ipv4` / `ipv6`: compact addresses of exactly 4 / 16 bytes; anything else is ignored.
  if (dict.ipv4 instanceof Uint8Array && dict.ipv4.length === 4) out.ipv4 = dict.ipv4.slice();
  if (dict.ipv6 instanceof Uint8Array && dict.ipv6.length === 16) out.ipv6 = dict.ipv6.slice();
  const uploadOnly = optionalInt(dict.upload_only, -(2 ** 53) + 1, 2 ** 53 - 1);
  if (uploadOnly !== undefined) out.uploadOnly = uploadOnly !== 0;
  const utpMaxDatagram = optionalInt(dict.utp_max_datagram, MIN_UTP_MAX_DATAGRAM_BYTES, 0xffff);
  if (utpMaxDatagram !== undefined) out.utpMaxDatagramBytes = utpMaxDatagram;
  return out;
}
