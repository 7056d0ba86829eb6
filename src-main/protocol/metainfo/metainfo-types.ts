// The parsed form of a .torrent (BEP 3 metainfo, BEP 12 announce-list, BEP 27 private).
// Every other module codes against this type; parse-torrent.ts builds it, encode-torrent.ts
// writes the bencoded form.

/** One file of the torrent, in the order the info dict lists it (BEP 3). */
export interface MetainfoFile {
  /** Path components below the torrent's folder (multi-file) or `[name]` (single-file). Sanitised. */
  path: string[];
  lengthBytes: number;
  /** Byte offset of this file's first byte in the torrent's concatenated payload. */
  offsetBytes: number;
  /** BEP 47 padding file (`attr` contains "p"): all zeros, never written to disk. */
  padding?: boolean;
  /** BEP 47 `attr` "h": hidden (kept for the file list; nothing is done with it on disk). */
  hidden?: boolean;
  /** BEP 47 `attr` "x": executable (the executable bit is set once the download is complete). */
  executable?: boolean;
}

export interface Metainfo {
  /** SHA-1 of the exact bencoded info dict as it appeared in the input (20 bytes). */
  infoHash: Uint8Array;
  /** `infoHash` as 40 lower-case hex characters. */
  infoHashHex: string;
  /** Suggested file name (single-file) or folder name (multi-file). Sanitised. */
  name: string;
  /** A power of two ≥ 16 KiB. */
  pieceLengthBytes: number;
  pieceCount: number;
  /** Concatenated SHA-1 hashes of every piece: 20 · pieceCount bytes. */
  pieceHashes: Uint8Array;
  /** True when the info dict has `files` (multi-file layout: payload lives in folder `name`). */
  multiFile: boolean;
  files: MetainfoFile[];
  totalLengthBytes: number;
  /** BEP 12 tiers; a bare `announce` becomes the single first tier. Empty when trackerless. */
  announceList: string[][];
  /** The raw bencoded info dict, byte for byte (BEP 9 metadata exchange; hashed for infoHash). */
  infoBytes: Uint8Array;
  /** BEP 27: `private=1` in the info dict (no DHT/PEX). */
  private: boolean;
  comment?: string;
  createdBy?: string;
  /** Seconds since the Unix epoch, as stored in the file. */
  creationDate?: number;
  /** BEP 19 `url-list`: HTTP(S) URLs serving the same files; absent when there are none. */
  webSeeds?: string[];
}

/** SHA-1 digest length in bytes (BEP 3: `pieces` is a multiple of this). */
export const SHA1_LENGTH_BYTES = 20;
/** Smallest piece length we accept: one 16 KiB block (BEP 3 request size). */
export const MIN_PIECE_LENGTH_BYTES = 16 * 1024;
/** Largest piece length we accept from others' torrents. */
export const MAX_PIECE_LENGTH_BYTES = 64 * 1024 * 1024;
/** Refuse .torrent files larger than this before decoding. */
export const MAX_TORRENT_FILE_BYTES = 64 * 1024 * 1024;
