// Writes a .torrent (BEP 3 metainfo; BEP 12 announce-list; BEP 19 url-list; BEP 27 private flag). The info
// dict holds exactly what mktorrent and Transmission write (name, piece length, pieces,
// length or files, private when set), so the same content and piece length give the same
// info-hash as theirs. Keys are sorted by bencode() (../bencode.ts), as BEP 3 requires.
import { bencode } from '../bencode.ts';
import { ProtocolError } from '../protocol-error.ts';
import { MIN_PIECE_LENGTH_BYTES, MAX_PIECE_LENGTH_BYTES, SHA1_LENGTH_BYTES } from './metainfo-types.ts';
import { sanitizeName, sanitizePath } from './sanitize-path.ts';

export const CREATED_BY = 'Swarmdrop 0.1.0';

export interface TorrentInfoInput {
  name: string;
  pieceLengthBytes: number;
  /** 20 bytes per piece. */
  pieceHashes: Uint8Array;
  /** false: one file called `name` (`files` has exactly one entry). true: a folder `name`. */
  multiFile: boolean;
  files: readonly { path: readonly string[]; lengthBytes: number }[];
  private?: boolean;
}

export interface TorrentInput extends TorrentInfoInput {
  /** BEP 12 tiers; the first URL also goes in `announce` for clients without BEP 12. */
  announceList?: readonly (readonly string[])[];
  comment?: string;
  /** Defaults to CREATED_BY; pass null to omit. */
  createdBy?: string | null;
  /** Seconds since the Unix epoch; omitted when undefined. */
  creationDate?: number;
  /** BEP 19 web seeds, written as `url-list` (outside the info dict: the info-hash is unchanged). */
  webSeeds?: readonly string[];
}

/** The bencoded info dict alone (what the info-hash covers). */
export function encodeInfoDict(input: TorrentInfoInput): Uint8Array {
  return bencode(infoDictOf(input));
}

export function encodeTorrent(input: TorrentInput): Uint8Array {
  const root: Record<string, unknown> = { info: infoDictOf(input) };
  const tiers = (input.announceList ?? [])
    .map((tier) => tier.filter((url) => url.length > 0))
    .filter((tier) => tier.length > 0);
  const first = tiers[0]?.[0];
  if (first !== undefined) root.announce = first;
  // Like mktorrent: announce-list only when there is more than the one URL in `announce`.
  if (tiers.flat().length > 1) root['announce-list'] = tiers;
  if (input.comment) root.comment = input.comment;
  const createdBy = input.createdBy === undefined ? CREATED_BY : input.createdBy;
  if (createdBy) root['created by'] = createdBy;
  if (input.creationDate !== undefined) {
    if (!Number.isSafeInteger(input.creationDate))
      throw new ProtocolError('bad-value', 'creation date must be an integer');
    root['creation date'] = input.creationDate;
  }
  const webSeeds = (input.webSeeds ?? []).filter((url) => url.length > 0);
  if (webSeeds.length > 0) root['url-list'] = webSeeds;
  return bencode(root);
}

function infoDictOf(input: TorrentInfoInput): Record<string, unknown> {
  const name = sanitizeName(input.name);
  const { pieceLengthBytes, pieceHashes, files } = input;
  if (
    !Number.isSafeInteger(pieceLengthBytes) ||
    pieceLengthBytes < MIN_PIECE_LENGTH_BYTES ||
    pieceLengthBytes > MAX_PIECE_LENGTH_BYTES ||
    (pieceLengthBytes & (pieceLengthBytes - 1)) !== 0
  ) {
    throw new ProtocolError(
      'bad-value',
      `piece length ${pieceLengthBytes} must be a power of two between 16 KiB and 64 MiB`,
    );
  }
  if (files.length === 0) throw new ProtocolError('bad-value', 'a torrent needs at least one file');
  let totalBytes = 0;
  for (const f of files) {
    if (!Number.isSafeInteger(f.lengthBytes) || f.lengthBytes < 0)
      throw new ProtocolError('bad-value', `bad file length ${f.lengthBytes}`);
    totalBytes += f.lengthBytes;
  }
  const expectedHashBytes = Math.ceil(totalBytes / pieceLengthBytes) * SHA1_LENGTH_BYTES;
  if (totalBytes === 0 || pieceHashes.length !== expectedHashBytes) {
    throw new ProtocolError(
      'bad-value',
      `need ${expectedHashBytes} bytes of piece hashes for ${totalBytes} bytes, got ${pieceHashes.length}`,
    );
  }
  const info: Record<string, unknown> = { name, 'piece length': pieceLengthBytes, pieces: pieceHashes };
  if (input.multiFile) {
    info.files = files.map((f) => ({ length: f.lengthBytes, path: sanitizePath(f.path, 'file path') }));
  } else {
    if (files.length !== 1)
      throw new ProtocolError('bad-value', 'a single-file torrent has exactly one file');
    info.length = totalBytes;
  }
  if (input.private) info.private = 1;
  return info;
}
