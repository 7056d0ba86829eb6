// The payload every transfer and create figure uses: one pseudo-random file (AES-256-CTR
// keystream with a fixed key, so it does not compress and costs ~1 s per GiB to make),
// its SHA-256 (to prove each download byte-identical) and its 1 MiB piece hashes (BEP 3),
// from which .torrent files for any announce URL are encoded without re-reading the data.
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bencode } from '../src-main/protocol/bencode.ts';

export const PIECE_LENGTH_BYTES = 1024 * 1024;
const WRITE_CHUNK_BYTES = 16 * 1024 * 1024;

export interface Payload {
  dir: string;
  name: string;
  file: string;
  lengthBytes: number;
  sha256Hex: string;
  /** The bencoded info dictionary (BEP 3 single-file mode). */
  infoBytes: Uint8Array;
  infoHashHex: string;
  /** SHA-1 of every piece, 20 bytes each. */
  pieceHashes: Buffer;
}

export async function makePayload(dir: string, sizeMiB: number): Promise<Payload> {
  await mkdir(dir, { recursive: true });
  const name = `payload-${sizeMiB}MiB.bin`;
  const file = path.join(dir, name);
  const lengthBytes = sizeMiB * 1024 * 1024;
  const cipher = createCipheriv('aes-256-ctr', Buffer.alloc(32, 7), Buffer.alloc(16, 0));
  const zeros = Buffer.alloc(WRITE_CHUNK_BYTES);
  const whole = createHash('sha256');
  const pieces: Buffer[] = [];
  const fh = await open(file, 'w');
  try {
    for (let written = 0; written < lengthBytes; written += WRITE_CHUNK_BYTES) {
      const n = Math.min(WRITE_CHUNK_BYTES, lengthBytes - written);
      const chunk = cipher.update(n === WRITE_CHUNK_BYTES ? zeros : zeros.subarray(0, n));
      whole.update(chunk);
      for (let at = 0; at < n; at += PIECE_LENGTH_BYTES) {
        pieces.push(
          createHash('sha1')
            .update(chunk.subarray(at, Math.min(n, at + PIECE_LENGTH_BYTES)))
            .digest(),
        );
      }
      await fh.write(chunk);
    }
    // On disk before anything is timed: otherwise the kernel writes this file back during
    // the first transfer, and whichever client runs first pays for it.
    await fh.sync();
  } finally {
    await fh.close();
  }
  const pieceHashes = Buffer.concat(pieces);
  const infoBytes = bencode({
    length: lengthBytes,
    name: Buffer.from(name),
    'piece length': PIECE_LENGTH_BYTES,
    pieces: pieceHashes,
  });
  return {
    dir,
    name,
    file,
    lengthBytes,
    sha256Hex: whole.digest('hex'),
    infoBytes,
    infoHashHex: createHash('sha1').update(infoBytes).digest('hex'),
    pieceHashes,
  };
}

/** Writes a .torrent for `payload` announcing to `announceUrl` (same info-hash every time). */
export async function writeTorrent(
  payload: Payload,
  announceUrl: string,
  torrentFile: string,
): Promise<void> {
  // Splice the raw info bytes in, so the info-hash is exactly the payload's.
  const head = bencode({ announce: Buffer.from(announceUrl) });
  const prefix = head.subarray(0, head.length - 1); // drop the closing 'e'
  const bytes = Buffer.concat([prefix, Buffer.from('4:info'), payload.infoBytes, Buffer.from('e')]);
  await writeFile(torrentFile, bytes);
}

export function magnetOf(payload: Payload, announceUrl: string): string {
  return `magnet:?xt=urn:btih:${payload.infoHashHex}&dn=${encodeURIComponent(payload.name)}&tr=${encodeURIComponent(announceUrl)}`;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * 1024 * 1024 }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}
