// The info dictionary (BEP 3): name, piece length, pieces, and either `length` (one file)
// or `files` (a folder). It is the part of a torrent the info-hash covers and the part
// peers send each other in BEP 9 metadata exchange, so it is validated here on its own.
import { createHash } from 'node:crypto';
import { asBytes, asDict, asInt, asList, bdecode, type BDict, type BValue } from '../bencode.ts';
import { ProtocolError } from '../protocol-error.ts';
import {
  MAX_PIECE_LENGTH_BYTES,
  MAX_TORRENT_FILE_BYTES,
  MIN_PIECE_LENGTH_BYTES,
  SHA1_LENGTH_BYTES,
  type Metainfo,
  type MetainfoFile,
} from './metainfo-types.ts';
import { sanitizeName, sanitizePath } from './sanitize-path.ts';

const utf8 = new TextDecoder('utf-8');

/** The fields of Metainfo that live outside the info dict. */
export interface MetainfoExtras {
  announceList?: string[][];
  comment?: string;
  createdBy?: string;
  creationDate?: number;
  webSeeds?: string[];
}

export interface ParseInfoDictOptions extends MetainfoExtras {
  /** BEP 9: metadata from a peer must hash to the info-hash we asked for. */
  expectedInfoHash?: Uint8Array;
}

export const toHex = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/**
 * Parses a raw bencoded info dict (BEP 9 metadata) into a Metainfo. With
 * `expectedInfoHash`, bytes that do not hash to it are refused before anything else.
 */
export function parseInfoDict(infoBytes: Uint8Array, options: ParseInfoDictOptions = {}): Metainfo {
  if (infoBytes.length > MAX_TORRENT_FILE_BYTES) {
    throw new ProtocolError(
      'too-large',
      `info dictionary of ${infoBytes.length} bytes exceeds ${MAX_TORRENT_FILE_BYTES}`,
    );
  }
  const infoHash = sha1(infoBytes);
  if (options.expectedInfoHash && toHex(options.expectedInfoHash) !== toHex(infoHash)) {
    throw new ProtocolError(
      'bad-value',
      `info dictionary hashes to ${toHex(infoHash)}, expected ${toHex(options.expectedInfoHash)}`,
    );
  }
  if (infoBytes[0] !== 0x64) throw new ProtocolError('bad-type', 'info must be a dictionary');
  const info = asDict(bdecode(infoBytes, { maxLengthBytes: MAX_TORRENT_FILE_BYTES }), 'info');
  return metainfoFromInfo(info, new Uint8Array(infoBytes), infoHash, options);
}

/** Builds a Metainfo from an already decoded info dict and its exact bytes. */
export function metainfoFromInfo(
  info: BDict,
  infoBytes: Uint8Array,
  infoHash: Uint8Array,
  extras: MetainfoExtras,
): Metainfo {
  const metaVersion = info['meta version'];
  if (info.pieces === undefined && metaVersion !== undefined && metaVersion !== 1) {
    throw new ProtocolError(
      'bad-value',
      'BitTorrent v2-only torrents (BEP 52) are not supported: the info dict has no v1 "pieces"',
    );
  }
  const name = sanitizeName(utf8Field(info, 'name', 'info.name'));
  const pieceLengthBytes = asInt(info['piece length'], 'info.piece length');
  if (
    pieceLengthBytes < MIN_PIECE_LENGTH_BYTES ||
    pieceLengthBytes > MAX_PIECE_LENGTH_BYTES ||
    !isPowerOfTwo(pieceLengthBytes)
  ) {
    throw new ProtocolError(
      'bad-value',
      `piece length ${pieceLengthBytes} must be a power of two between ${MIN_PIECE_LENGTH_BYTES} and ${MAX_PIECE_LENGTH_BYTES}`,
    );
  }
  const pieceHashes = asBytes(info.pieces, 'info.pieces');
  if (pieceHashes.length % SHA1_LENGTH_BYTES !== 0) {
    throw new ProtocolError(
      'bad-value',
      `info.pieces is ${pieceHashes.length} bytes, not a multiple of ${SHA1_LENGTH_BYTES}`,
    );
  }
  const multiFile = info.files !== undefined;
  if (multiFile && info.length !== undefined)
    throw new ProtocolError('bad-value', 'info has both "length" and "files"');
  const files = multiFile ? parseFiles(info.files) : [singleFile(name, info.length)];
  const totalLengthBytes = files.reduce((sum, f) => sum + f.lengthBytes, 0);
  if (!Number.isSafeInteger(totalLengthBytes))
    throw new ProtocolError('too-large', 'total length is not a safe integer');
  if (totalLengthBytes === 0) throw new ProtocolError('bad-value', 'torrent holds no data (total length 0)');
  const pieceCount = Math.ceil(totalLengthBytes / pieceLengthBytes);
  if (pieceHashes.length !== pieceCount * SHA1_LENGTH_BYTES) {
    throw new ProtocolError(
      'bad-value',
      `info.pieces holds ${pieceHashes.length / SHA1_LENGTH_BYTES} hashes but ${totalLengthBytes} bytes in pieces of ${pieceLengthBytes} need ${pieceCount}`,
    );
  }
  const metainfo: Metainfo = {
    infoHash,
    infoHashHex: toHex(infoHash),
    name,
    pieceLengthBytes,
    pieceCount,
    pieceHashes,
    multiFile,
    files,
    totalLengthBytes,
    announceList: extras.announceList ?? [],
    infoBytes,
    // BEP 27: only the integer 1 marks a private torrent.
    private: info.private === 1,
  };
  if (extras.comment !== undefined) metainfo.comment = extras.comment;
  if (extras.createdBy !== undefined) metainfo.createdBy = extras.createdBy;
  if (extras.creationDate !== undefined) metainfo.creationDate = extras.creationDate;
  if (extras.webSeeds !== undefined) metainfo.webSeeds = extras.webSeeds;
  return metainfo;
}

