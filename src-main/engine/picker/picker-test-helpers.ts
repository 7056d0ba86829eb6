import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import type { BlockPicker, PickerPeer } from './block-picker.ts';
import { BlockRefBatch } from '../../protocol/wire/block-ref-batch.ts';
import type { BlockRequest } from './picker-types.ts';

export function manualClock(startMs = 1_000_000): { t: number; now: () => number } {
  const c = { t: startMs, now: () => c.t };
  return c;
}

export function bitfieldOf(length: number, pieces: Iterable<number>): Bitfield {
  const b = new Bitfield(length);
  for (const p of pieces) b.set(p);
  return b;
}

export function testPeer(id: string, bitfield: Bitfield, extra: Partial<PickerPeer> = {}): PickerPeer {
  return { id, has: (i) => bitfield.get(i), ...extra };
}

/**
 * Up to `maxCount` new requests for this peer, as objects: `picker.pickInto` for tests that
 * compare lists (the download path reads the batch directly and allocates nothing per block).
 */
export function pickBlocks(picker: BlockPicker, peer: PickerPeer, maxCount: number): BlockRequest[] {
  const batch = new BlockRefBatch(Math.min(maxCount, 256));
  picker.pickInto(peer, maxCount, batch);
  const out: BlockRequest[] = [];
  for (let i = 0; i < batch.count; i++)
    out.push({ pieceIndex: batch.index(i), offsetBytes: batch.begin(i), lengthBytes: batch.length(i) });
  return out;
}
