import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import { BlockPicker } from './block-picker.ts';
import { manualClock, testPeer, pickBlocks } from './picker-test-helpers.ts';
import { mulberry32 } from '../../../src-shared/util/mulberry32.ts';

describe('BlockPicker at scale', () => {
  it('downloads a 100 000-piece torrent from seeds and partial peers', () => {
    const n = 100_000;
    const pieceLengthBytes = 64 * 1024;
    const totalLengthBytes = (n - 1) * pieceLengthBytes + 5000; // short last piece
    const random = mulberry32(99);
    const clock = manualClock();
    const picker = new BlockPicker({
      pieceCount: n,
      pieceLengthBytes,
      totalLengthBytes,
      random,
      now: clock.now,
    });
    const peers = [];
    for (let i = 0; i < 2; i++) {
      picker.peerHasAll(`seed-${i}`);
      peers.push(testPeer(`seed-${i}`, Bitfield.full(n)));
    }
    for (let i = 0; i < 8; i++) {
      const bits = new Bitfield(n);
      for (let p = 0; p < n; p++) if (random() < 0.5) bits.set(p);
      picker.peerHasBitfield(`leech-${i}`, bits);
      peers.push(testPeer(`leech-${i}`, bits));
    }
    let acceptedBytes = 0;
    let wrongPeer = 0;
    for (let round = 0; round < 100_000 && !picker.isComplete; round++) {
      for (const peer of peers) {
        for (const blk of pickBlocks(picker, peer, 64)) {
          if (!peer.has(blk.pieceIndex)) wrongPeer++;
          const r = picker.blockReceived(peer.id, blk.pieceIndex, blk.offsetBytes, blk.lengthBytes);
          if (r !== 'dropped') acceptedBytes += blk.lengthBytes;
          if (r === 'piece-complete') picker.pieceVerified(blk.pieceIndex);
        }
      }
      clock.t += 10;
    }
    expect(picker.isComplete).toBe(true);
    expect(wrongPeer).toBe(0);
    expect(acceptedBytes).toBe(totalLengthBytes);
    expect(picker.stateCounts()).toEqual({ have: n, downloading: 0, missing: 0 });
  });
});