function singleFile(name: string, length: BValue | undefined): MetainfoFile {
  if (length === undefined) throw new ProtocolError('bad-value', 'info has neither "length" nor "files"');
  return { path: [name], lengthBytes: fileLength(length, 'info.length'), offsetBytes: 0 };
}

function parseFiles(value: BValue | undefined): MetainfoFile[] {
  const list = asList(value, 'info.files');
  if (list.length === 0) throw new ProtocolError('bad-value', 'info.files is empty');
  const files: MetainfoFile[] = [];
  const filePaths = new Set<string>();
  const dirPaths = new Set<string>();
  let offsetBytes = 0;
  for (const [index, entry] of list.entries()) {
    const what = `info.files[${index}]`;
    const file = asDict(entry, what);
    const lengthBytes = fileLength(file.length, `${what}.length`);
    const rawPath = isUtf8PathList(file['path.utf-8']) ? file['path.utf-8'] : file.path;
    const components = asList(rawPath, `${what}.path`).map((c, i) =>
      utf8.decode(asBytes(c, `${what}.path[${i}]`)),
    );
    const path = sanitizePath(components, `file path`);
    const attr = parseFileAttr(file.attr, `${what}.attr`);
    if (attr.symlink) {
      throw new ProtocolError(
        'symlink-refused',
        `file ${JSON.stringify(path.join('/'))} is a symbolic link (BEP 47 attr "l"); Swarmdrop does not create links`,
      );
    }
    // Padding files are never on disk and libtorrent names several alike (`.pad/<length>`),
    // so they take no part in the collision check.
    if (!attr.padding) checkNoCollision(path, filePaths, dirPaths);
    const parsed: MetainfoFile = { path, lengthBytes, offsetBytes };
    if (attr.padding) parsed.padding = true;
    if (attr.hidden) parsed.hidden = true;
    if (attr.executable) parsed.executable = true;
    files.push(parsed);
    offsetBytes += lengthBytes;
    if (!Number.isSafeInteger(offsetBytes))
      throw new ProtocolError('too-large', 'total length is not a safe integer');
  }
  return files;
}

export interface FileAttr {
  padding: boolean;
  hidden: boolean;
  executable: boolean;
  symlink: boolean;
}

/**
 * BEP 47 `attr`: a string of flag characters, "p" padding, "h" hidden, "x" executable,
 * "l" symbolic link. Unknown characters are ignored (BEP 47: for future use); a value
 * that is not a string is a malformed torrent.
 */
export function parseFileAttr(value: BValue | undefined, what = 'attr'): FileAttr {
  const attr = { padding: false, hidden: false, executable: false, symlink: false };
  if (value === undefined) return attr;
  const flags = asBytes(value, what);
  for (const c of flags) {
    if (c === 0x70) attr.padding = true;
    else if (c === 0x68) attr.hidden = true;
    else if (c === 0x78) attr.executable = true;
    else if (c === 0x6c) attr.symlink = true;
  }
  return attr;
}

// Two entries for one path, or a file where another entry needs a folder, would make two
// files share bytes on disk (or fail half-way through a download).
function checkNoCollision(path: string[], filePaths: Set<string>, dirPaths: Set<string>): void {
  const joined = path.join('/');
  if (filePaths.has(joined))
    throw new ProtocolError('bad-path', `file path ${JSON.stringify(joined)} appears twice`);
  if (dirPaths.has(joined))
    throw new ProtocolError(
      'bad-path',
      `file path ${JSON.stringify(joined)} is also a folder of another file`,
    );
  for (let i = 1; i < path.length; i++) {
    const dir = path.slice(0, i).join('/');
    if (filePaths.has(dir))
      throw new ProtocolError(
        'bad-path',
        `file path ${JSON.stringify(joined)} lies inside file ${JSON.stringify(dir)}`,
      );
    dirPaths.add(dir);
  }
  filePaths.add(joined);
}

function fileLength(value: BValue | undefined, what: string): number {
  const n = asInt(value, what);
  if (n < 0) throw new ProtocolError('bad-value', `${what} is negative`);
  return n;
}

// BEP 3 says strings are UTF-8 in practice; some old clients wrote `name.utf-8` /
// `path.utf-8` next to a legacy-encoded `name` / `path`. Prefer the UTF-8 twin when usable.
function utf8Field(dict: BDict, key: string, what: string): string {
  const twin = dict[`${key}.utf-8`];
  if (twin instanceof Uint8Array && twin.length > 0) return utf8.decode(twin);
  return utf8.decode(asBytes(dict[key], what));
}

function isUtf8PathList(value: BValue | undefined): value is BValue[] {
  return Array.isArray(value) && value.length > 0 && value.every((c) => c instanceof Uint8Array);
}

const isPowerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

export function sha1(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(bytes).digest());
}
