import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import { mulberry32 } from '../../../src-shared/util/mulberry32.ts';
import { BlockPicker, PRIORITY_HIGH, PRIORITY_NORMAL, PRIORITY_SKIP } from './block-picker.ts';
import { pickBlocks, testPeer } from './picker-test-helpers.ts';

const BLOCK = 16 * 1024;

function makePicker(n: number, blocks = 2) {
  return new BlockPicker({
    pieceCount: n,
    pieceLengthBytes: blocks * BLOCK,
    totalLengthBytes: n * blocks * BLOCK,
    random: mulberry32(5),
  });
}

function priorities(n: number, set: Record<number, number>, fill = PRIORITY_NORMAL): Uint8Array {
  const out = new Uint8Array(n).fill(fill);
  for (const [p, v] of Object.entries(set)) out[Number(p)] = v;
  return out;
}

/** Downloads everything the picker asks a seed for; returns the pieces in the order verified. */
function drain(picker: BlockPicker, n: number, perRound = 4): number[] {
  const seed = testPeer('seed', Bitfield.full(n));
  const verified: number[] = [];
  for (let round = 0; round < 10_000; round++) {
    const blocks = pickBlocks(picker, seed, perRound);
    if (blocks.length === 0) break;
    for (const b of blocks) {
      if (picker.blockReceived('seed', b.pieceIndex, b.offsetBytes, b.lengthBytes) === 'piece-complete') {
        picker.pieceVerified(b.pieceIndex);
        verified.push(b.pieceIndex);
      }
    }
  }
  return verified;
}

describe('BlockPicker priorities', () => {
  it('skipped pieces are never requested and the selection completes without them', () => {
    const n = 12;
    const picker = makePicker(n);
    picker.setPiecePriorities(priorities(n, { 2: PRIORITY_SKIP, 3: PRIORITY_SKIP, 9: PRIORITY_SKIP }));
    const verified = drain(picker, n);
    expect(new Set(verified)).toEqual(new Set([0, 1, 4, 5, 6, 7, 8, 10, 11]));
    expect(picker.selectionComplete).toBe(true);
    expect(picker.isComplete).toBe(false);
    expect(picker.isInteresting(testPeer('seed', Bitfield.full(n)))).toBe(false);
    expect(picker.inEndgame).toBe(false);
  });

  it('high-priority pieces are started before normal ones', () => {
    const n = 40;
    const picker = makePicker(n, 1);
    picker.setPiecePriorities(priorities(n, { 30: PRIORITY_HIGH, 31: PRIORITY_HIGH, 7: PRIORITY_HIGH }));
    const seed = testPeer('seed', Bitfield.full(n));
    const first = pickBlocks(picker, seed, 3).map((b) => b.pieceIndex);
    expect(first).toEqual([7, 30, 31]);
  });

  it('a piece skipped mid-download is finished, one selected again is fetched', () => {
    const n = 6;
    const picker = makePicker(n);
    const seed = testPeer('seed', Bitfield.full(n));
    picker.setPiecePriorities(priorities(n, {}, PRIORITY_SKIP));
    expect(pickBlocks(picker, seed, 10)).toEqual([]);
    expect(picker.selectionComplete).toBe(true);
    // Select pieces 1 and 4; start piece 1 (one block of two), then skip everything again.
    picker.setPiecePriorities(priorities(n, { 1: PRIORITY_NORMAL, 4: PRIORITY_NORMAL }, PRIORITY_SKIP));
    expect(picker.selectionComplete).toBe(false);
    const started = pickBlocks(picker, seed, 1)[0]!;
    picker.setPiecePriorities(priorities(n, {}, PRIORITY_SKIP));
    // The started piece still gets its other block (already half here); nothing new starts.
    const rest = pickBlocks(picker, seed, 10);
    expect(rest.map((b) => b.pieceIndex)).toEqual([started.pieceIndex]);
    for (const b of [started, ...rest])
      picker.blockReceived('seed', b.pieceIndex, b.offsetBytes, b.lengthBytes);
    picker.pieceVerified(started.pieceIndex);
    expect(picker.have.get(started.pieceIndex)).toBe(true);
    // Select the other one again: it is picked, and completing it completes the selection.
    const other = started.pieceIndex === 1 ? 4 : 1;
    picker.setPiecePriorities(priorities(n, { [other]: PRIORITY_NORMAL }, PRIORITY_SKIP));
    expect(drain(picker, n)).toEqual([other]);
    expect(picker.selectionComplete).toBe(true);
  });

  it('a failed piece that was skipped meanwhile is not requested again', () => {
    const n = 3;
    const picker = makePicker(n, 1);
    const seed = testPeer('seed', Bitfield.full(n));
    const [b] = pickBlocks(picker, seed, 1);
    picker.setPiecePriorities(priorities(n, { [b!.pieceIndex]: PRIORITY_SKIP }));
    expect(picker.blockReceived('seed', b!.pieceIndex, 0, BLOCK)).toBe('piece-complete');
    picker.pieceFailed(b!.pieceIndex);
    const verified = drain(picker, n);
    expect(verified).not.toContain(b!.pieceIndex);
    expect(picker.selectionComplete).toBe(true);
  });

  it('deadline pieces (a reader waiting) come before started and high pieces', () => {
    const n = 30;
    const picker = makePicker(n, 4);
    const seed = testPeer('seed', Bitfield.full(n));
    picker.setPiecePriorities(priorities(n, { 0: PRIORITY_HIGH }));
    expect(pickBlocks(picker, seed, 1)[0]!.pieceIndex).toBe(0); // piece 0 started
    picker.setDeadlines([20, 21]);
    const next = pickBlocks(picker, seed, 8).map((b) => b.pieceIndex);
    expect(next).toEqual([20, 20, 20, 20, 21, 21, 21, 21]);
  });

  it('random operations keep the free-block count consistent (endgame only at the very end)', () => {
    const n = 64;
    const random = mulberry32(99);
    const picker = makePicker(n, 2);
    const seed = testPeer('seed', Bitfield.full(n));
    let wanted = new Uint8Array(n).fill(PRIORITY_NORMAL);
    for (let round = 0; round < 400; round++) {
      if (random() < 0.1) {
        wanted = new Uint8Array(n).map(() => Math.floor(random() * 3));
        picker.setPiecePriorities(wanted);
      }
      for (const b of pickBlocks(picker, seed, 3)) {
        if (picker.blockReceived('seed', b.pieceIndex, b.offsetBytes, b.lengthBytes) === 'piece-complete') {
          if (random() < 0.1) picker.pieceFailed(b.pieceIndex);
          else picker.pieceVerified(b.pieceIndex);
        }
      }
    }
    drain(picker, n);
    expect(picker.selectionComplete).toBe(true);
    for (let p = 0; p < n; p++) if (wanted[p] !== PRIORITY_SKIP) expect(picker.have.get(p)).toBe(true);
    // Select everything: the rest downloads to a full seed.
    picker.setPiecePriorities(new Uint8Array(n).fill(PRIORITY_NORMAL));
    drain(picker, n);
    expect(picker.isComplete).toBe(true);
  });
});
