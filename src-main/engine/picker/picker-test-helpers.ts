import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import type { PickerPeer } from './block-picker.ts';

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
