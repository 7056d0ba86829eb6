import { describe, expect, it } from 'vitest';
import { PieceSources } from './piece-sources.ts';

describe('PieceSources', () => {
  it('maps pieces to the peers that sent them, kept after they leave', () => {
    const s = new PieceSources(4);
    s.record(0, { index: 7, address: '10.0.0.1:1', client: 'A' });
    s.record(2, { index: 3, address: '10.0.0.2:2', client: 'B' });
    s.record(3, { index: 7, address: '10.0.0.1:1', client: 'A' });
    s.record(9, { index: 1, address: 'x', client: 'y' }); // out of range: ignored
    const snap = s.snapshot();
    expect(snap.sourcePeers.map((p) => p.index)).toEqual([7, 3]);
    expect(snap.pieceSources).toEqual([0, -1, 1, 0]);
    s.record(0, null);
    expect(s.snapshot().pieceSources[0]).toBe(-1);
  });
});
