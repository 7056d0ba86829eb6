// BEP 9 ut_metadata: the info dict is exchanged in 16 KiB pieces inside extended
// messages. Each message is a bencoded dict {msg_type, piece[, total_size]}; a `data`
// message is followed directly by the raw piece bytes.
import { asDict, asInt, bdecodePrefix, bencode } from '../bencode.ts';
import { ProtocolError } from '../protocol-error.ts';

export const METADATA_PIECE_BYTES = 16 * 1024;
/** Refuse metadata larger than this: a hostile peer could claim gigabytes. */
export const MAX_METADATA_BYTES = 16 * 1024 * 1024;
const MAX_PIECE_INDEX = MAX_METADATA_BYTES / METADATA_PIECE_BYTES - 1;
/** The dict is tiny; this bounds the parser before it sees the raw data. */
const MAX_DICT_BYTES = 1024;

export type UtMetadataMessage =
  | { type: 'request'; piece: number }
  | { type: 'data'; piece: number; totalSizeBytes: number; data: Uint8Array }
  | { type: 'reject'; piece: number };

const MSG_TYPE = { request: 0, data: 1, reject: 2 } as const;

export const metadataPieceCount = (totalSizeBytes: number): number =>
  Math.ceil(totalSizeBytes / METADATA_PIECE_BYTES);

/** The exact length piece `piece` must have in metadata of `totalSizeBytes`. */
export function metadataPieceLength(piece: number, totalSizeBytes: number): number {
  return Math.min(METADATA_PIECE_BYTES, totalSizeBytes - piece * METADATA_PIECE_BYTES);
}

export function encodeUtMetadata(msg: UtMetadataMessage): Uint8Array {
  if (msg.type !== 'data') return bencode({ msg_type: MSG_TYPE[msg.type], piece: msg.piece });
  const dict = bencode({ msg_type: MSG_TYPE.data, piece: msg.piece, total_size: msg.totalSizeBytes });
  const out = new Uint8Array(dict.length + msg.data.length);
  out.set(dict, 0);
  out.set(msg.data, dict.length);
  return out;
}

/** Decodes one ut_metadata payload; `data` is a view into `payload`. */
export function decodeUtMetadata(payload: Uint8Array): UtMetadataMessage {
  // Bounded before parsing: a dict of at most MAX_DICT_BYTES, then at most one piece.
  if (payload.length > MAX_DICT_BYTES + METADATA_PIECE_BYTES) {
    throw new ProtocolError('too-large', `ut_metadata message of ${payload.length} bytes`);
  }
  const parsed = bdecodePrefix(payload, { maxLengthBytes: MAX_DICT_BYTES + METADATA_PIECE_BYTES });
  if (parsed.lengthBytes > MAX_DICT_BYTES) throw new ProtocolError('too-large', 'ut_metadata dict too large');
  const dict = asDict(parsed.value, 'ut_metadata message');
  const msgType = asInt(dict.msg_type, 'msg_type');
  const piece = asInt(dict.piece, 'piece');
  if (piece < 0 || piece > MAX_PIECE_INDEX)
    throw new ProtocolError('bad-value', `metadata piece ${piece} out of range`);
  const rest = payload.subarray(parsed.lengthBytes);
  switch (msgType) {
    case MSG_TYPE.request:
    case MSG_TYPE.reject:
      if (rest.length > 0)
        throw new ProtocolError('bad-value', 'trailing bytes after ut_metadata request/reject');
      return { type: msgType === MSG_TYPE.request ? 'request' : 'reject', piece };
    case MSG_TYPE.data: {
      const totalSizeBytes = asInt(dict.total_size, 'total_size');
      if (totalSizeBytes <= 0) throw new ProtocolError('bad-value', `total_size ${totalSizeBytes}`);
      if (totalSizeBytes > MAX_METADATA_BYTES)
        throw new ProtocolError('too-large', `total_size ${totalSizeBytes}`);
      if (piece >= metadataPieceCount(totalSizeBytes))
        throw new ProtocolError('bad-value', `metadata piece ${piece} past the end`);
      const expected = metadataPieceLength(piece, totalSizeBytes);
      if (rest.length !== expected) {
        throw new ProtocolError(
          rest.length < expected ? 'truncated' : 'too-large',
          `metadata piece ${piece} of ${rest.length} bytes, expected ${expected}`,
        );
      }
      return { type: 'data', piece, totalSizeBytes, data: rest };
    }
    default:
      throw new ProtocolError('unknown-message', `ut_metadata msg_type ${msgType}`);
  }
}
