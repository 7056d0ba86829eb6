/**
 * Copies bytes into a SharedArrayBuffer-backed view (the piece buffers, see
 * PieceBufferPool) at memcpy speed.
 *
 * V8 copies into shared memory with relaxed atomic stores: a word at a time when source and
 * destination are equally aligned modulo 8, but byte by byte otherwise. A block payload sits
 * 13 bytes into its wire message, so its alignment in the socket read buffer is arbitrary,
 * and the byte loop cost ~250 ms of main-thread CPU per GiB received (docs/PERFORMANCE.md; profile: most of
 * `v8::internal::relaxed_memmove`). Staging an unequally aligned copy through a plain
 * buffer at the destination's alignment (one true memcpy, then one word copy) costs ~50 ms.
 */
const WORD_BYTES = 8;
/** Below this, the byte loop is cheaper than two copies. */
const STAGE_FROM_BYTES = 256;

let scratch = new Uint8Array(0);
/** Views of `scratch` by alignment for the last source length (one block size in practice). */
let stagedViews: Uint8Array[] = [];
let stagedLength = -1;

export function copyIntoShared(target: Uint8Array, offsetBytes: number, source: Uint8Array): void {
  // Backing stores start word-aligned, so a view's alignment is its byteOffset's.
  const targetAlign = (target.byteOffset + offsetBytes) % WORD_BYTES;
  if (targetAlign === source.byteOffset % WORD_BYTES || source.length < STAGE_FROM_BYTES) {
    target.set(source, offsetBytes);
    return;
  }
  if (offsetBytes < 0 || offsetBytes + source.length > target.length)
    throw new RangeError(`copy of ${source.length} bytes at ${offsetBytes} overruns ${target.length}`);
  target.set(stagedAt(source, targetAlign), offsetBytes);
}

/** `source` copied into the scratch buffer at `align`, as a view (cached: no view per block). */
function stagedAt(source: Uint8Array, align: number): Uint8Array {
  if (source.length !== stagedLength) {
    if (scratch.length < source.length + WORD_BYTES) scratch = new Uint8Array(source.length + WORD_BYTES);
    stagedViews = [];
    stagedLength = source.length;
  }
  scratch.set(source, align);
  return (stagedViews[align] ??= scratch.subarray(align, align + source.length));
}
