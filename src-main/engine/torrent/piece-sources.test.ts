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

  it('keeps one source per address when a peer reconnects (one legend line, one colour)', () => {
    const s = new PieceSources(3);
    s.record(0, { index: 4, address: '127.0.0.1:6881', client: 'Swarmdrop' });
    s.record(1, { index: 9, address: '127.0.0.1:6881', client: 'Swarmdrop' }); // after pause/resume
    s.record(2, { index: 10, address: '127.0.0.1:7000', client: 'other' });
    const snap = s.snapshot();
    expect(snap.sourcePeers.map((p) => p.address)).toEqual(['127.0.0.1:6881', '127.0.0.1:7000']);
    expect(snap.pieceSources).toEqual([0, 0, 1]);
  });
});
