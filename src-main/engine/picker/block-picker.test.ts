import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import { BlockPicker, type BlockPickerOptions, type CancelRequest } from './block-picker.ts';
import { bitfieldOf, manualClock, testPeer, pickBlocks } from './picker-test-helpers.ts';
import { mulberry32 } from '../../../src-shared/util/mulberry32.ts';

const KIB = 1024;
const BLOCK = 16 * KIB;

/** n pieces of `blocks` blocks each (the last one full too unless totalLengthBytes says otherwise). */
function makePicker(n: number, blocks: number, extra: Partial<BlockPickerOptions> = {}) {
  const clock = manualClock();
  const picker = new BlockPicker({
    pieceCount: n,
    pieceLengthBytes: blocks * BLOCK,
    totalLengthBytes: n * blocks * BLOCK,
    now: clock.now,
    random: mulberry32(42),
    ...extra,
  });
  return { picker, clock };
}

/** Give piece i availability avail[i] through `avail[i]` distinct peers' bitfields. */
function setAvailability(picker: BlockPicker, avail: number[]) {
  const max = Math.max(...avail);
  for (let k = 0; k < max; k++) {
    const pieces = avail.flatMap((a, i) => (a > k ? [i] : []));
    picker.peerHasBitfield(`crowd-${k}`, bitfieldOf(avail.length, pieces));
  }
}

describe('BlockPicker geometry', () => {
  it.each([
    // pieceLength, total, pieceCount, expected block lengths of the last piece
    { pieceLen: 32 * KIB, total: 2 * 32 * KIB + 20 * KIB + 1, n: 3, last: [BLOCK, 4 * KIB + 1] },
    { pieceLen: 32 * KIB, total: 3 * 32 * KIB, n: 3, last: [BLOCK, BLOCK] },
    { pieceLen: 32 * KIB, total: 2 * 32 * KIB + 1, n: 3, last: [1] },
    { pieceLen: 20 * KIB, total: 2 * 20 * KIB, n: 2, last: [BLOCK, 4 * KIB] }, // piece not a block multiple
  ])('last piece of $total B in $n pieces has blocks $last', ({ pieceLen, total, n, last }) => {
    const picker = new BlockPicker({
      pieceCount: n,
      pieceLengthBytes: pieceLen,
      totalLengthBytes: total,
      random: mulberry32(1),
    });
    const blocks = pickBlocks(picker, testPeer('a', Bitfield.full(n)), 100);
    const lastBlocks = blocks
      .filter((b) => b.pieceIndex === n - 1)
      .sort((x, y) => x.offsetBytes - y.offsetBytes)
      .map((b) => b.lengthBytes);
    expect(lastBlocks).toEqual(last);
    const sum = blocks.reduce((s, b) => s + b.lengthBytes, 0);
    expect(sum).toBe(total); // every byte requested exactly once
  });

  it('rejects a total that does not fit the pieces', () => {
    expect(() => new BlockPicker({ pieceCount: 2, pieceLengthBytes: 10, totalLengthBytes: 30 })).toThrow(
      RangeError,
    );
    expect(() => new BlockPicker({ pieceCount: 2, pieceLengthBytes: 10, totalLengthBytes: 10 })).toThrow(
      RangeError,
    );
  });
});

