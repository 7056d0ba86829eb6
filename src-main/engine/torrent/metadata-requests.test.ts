import { describe, expect, it } from 'vitest';
import { MetadataRequests } from './metadata-requests.ts';

const allMissing = () => true;

describe('MetadataRequests', () => {
  it('asks each peer for one piece at a time, spreading the pieces over the peers', () => {
    const r = new MetadataRequests<string>(5000);
    expect(r.plan(['a', 'b'], 4, allMissing, 0)).toEqual([
      { peer: 'a', piece: 0 },
      { peer: 'b', piece: 1 },
    ]);
    // Nobody is idle: nothing more until someone answers.
    expect(r.plan(['a', 'b'], 4, allMissing, 10)).toEqual([]);
    r.answered('b', 1);
    const missing = (p: number) => p !== 1;
    expect(r.plan(['a', 'b'], 4, missing, 20)).toEqual([{ peer: 'b', piece: 2 }]);
  });

  it('a single strict peer gets its next request only after answering the previous one', () => {
    const r = new MetadataRequests<string>(5000);
    const have = new Set<number>();
    const sent: number[] = [];
    for (let t = 0; t < 3; t++) {
      for (const { piece } of r.plan(['rtorrent'], 3, (p) => !have.has(p), t)) sent.push(piece);
      expect(r.plan(['rtorrent'], 3, (p) => !have.has(p), t)).toEqual([]);
      have.add(sent[sent.length - 1]!);
      r.answered('rtorrent', sent[sent.length - 1]!);
    }
    expect(sent).toEqual([0, 1, 2]);
  });

  it('re-asks a timed-out piece of another peer, and the slow one gets other work', () => {
    const r = new MetadataRequests<string>(5000);
    expect(r.plan(['slow'], 2, allMissing, 0)).toEqual([{ peer: 'slow', piece: 0 }]);
    expect(r.expire(4999)).toEqual([]);
    expect(r.expire(5000)).toEqual(['slow']);
    // 'fast' has no time-outs, so it is asked first, and for the piece 'slow' failed.
    expect(r.plan(['slow', 'fast'], 2, allMissing, 5000)).toEqual([
      { peer: 'fast', piece: 0 },
      { peer: 'slow', piece: 1 },
    ]);
  });

  it('with only the peer that failed a piece left, asks it again (the request may have been lost)', () => {
    const r = new MetadataRequests<string>(1000);
    r.plan(['only'], 1, allMissing, 0);
    r.expire(1000);
    expect(r.plan(['only'], 1, allMissing, 1000)).toEqual([{ peer: 'only', piece: 0 }]);
  });

  it('a reject sends the piece elsewhere; a peer that leaves frees its piece', () => {
    const r = new MetadataRequests<string>(5000);
    r.plan(['a', 'b'], 2, allMissing, 0);
    r.rejected('a', 0);
    r.gone('b');
    expect(r.outstandingCount).toBe(0);
    expect(r.plan(['a', 'c'], 2, allMissing, 1)).toEqual([
      { peer: 'c', piece: 0 },
      { peer: 'a', piece: 1 },
    ]);
    expect(r.pending('c')).toBe(0);
  });

  it('ignores answers and rejects for pieces it did not ask that peer for', () => {
    const r = new MetadataRequests<string>(5000);
    r.plan(['a'], 2, allMissing, 0);
    r.answered('a', 1);
    r.rejected('a', 1);
    expect(r.pending('a')).toBe(0);
  });
});
