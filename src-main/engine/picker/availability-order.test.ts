import { describe, expect, it } from 'vitest';
import { AvailabilityOrder } from './availability-order.ts';
import { mulberry32 } from '../../../src-shared/util/mulberry32.ts';

function checkInvariants(o: AvailabilityOrder, pieceCount: number, wanted: Set<number>) {
  const seen = new Set<number>();
  for (let i = 0; i < pieceCount; i++) seen.add(o.order[i]!);
  expect(seen.size).toBe(pieceCount); // a permutation
  expect(o.wantedEnd).toBe(wanted.size);
  for (let k = 0; k < o.bucketCount; k++) {
    for (let i = o.bucketStart(k); i < o.bucketEnd(k); i++) {
      const p = o.order[i]!;
      expect(o.count[p]).toBe(k);
      expect(wanted.has(p)).toBe(true);
    }
  }
  for (let i = o.wantedEnd; i < pieceCount; i++) expect(wanted.has(o.order[i]!)).toBe(false);
}

describe('AvailabilityOrder', () => {
  it('keeps wanted pieces sorted by availability through random updates', () => {
    const n = 200;
    const random = mulberry32(7);
    const o = new AvailabilityOrder(n, (p) => p % 10 === 0, random);
    const wanted = new Set<number>();
    for (let p = 0; p < n; p++) if (p % 10 !== 0) wanted.add(p);
    checkInvariants(o, n, wanted);
    for (let step = 0; step < 5000; step++) {
      const p = Math.floor(random() * n);
      const r = random();
      if (r < 0.6) o.increment(p);
      else if (r < 0.95) o.decrement(p);
      else {
        o.remove(p);
        wanted.delete(p);
      }
      if (step % 500 === 0) checkInvariants(o, n, wanted);
    }
    checkInvariants(o, n, wanted);
  });

  it('a piece removed (file skipped) and added back (selected again) keeps its bucket', () => {
    const n = 150;
    const random = mulberry32(11);
    const o = new AvailabilityOrder(n, () => false, random);
    const wanted = new Set<number>();
    for (let p = 0; p < n; p++) wanted.add(p);
    for (let step = 0; step < 6000; step++) {
      const p = Math.floor(random() * n);
      const r = random();
      if (r < 0.45) o.increment(p);
      else if (r < 0.8) o.decrement(p);
      else if (r < 0.9) {
        o.remove(p);
        wanted.delete(p);
      } else {
        o.add(p);
        wanted.add(p);
      }
      if (step % 300 === 0) checkInvariants(o, n, wanted);
    }
    checkInvariants(o, n, wanted);
    // A piece whose availability is above every bucket in use still lands in its own bucket.
    const lone = new AvailabilityOrder(3, () => false, mulberry32(2));
    lone.remove(1);
    for (let i = 0; i < 5; i++) lone.increment(1);
    lone.add(1);
    checkInvariants(lone, 3, new Set([0, 1, 2]));
    expect(lone.order[lone.bucketStart(5)]).toBe(1);
  });

  it('never lets a count go negative', () => {
    const o = new AvailabilityOrder(3, () => false, mulberry32(1));
    o.decrement(1);
    expect(o.count[1]).toBe(0);
    o.increment(1);
    expect(o.order[o.bucketStart(1)]).toBe(1);
  });

  it('tracks availability of pieces we have without scanning them', () => {
    const o = new AvailabilityOrder(4, (p) => p === 2, mulberry32(1));
    o.increment(2);
    o.increment(2);
    expect(o.count[2]).toBe(2);
    expect(o.bucketCount).toBe(1); // piece 2 is not in any bucket
    expect(o.wantedEnd).toBe(3);
  });
});
