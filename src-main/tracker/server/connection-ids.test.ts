import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConnectionIds } from './connection-ids.ts';

function setup(startMs = 1_000_000) {
  let now = startMs;
  const ids = new ConnectionIds({ now: () => now, bucketMs: 60_000 });
  return { ids, advance: (ms: number) => (now += ms) };
}

describe('ConnectionIds', () => {
  it('accepts an id from the same address and port', () => {
    const { ids } = setup();
    const id = ids.issue('127.0.0.1', 5000);
    expect(ids.verify(id, '127.0.0.1', 5000)).toBe(true);
  });

  it('refuses the id from another address or port (spoofed source)', () => {
    const { ids } = setup();
    const id = ids.issue('127.0.0.1', 5000);
    expect(ids.verify(id, '127.0.0.2', 5000)).toBe(false);
    expect(ids.verify(id, '127.0.0.1', 5001)).toBe(false);
    expect(ids.verify(id ^ 1n, '127.0.0.1', 5000)).toBe(false);
  });

  it('keeps an id valid for at least one minute and at most two (BEP 15)', () => {
    // Issued at the very end of a bucket: still valid 60 s later.
    const late = setup(60_000 * 20 - 1);
    const idLate = late.ids.issue('::1', 1);
    late.advance(60_000);
    expect(late.ids.verify(idLate, '::1', 1)).toBe(true);
    late.advance(2);
    expect(late.ids.verify(idLate, '::1', 1)).toBe(false);
    // Issued at the start of a bucket: valid until two buckets have passed, never after.
    const early = setup(60_000 * 20);
    const idEarly = early.ids.issue('::1', 1);
    early.advance(119_999);
    expect(early.ids.verify(idEarly, '::1', 1)).toBe(true);
    early.advance(1);
    expect(early.ids.verify(idEarly, '::1', 1)).toBe(false);
  });

  it('forgets both secrets after a long gap', () => {
    const { ids, advance } = setup();
    const id = ids.issue('10.0.0.1', 1);
    advance(10 * 60_000);
    expect(ids.verify(id, '10.0.0.1', 1)).toBe(false);
  });

  it('gives different ids to different clients, and new ids after rotation', () => {
    const { ids, advance } = setup();
    const a = ids.issue('10.0.0.1', 1);
    expect(ids.issue('10.0.0.2', 1)).not.toBe(a);
    advance(60_000);
    expect(ids.issue('10.0.0.1', 1)).not.toBe(a);
  });

  it('is the documented HMAC, whether remembered or recomputed', () => {
    let now = 60_000 * 7 + 5;
    const key = new Uint8Array(32).fill(7);
    // Remembers one source at a time, so alternating sources always recompute.
    const ids = new ConnectionIds({ now: () => now, randomBytes: () => key, rememberedSources: 1 });
    const hmac = (addr: string, port: number, bucket: number) =>
      createHmac('sha256', key).update(`${addr}|${port}|${bucket}`).digest().readBigUInt64BE(0);
    const a = ids.issue('10.0.0.1', 6881);
    expect(a).toBe(hmac('10.0.0.1', 6881, 7));
    expect(ids.issue('10.0.0.1', 6881)).toBe(a); // remembered
    const b = ids.issue('10.0.0.2', 6881); // evicts the first
    expect(b).toBe(hmac('10.0.0.2', 6881, 7));
    expect(ids.verify(a, '10.0.0.1', 6881)).toBe(true); // recomputed
    expect(ids.verify(a, '10.0.0.1', 6881)).toBe(true); // remembered
    expect(ids.verify(b, '10.0.0.1', 6881)).toBe(false);
    expect(ids.verify(a, '10.0.0.1', 6882)).toBe(false);
    now += 60_000; // bucket 8: a is from the previous bucket, still accepted
    expect(ids.verify(a, '10.0.0.1', 6881)).toBe(true);
    const a8 = ids.issue('10.0.0.1', 6881);
    expect(a8).toBe(hmac('10.0.0.1', 6881, 8));
    expect(ids.verify(a, '10.0.0.1', 6881)).toBe(true); // the older id still works
    now += 60_000; // bucket 9: the remembered bucket-7 id is no longer accepted
    expect(ids.verify(a, '10.0.0.1', 6881)).toBe(false);
    expect(ids.verify(a8, '10.0.0.1', 6881)).toBe(true);
  });

  it('accepts exactly what recomputing the HMAC would, through random requests and evictions', () => {
    let now = 60_000 * 50;
    let state = 99;
    const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    // The reference knows each bucket's secret: a 32-byte draw is the secret of the bucket
    // the clock is in when it is drawn (the first at construction, then one per rotation).
    const secretOf = new Map<number, Uint8Array>();
    const randomBytes = (n: number) => {
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
      if (n === 32) secretOf.set(Math.floor(now / 60_000), bytes);
      return bytes;
    };
    // Eight slots for forty sources: most requests find their slot taken by another.
    const ids = new ConnectionIds({ now: () => now, randomBytes, rememberedSources: 8 });
    const hmac = (key: Uint8Array, addr: string, port: number, bucket: number) =>
      createHmac('sha256', key).update(`${addr}|${port}|${bucket}`).digest().readBigUInt64BE(0);
    const expected = (id: bigint, addr: string, port: number) => {
      const bucket = Math.floor(now / 60_000);
      return [bucket, bucket - 1].some((b) => {
        const key = secretOf.get(b);
        return key !== undefined && hmac(key, addr, port, b) === id;
      });
    };
    const sources = Array.from({ length: 40 }, (_, i) => ({
      addr: i % 4 === 0 ? `2001:db8::${i}` : `10.0.${i % 3}.${i}`,
      port: 6881 + (i % 5),
    }));
    const issued: { id: bigint; source: number }[] = [];
    const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)] as T;
    let accepted = 0;
    for (let step = 0; step < 3000; step++) {
      const r = random();
      const source = Math.floor(random() * sources.length);
      const { addr, port } = sources[source]!;
      if (r < 0.3) {
        const id = ids.issue(addr, port);
        const bucket = Math.floor(now / 60_000);
        expect(id).toBe(hmac(secretOf.get(bucket)!, addr, port, bucket));
        issued.push({ id, source });
      } else if (r < 0.95 && issued.length > 0) {
        // An id we issued, sent from its own source or (spoofed) from another.
        const known = pick(issued.slice(-30)); // mostly still valid
        const from = random() < 0.7 ? sources[known.source]! : sources[source]!;
        const ok = ids.verify(known.id, from.addr, from.port);
        expect(ok).toBe(expected(known.id, from.addr, from.port));
        if (ok) accepted++;
      } else {
        now += random() < 0.1 ? 200_000 : Math.floor(random() * 40_000);
      }
    }
    expect(accepted).toBeGreaterThan(800);
  });
});