describe('BlockPicker order', () => {
  it('never picks a piece the peer lacks', () => {
    const { picker } = makePicker(20, 2, { randomFirstPieces: 0 });
    const peerBits = bitfieldOf(20, [3, 7, 15]);
    picker.peerHasBitfield('a', peerBits);
    const blocks = pickBlocks(picker, testPeer('a', peerBits), 100);
    expect(new Set(blocks.map((b) => b.pieceIndex))).toEqual(new Set([3, 7, 15]));
    expect(blocks).toHaveLength(6);
    expect(pickBlocks(picker, testPeer('a', peerBits), 100)).toEqual([]);
  });

  it('picks the rarest piece first once random-first is over', () => {
    // one block per piece, so every pick starts a new piece
    const { picker } = makePicker(8, 1, { have: bitfieldOf(8, [0, 1, 2, 3]) });
    setAvailability(picker, [9, 9, 9, 9, 5, 2, 7, 3]);
    const blocks = pickBlocks(picker, testPeer('seed', Bitfield.full(8)), 4);
    expect(blocks.map((b) => b.pieceIndex)).toEqual([5, 7, 4, 6]);
  });

  it('rarest first counts HAVE ALL seeds and single HAVEs', () => {
    const { picker } = makePicker(4, 1, { randomFirstPieces: 0 });
    picker.peerHasAll('s1');
    picker.peerHasPiece('p1', 2);
    picker.peerHasPiece('p1', 0);
    picker.peerHasPiece('p2', 0);
    expect([0, 1, 2, 3].map((i) => picker.availability(i))).toEqual([3, 1, 2, 1]);
    const first = pickBlocks(picker, testPeer('s1', Bitfield.full(4)), 2).map((b) => b.pieceIndex);
    expect(new Set(first)).toEqual(new Set([1, 3]));
    expect(pickBlocks(picker, testPeer('s1', Bitfield.full(4)), 2).map((b) => b.pieceIndex)).toEqual([2, 0]);
  });

  it('breaks availability ties at random', () => {
    const firstPicks = new Set<number>();
    for (let seed = 1; seed <= 40; seed++) {
      const picker = new BlockPicker({
        pieceCount: 6,
        pieceLengthBytes: BLOCK,
        totalLengthBytes: 6 * BLOCK,
        random: mulberry32(seed),
        randomFirstPieces: 0,
      });
      setAvailability(picker, [1, 1, 1, 4, 4, 4]);
      firstPicks.add(pickBlocks(picker, testPeer('s', Bitfield.full(6)), 1)[0]!.pieceIndex);
    }
    expect(firstPicks).toEqual(new Set([0, 1, 2]));
  });

  it('picks at random (not rarest) until it has randomFirstPieces pieces', () => {
    const firstPicks = new Set<number>();
    for (let seed = 1; seed <= 40; seed++) {
      const picker = new BlockPicker({
        pieceCount: 6,
        pieceLengthBytes: BLOCK,
        totalLengthBytes: 6 * BLOCK,
        random: mulberry32(seed),
      });
      setAvailability(picker, [1, 5, 5, 5, 5, 5]);
      firstPicks.add(pickBlocks(picker, testPeer('s', Bitfield.full(6)), 1)[0]!.pieceIndex);
    }
    expect(firstPicks.size).toBeGreaterThan(3); // rarest-first would always say 0
  });

  it('finishes started pieces before starting rarer ones', () => {
    const { picker } = makePicker(4, 4, { randomFirstPieces: 0 });
    setAvailability(picker, [3, 3, 1, 3]);
    const a = testPeer('a', bitfieldOf(4, [0, 1, 3]));
    const [first] = pickBlocks(picker, a, 1);
    expect(first).toBeDefined();
    // b has the rarest piece 2, yet finishes a's started piece first
    const b = testPeer('b', Bitfield.full(4));
    const picks = pickBlocks(picker, b, 4);
    expect(picks.slice(0, 3).map((x) => x.pieceIndex)).toEqual([
      first!.pieceIndex,
      first!.pieceIndex,
      first!.pieceIndex,
    ]);
    expect(picks[3]!.pieceIndex).toBe(2);
    expect(picker.pieceState(first!.pieceIndex)).toBe('downloading');
  });

  it('sequential mode picks in index order', () => {
    const { picker } = makePicker(6, 1, { sequential: true, have: bitfieldOf(6, [0, 2]) });
    setAvailability(picker, [1, 1, 1, 1, 1, 1]);
    const picks = pickBlocks(picker, testPeer('s', Bitfield.full(6)), 3).map((b) => b.pieceIndex);
    expect(picks).toEqual([1, 3, 4]);
  });

  it('a choked peer is asked only for its allowed-fast pieces (BEP 6)', () => {
    const { picker } = makePicker(10, 2, { randomFirstPieces: 0 });
    const bits = Bitfield.full(10);
    expect(pickBlocks(picker, testPeer('c', bits, { choking: true }), 10)).toEqual([]);
    const picks = pickBlocks(
      picker,
      testPeer('c', bits, { choking: true, allowedFast: new Set([4, 8]) }),
      10,
    );
    expect(new Set(picks.map((b) => b.pieceIndex))).toEqual(new Set([4, 8]));
  });
});

