// BEP 3: a bitfield message has exactly ceil(pieceCount / 8) bytes and its spare bits
// must be clear; the decoder cannot know the piece count, so the torrent checks here.
import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import { ProtocolError } from '../protocol-error.ts';

/** A copy of `bytes` as a Bitfield of `pieceCount` bits, or a ProtocolError. */
export function decodeBitfieldPayload(bytes: Uint8Array, pieceCount: number): Bitfield {
  const expected = Bitfield.byteLengthFor(pieceCount);
  if (bytes.length !== expected) {
    throw new ProtocolError(
      bytes.length < expected ? 'truncated' : 'too-large',
      `bitfield of ${bytes.length} bytes for ${pieceCount} pieces (need ${expected})`,
    );
  }
  const field = new Bitfield(pieceCount, bytes.slice());
  if (!field.hasCleanTail()) throw new ProtocolError('bad-value', 'bitfield has spare bits set');
  return field;
}
