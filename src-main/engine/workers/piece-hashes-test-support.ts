// Piece hashes computed the plain way, on the main thread: SHA-1 of each pieceLength slice
// of `data` (the last may be shorter), concatenated. The reference the hash pool's and
// createTorrent's results are checked against in tests.
import { createHash } from 'node:crypto';

export function expectedPieceHashes(data: Uint8Array, pieceLength: number): Uint8Array {
  const count = Math.ceil(data.length / pieceLength);
  const out = new Uint8Array(20 * count);
  for (let i = 0; i < count; i++)
    out.set(
      createHash('sha1')
        .update(data.subarray(i * pieceLength, (i + 1) * pieceLength))
        .digest(),
      20 * i,
    );
  return out;
}