describe('BlockPicker events', () => {
  it('endgame: duplicates requests once every block is requested, then cancels', () => {
    const { picker } = makePicker(1, 2);
    const all = Bitfield.full(1);
    const a = testPeer('a', all);
    const b = testPeer('b', all);
    const c = testPeer('c', all);
    expect(pickBlocks(picker, a, 10)).toHaveLength(2);
    expect(picker.inEndgame).toBe(true);
    expect(pickBlocks(picker, b, 10)).toHaveLength(2); // duplicates of a's two blocks
    expect(pickBlocks(picker, c, 10)).toEqual([]); // at most 2 requests per block
    expect(pickBlocks(picker, a, 10)).toEqual([]); // never twice to the same peer

    const cancel1: CancelRequest[] = [];
    expect(picker.blockReceived('a', 0, 0, BLOCK, cancel1)).toBe('accepted');
    expect(cancel1).toEqual([{ peerId: 'b', block: { pieceIndex: 0, offsetBytes: 0, lengthBytes: BLOCK } }]);
    const cancel2: CancelRequest[] = [];
    expect(picker.blockReceived('b', 0, BLOCK, BLOCK, cancel2)).toBe('piece-complete');
    expect(cancel2).toEqual([
      { peerId: 'a', block: { pieceIndex: 0, offsetBytes: BLOCK, lengthBytes: BLOCK } },
    ]);
    expect(picker.outstandingCount('a')).toBe(0);
    expect(picker.outstandingCount('b')).toBe(0);
    // the cancelled copy arrives anyway: drop it
    expect(picker.blockReceived('a', 0, BLOCK, BLOCK)).toBe('dropped');
  });

  it('endgame gives duplicates only to a peer with a short queue', () => {
    const { picker } = makePicker(1, 8);
    const all = Bitfield.full(1);
    expect(pickBlocks(picker, testPeer('a', all), 8)).toHaveLength(8);
    const dups = pickBlocks(picker, testPeer('b', all), 8);
    expect(dups.map((b) => b.offsetBytes)).toEqual([0, 1, 2, 3].map((i) => i * BLOCK)); // oldest first, 4 max
    expect(pickBlocks(picker, testPeer('b', all), 8)).toEqual([]);
    picker.blockReceived('b', 0, 0, BLOCK);
    expect(pickBlocks(picker, testPeer('b', all), 8).map((b) => b.offsetBytes)).toEqual([4 * BLOCK]);
  });

  it('endgame can take more duplicates when configured', () => {
    const { picker } = makePicker(1, 1, { endgameMaxRequestsPerBlock: 3 });
    const all = Bitfield.full(1);
    for (const id of ['a', 'b', 'c']) expect(pickBlocks(picker, testPeer(id, all), 5)).toHaveLength(1);
    expect(pickBlocks(picker, testPeer('d', all), 5)).toEqual([]);
    const cancel: CancelRequest[] = [];
    picker.blockReceived('c', 0, 0, BLOCK, cancel);
    expect(cancel.map((x) => x.peerId).sort()).toEqual(['a', 'b']);
  });

  it('re-requests timed-out blocks from another peer; a late block still counts', () => {
    const { picker, clock } = makePicker(1, 4);
    const all = Bitfield.full(1);
    expect(pickBlocks(picker, testPeer('slow', all), 4)).toHaveLength(4);
    clock.t += 10_000;
    expect(picker.releaseTimedOut('slow', 20_000)).toEqual([]);
    clock.t += 15_000;
    expect(picker.releaseTimedOut('slow', 20_000).map((b) => b.offsetBytes)).toEqual([
      0,
      BLOCK,
      2 * BLOCK,
      3 * BLOCK,
    ]);
    expect(picker.outstandingCount('slow')).toBe(0);
    const again = pickBlocks(picker, testPeer('fast', all), 4);
    expect(again.map((b) => b.offsetBytes)).toEqual([0, BLOCK, 2 * BLOCK, 3 * BLOCK]);
    // single-request variant (also used for BEP 6 REJECT)
    expect(picker.requestTimedOut('fast', { pieceIndex: 0, offsetBytes: BLOCK })).toBe(true);
    expect(picker.requestTimedOut('fast', { pieceIndex: 0, offsetBytes: BLOCK })).toBe(false);
    // the slow peer's late answer is accepted and the fast peer's request cancelled
    const cancel: CancelRequest[] = [];
    expect(picker.blockReceived('slow', 0, 0, BLOCK, cancel)).toBe('accepted');
    expect(cancel.map((x) => x.peerId)).toEqual(['fast']);
  });

  it('returns outstanding blocks when the peer chokes us or leaves', () => {
    const { picker } = makePicker(2, 2, { randomFirstPieces: 0 });
    const all = Bitfield.full(2);
    picker.peerHasBitfield('a', all);
    pickBlocks(picker, testPeer('a', all), 3);
    expect(picker.peerChokedUs('a')).toBe(3);
    expect(picker.outstandingCount('a')).toBe(0);
    pickBlocks(picker, testPeer('a', all), 4);
    expect(picker.availability(0)).toBe(1);
    expect(picker.peerGone('a', all)).toBe(4);
    expect(picker.availability(0)).toBe(0);
    expect(pickBlocks(picker, testPeer('b', all), 10)).toHaveLength(4);
  });

  it('a failed piece goes back to missing and names its contributors', () => {
    const { picker } = makePicker(2, 3, { randomFirstPieces: 0 });
    const only0 = bitfieldOf(2, [0]);
    pickBlocks(picker, testPeer('a', only0), 2);
    pickBlocks(picker, testPeer('b', only0), 2);
    picker.blockReceived('a', 0, 0, BLOCK);
    picker.blockReceived('a', 0, BLOCK, BLOCK);
    expect(picker.blockReceived('b', 0, 2 * BLOCK, BLOCK)).toBe('piece-complete');
    expect(picker.pieceFailed(0)).toEqual([
      { peerId: 'a', blocks: 2 },
      { peerId: 'b', blocks: 1 },
    ]);
    expect(picker.pieceState(0)).toBe('missing');
    expect(pickBlocks(picker, testPeer('c', only0), 10)).toHaveLength(3);
    expect(picker.pieceFailed(1)).toEqual([]); // never started
  });

  it('a verified piece becomes have and is never picked again', () => {
    const { picker } = makePicker(3, 1, { randomFirstPieces: 0 });
    const all = Bitfield.full(3);
    const [blk] = pickBlocks(picker, testPeer('a', all), 1);
    expect(picker.downloadingBitfield().get(blk!.pieceIndex)).toBe(true);
    expect(picker.blockReceived('a', blk!.pieceIndex, 0, BLOCK)).toBe('piece-complete');
    expect(picker.pieceVerified(blk!.pieceIndex).contributors).toEqual([{ peerId: 'a', blocks: 1 }]);
    expect(picker.stateCounts()).toEqual({ have: 1, downloading: 0, missing: 2 });
    expect(picker.have.get(blk!.pieceIndex)).toBe(true);
    const rest = pickBlocks(picker, testPeer('a', all), 10).map((b) => b.pieceIndex);
    expect(rest).toHaveLength(2);
    expect(rest).not.toContain(blk!.pieceIndex);
  });

  it('rejects blocks with bad offsets, lengths, or for pieces we have', () => {
    const { picker } = makePicker(2, 2, { have: bitfieldOf(2, [1]) });
    pickBlocks(picker, testPeer('a', Bitfield.full(2)), 2);
    expect(picker.blockReceived('a', 0, 100, BLOCK)).toBe('dropped');
    expect(picker.blockReceived('a', 0, 0, BLOCK - 1)).toBe('dropped');
    expect(picker.blockReceived('a', 5, 0, BLOCK)).toBe('dropped');
    expect(picker.blockReceived('a', 1, 0, BLOCK)).toBe('dropped');
    expect(picker.blockReceived('a', 0, 0, BLOCK)).not.toBe('dropped');
    expect(picker.blockReceived('a', 0, 0, BLOCK)).toBe('dropped'); // duplicate
  });

  it('a peer silent for 60 s with our requests is snubbed and gets at most one request', () => {
    const { picker, clock } = makePicker(4, 4);
    const all = Bitfield.full(4);
    const s = testPeer('s', all);
    clock.t += 120_000; // idle time without requests does not count
    expect(pickBlocks(picker, s, 5)).toHaveLength(5);
    clock.t += 59_000;
    expect(picker.isSnubbed('s')).toBe(false);
    clock.t += 1_000;
    expect(picker.isSnubbed('s')).toBe(true);
    expect(pickBlocks(picker, s, 5)).toEqual([]); // already holds more than one
    expect(picker.releaseTimedOut('s', 60_000)).toHaveLength(5);
    expect(picker.isSnubbed('s')).toBe(true); // sticky until it delivers
    const one = pickBlocks(picker, s, 5);
    expect(one).toHaveLength(1);
    expect(pickBlocks(picker, s, 5)).toEqual([]);
    picker.blockReceived('s', one[0]!.pieceIndex, one[0]!.offsetBytes, one[0]!.lengthBytes);
    expect(picker.isSnubbed('s')).toBe(false); // a delivery clears it
    expect(pickBlocks(picker, s, 5)).toHaveLength(5);
  });

  it('a peer with nothing left to start gets new pieces after a HAVE or a failure', () => {
    const { picker } = makePicker(4, 1, { randomFirstPieces: 0 });
    const bits = bitfieldOf(4, [0]);
    const a = testPeer('a', bits);
    picker.peerHasBitfield('a', bits);
    expect(pickBlocks(picker, a, 4).map((b) => b.pieceIndex)).toEqual([0]);
    expect(pickBlocks(picker, a, 4)).toEqual([]); // scan cached as exhausted
    bits.set(2);
    picker.peerHasPiece('a', 2);
    expect(pickBlocks(picker, a, 4).map((b) => b.pieceIndex)).toEqual([2]);
    picker.blockReceived('a', 0, 0, BLOCK);
    picker.pieceFailed(0);
    expect(pickBlocks(picker, a, 4).map((b) => b.pieceIndex)).toEqual([0]);
  });

  it('pieceVerified cancels requests still out for that piece', () => {
    const { picker } = makePicker(1, 2);
    pickBlocks(picker, testPeer('a', Bitfield.full(1)), 2);
    expect(picker.pieceVerified(0).cancel.map((c) => [c.peerId, c.block.offsetBytes])).toEqual([
      ['a', 0],
      ['a', BLOCK],
    ]);
    expect(picker.outstandingCount('a')).toBe(0);
    expect(picker.isComplete).toBe(true);
    expect(picker.inEndgame).toBe(false);
    expect(pickBlocks(picker, testPeer('a', Bitfield.full(1)), 2)).toEqual([]);
  });

  it('a HAVE ALL seed leaving lowers every availability; interest follows our needs', () => {
    const { picker } = makePicker(3, 1, { have: bitfieldOf(3, [1]) });
    picker.peerHasAll('s');
    picker.peerHasBitfield('s', bitfieldOf(3, [0])); // ignored after HAVE ALL
    expect([0, 1, 2].map((i) => picker.availability(i))).toEqual([1, 1, 1]);
    picker.peerGone('s', Bitfield.full(3));
    expect([0, 1, 2].map((i) => picker.availability(i))).toEqual([0, 0, 0]);
    expect(picker.isInteresting({ has: (i) => i === 1 })).toBe(false);
    expect(picker.isInteresting({ has: (i) => i === 2 })).toBe(true);
  });
});

