import { describe, expect, it } from 'vitest';
import { decideChokes, type ChokerInput, type ChokerPeer } from './decide-chokes.ts';
import { mulberry32 } from '../../../src-shared/util/mulberry32.ts';

const NOW = 1_000_000;
const OLD = NOW - 10 * 60_000; // connected long ago

function peer(id: string, extra: Partial<ChokerPeer> = {}): ChokerPeer {
  return {
    id,
    interested: true,
    downloadRateBps: 0,
    uploadRateBps: 0,
    snubbed: false,
    connectedAtMs: OLD,
    unchoked: false,
    ...extra,
  };
}

function input(peers: ChokerPeer[], extra: Partial<ChokerInput> = {}): ChokerInput {
  return { peers, seeding: false, uploadSlots: 4, optimistic: null, ...extra };
}

const sorted = (s: Set<string>) => [...s].sort();

describe('decideChokes', () => {
  it('leeching: unchokes the 3 fastest uploaders to us plus one optimistic', () => {
    const peers = [
      peer('a', { downloadRateBps: 500 }),
      peer('b', { downloadRateBps: 900 }),
      peer('c', { downloadRateBps: 100 }),
      peer('d', { downloadRateBps: 700, uploadRateBps: 1e9 }),
      peer('e', { downloadRateBps: 50 }),
      peer('f', { downloadRateBps: 5000, interested: false }), // not interested: no slot
    ];
    const d = decideChokes(input(peers), NOW, mulberry32(1));
    const regular = ['a', 'b', 'd'];
    expect(d.unchoke.size).toBe(4);
    for (const id of regular) expect(d.unchoke.has(id)).toBe(true);
    expect(['c', 'e']).toContain(d.optimistic?.peerId);
    expect(d.unchoke.has(d.optimistic!.peerId)).toBe(true);
    expect(d.optimistic?.sinceMs).toBe(NOW);
  });

  it('seeding: ranks by our upload rate to them', () => {
    const peers = [
      peer('a', { uploadRateBps: 10, downloadRateBps: 1e9 }),
      peer('b', { uploadRateBps: 300 }),
      peer('c', { uploadRateBps: 200 }),
      peer('d', { uploadRateBps: 100 }),
    ];
    const d = decideChokes(input(peers, { seeding: true, uploadSlots: 3 }), NOW, mulberry32(1));
    expect(d.unchoke.has('b') && d.unchoke.has('c')).toBe(true); // 2 regular slots
    expect(['a', 'd']).toContain(d.optimistic?.peerId); // the third is optimistic
    expect(d.unchoke.size).toBe(3);
  });

  it('snubbed peers get no regular slot while leeching', () => {
    const peers = [
      peer('fast-but-snubbed', { downloadRateBps: 1e6, snubbed: true }),
      peer('b', { downloadRateBps: 10 }),
      peer('c', { downloadRateBps: 5 }),
    ];
    const d = decideChokes(input(peers, { uploadSlots: 3 }), NOW, mulberry32(1));
    expect(sorted(d.unchoke)).toEqual(['b', 'c', 'fast-but-snubbed']);
    expect(d.optimistic?.peerId).toBe('fast-but-snubbed'); // only via the optimistic slot
  });

  it('keeps the optimistic unchoke for 30 s, then rotates to another choked peer', () => {
    const peers = [peer('a', { downloadRateBps: 100 }), peer('x'), peer('y'), peer('z')];
    const opts = { uploadSlots: 2 };
    const first = decideChokes(input(peers, opts), NOW, mulberry32(3));
    const o = first.optimistic!;
    expect(['x', 'y', 'z']).toContain(o.peerId);
    const at20 = decideChokes(input(peers, { ...opts, optimistic: o }), NOW + 20_000, mulberry32(4));
    expect(at20.optimistic).toEqual(o);
    const at30 = decideChokes(input(peers, { ...opts, optimistic: o }), NOW + 30_000, mulberry32(4));
    expect(at30.optimistic?.peerId).not.toBe(o.peerId);
    expect(at30.optimistic?.sinceMs).toBe(NOW + 30_000);
    expect(sorted(at30.unchoke)).toEqual(['a', at30.optimistic!.peerId].sort());
  });

  it('replaces an optimistic peer that left or earned a regular slot', () => {
    const peers = [peer('a', { downloadRateBps: 100 }), peer('x', { downloadRateBps: 5000 }), peer('y')];
    const d = decideChokes(
      input(peers, { uploadSlots: 2, optimistic: { peerId: 'x', sinceMs: NOW - 1000 } }),
      NOW,
      mulberry32(1),
    );
    expect(d.unchoke.has('x')).toBe(true); // now a regular slot
    expect(d.optimistic?.peerId).not.toBe('x');
    const gone = decideChokes(
      input([peer('a'), peer('y')], { uploadSlots: 2, optimistic: { peerId: 'x', sinceMs: NOW - 1000 } }),
      NOW,
      mulberry32(1),
    );
    expect(gone.optimistic?.peerId).not.toBe('x');
    expect(gone.unchoke.has('x')).toBe(false);
  });

  it('weights new peers 3× for the optimistic slot', () => {
    const peers = [
      peer('regular', { downloadRateBps: 1 }),
      peer('old'),
      peer('new', { connectedAtMs: NOW - 1000 }),
    ];
    const random = mulberry32(11);
    let newWins = 0;
    const trials = 4000;
    for (let i = 0; i < trials; i++) {
      if (decideChokes(input(peers, { uploadSlots: 2 }), NOW, random).optimistic?.peerId === 'new') newWins++;
    }
    expect(newWins / trials).toBeGreaterThan(0.7); // expected 3/4
    expect(newWins / trials).toBeLessThan(0.8);
  });

  it('equal rates: currently unchoked peers keep their slots (no flapping)', () => {
    const peers = ['a', 'b', 'c', 'd', 'e'].map((id) =>
      peer(id, { downloadRateBps: 100, unchoked: id === 'd' }),
    );
    for (let seed = 1; seed < 20; seed++) {
      const d = decideChokes(input(peers, { uploadSlots: 2 }), NOW, mulberry32(seed));
      expect(d.unchoke.has('d')).toBe(true);
    }
  });

  it('equal rates among choked peers: ties broken at random', () => {
    const peers = ['a', 'b', 'c', 'd'].map((id) => peer(id, { downloadRateBps: 100 }));
    const winners = new Set<string>();
    for (let seed = 1; seed < 40; seed++) {
      const d = decideChokes(input(peers, { uploadSlots: 1 }), NOW, mulberry32(seed));
      expect(d.unchoke.size).toBe(1);
      winners.add([...d.unchoke][0]!);
    }
    expect(winners.size).toBe(4);
  });

  it.each([
    { slots: 0, want: 0, optimistic: false },
    { slots: 1, want: 1, optimistic: false },
    { slots: 2, want: 2, optimistic: true },
    { slots: 10, want: 5, optimistic: false }, // everyone fits a regular slot
    { slots: Infinity, want: 5, optimistic: false },
  ])('$slots slots over 5 interested peers → $want unchoked', ({ slots, want, optimistic }) => {
    const peers = ['a', 'b', 'c', 'd', 'e'].map((id, i) => peer(id, { downloadRateBps: i }));
    const d = decideChokes(input(peers, { uploadSlots: slots }), NOW, mulberry32(1));
    expect(d.unchoke.size).toBe(want);
    expect(d.optimistic !== null).toBe(optimistic);
  });
});
