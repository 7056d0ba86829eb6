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
});