describe('BlockPicker pieceLost (a had piece changed on disk)', () => {
  it('stops counting the piece as had, and never requests it again', () => {
    const { picker } = makePicker(4, 1, { have: Bitfield.full(4) });
    expect(picker.isComplete).toBe(true);
    expect(picker.pieceLost(2)).toBe(true);
    expect(picker.pieceLost(2)).toBe(false);
    expect(picker.isComplete).toBe(false);
    expect(picker.haveCount).toBe(3);
    expect(picker.have.get(2)).toBe(false);
    expect(picker.pieceState(2)).toBe('missing');
    const seed = testPeer('seed', Bitfield.full(4));
    picker.peerHasAll('seed');
    // Not wanted: a seed is not interesting, and nothing is picked from it.
    expect(picker.isInteresting(seed)).toBe(false);
    expect(pickBlocks(picker, seed, 10)).toEqual([]);
    // A block of it arriving anyway is dropped, not assembled over the user's edit.
    expect(picker.blockReceived('seed', 2, 0, BLOCK)).toBe('dropped');
  });

  it('hold keeps a missing piece from being downloaded (held over a restart)', () => {
    const { picker } = makePicker(3, 1);
    expect(picker.hold(1)).toBe(true);
    expect(picker.hold(1)).toBe(false);
    picker.peerHasAll('seed');
    const seed = testPeer('seed', Bitfield.full(3));
    const picked = pickBlocks(picker, seed, 10).map((r) => r.pieceIndex);
    expect(picked.sort()).toEqual([0, 2]);
    expect(picker.heldCount).toBe(1);
    expect([...Array(3).keys()].map((p) => picker.heldBitfield().get(p))).toEqual([false, true, false]);
  });

  it('a missing piece cannot be lost', () => {
    const { picker } = makePicker(2, 1);
    expect(picker.pieceLost(0)).toBe(false);
    expect(picker.haveCount).toBe(0);
  });
});
