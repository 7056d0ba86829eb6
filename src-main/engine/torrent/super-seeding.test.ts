import { describe, expect, it } from 'vitest';
import { SuperSeeding } from './super-seeding.ts';

const none = () => false;
const nobody = () => 0;

describe('super-seeding (BEP 16) offers', () => {
  it('one piece per peer until it reports that piece, then the next', () => {
    const s = new SuperSeeding(8, () => 0);
    const first = s.nextFor('a', none, nobody);
    expect(first).not.toBeNull();
    expect(s.nextFor('a', none, nobody)).toBeNull(); // still waiting on the first
    expect(s.peerReported('a', (first! + 1) % 8)).toBe(false); // another piece: not the offer
    expect(s.peerReported('a', first!)).toBe(true);
    const second = s.nextFor('a', none, nobody);
    expect(second).not.toBeNull();
    expect(second).not.toBe(first);
  });

  it('peers joining together are offered different pieces, the least seen first', () => {
    const s = new SuperSeeding(4, () => 0);
    // Piece 0 is common among the peers, piece 3 rare.
    const availability = (p: number) => [5, 2, 2, 0][p]!;
    expect(s.nextFor('a', none, availability)).toBe(3);
    // An offer counts like a peer having it: 3 (0 + 1 offer) is still the rarest for b,
    // then 1 and 2 (2 each) before 3 (0 + 2 offers, a tie that keeps the first found).
    expect(s.nextFor('b', none, availability)).toBe(3);
    expect(s.nextFor('c', none, availability)).toBe(1);
    expect(s.nextFor('d', none, availability)).toBe(2);
    // The common piece 0 waits until the rare ones have spread.
  });

  it('never offers what the peer has or was offered, and ends when it has the rest', () => {
    const s = new SuperSeeding(3, () => 0.5);
    const has = new Set([0]);
    const seen: number[] = [];
    for (;;) {
      const p = s.nextFor('a', (i) => has.has(i), nobody);
      if (p === null) break;
      expect(has.has(p)).toBe(false);
      expect(seen).not.toContain(p);
      seen.push(p);
      expect(s.wasOffered('a', p)).toBe(true);
      s.peerReported('a', p);
    }
    expect(seen.sort()).toEqual([1, 2]);
  });

  it('a peer that leaves is forgotten', () => {
    const s = new SuperSeeding(2, () => 0);
    const p = s.nextFor('a', none, nobody)!;
    s.peerGone('a');
    expect(s.wasOffered('a', p)).toBe(false);
    expect(s.nextFor('a', none, nobody)).not.toBeNull();
  });
});
