// BEP 10 extension handshake: the bencoded dict sent as extended message id 0. `m` maps
// extension names to the message ids the *sender* wants to receive them on (0 =
// disabled). We read the keys we use and ignore the rest, as BEP 10 asks.
import { asBytes, asDict, asInt, bdecode, bencode, type BDict } from '../bencode.ts';
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
  /** BEP 21: the sender is a partial seed / upload only. */
  uploadOnly?: boolean;
}

export function encodeExtensionHandshake(h: ExtensionHandshake): Uint8Array {
  const dict: Record<string, unknown> = { m: h.m };
  if (h.metadataSizeBytes !== undefined) dict.metadata_size = h.metadataSizeBytes;
  if (h.v !== undefined) dict.v = h.v;
  if (h.p !== undefined) dict.p = h.p;
  if (h.reqq !== undefined) dict.reqq = h.reqq;
  if (h.yourIp !== undefined) dict.yourip = h.yourIp;
  if (h.uploadOnly !== undefined) dict.upload_only = h.uploadOnly ? 1 : 0;
  return bencode(dict);
}

function intInRange(v: BDict[string], what: string, min: number, max: number): number {
  const n = asInt(v, what);
  if (n < min) throw new ProtocolError('bad-value', `${what} ${n} below ${min}`);
  if (n > max) throw new ProtocolError('too-large', `${what} ${n} above ${max}`);
  return n;
}

export function decodeExtensionHandshake(payload: Uint8Array): ExtensionHandshake {
  if (payload.length > MAX_EXTENSION_HANDSHAKE_BYTES) {
    throw new ProtocolError('too-large', `extension handshake of ${payload.length} bytes`);
  }
  const dict = asDict(
    bdecode(payload, { maxLengthBytes: MAX_EXTENSION_HANDSHAKE_BYTES }),
    'extension handshake',
  );
  const m: Record<string, number> = {};
  if (dict.m !== undefined) {
    const entries = Object.entries(asDict(dict.m, 'extension handshake m'));
    if (entries.length > MAX_M_ENTRIES)
      throw new ProtocolError('too-large', `${entries.length} extensions in m`);
    for (const [name, id] of entries) m[name] = intInRange(id, `m.${name.slice(0, 32)}`, 0, 255);
  }
  const out: ExtensionHandshake = { m };
  if (dict.metadata_size !== undefined) {
    out.metadataSizeBytes = intInRange(dict.metadata_size, 'metadata_size', 1, MAX_METADATA_BYTES);
  }
  if (dict.v !== undefined) {
    const v = asBytes(dict.v, 'v');
    out.v = new TextDecoder('utf-8').decode(v.subarray(0, 128));
  }
  if (dict.p !== undefined) out.p = intInRange(dict.p, 'p', 0, 0xffff);
  if (dict.reqq !== undefined) out.reqq = intInRange(dict.reqq, 'reqq', 0, 0x7fffffff);
  if (dict.yourip !== undefined) {
    const ip = asBytes(dict.yourip, 'yourip');
    if (ip.length !== 4 && ip.length !== 16)
      throw new ProtocolError('bad-value', `yourip of ${ip.length} bytes`);
    out.yourIp = ip.slice();
  }
  if (dict.upload_only !== undefined) out.uploadOnly = asInt(dict.upload_only, 'upload_only') !== 0;
  return out;
}
