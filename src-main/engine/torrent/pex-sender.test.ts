import { describe, expect, it } from 'vitest';
import { MAX_PEX_ENTRIES, PEX_INTERVAL_MS, PexSender, type PexEntry } from './pex-sender.ts';

const peer = (n: number, flags = 0): PexEntry => ({ host: `10.0.${n >> 8}.${n & 0xff}`, port: 6881, flags });
/** A recipient on another machine whose listen port we do not know. */
const far = { host: '10.9.9.9', listenPort: null };
const peers = (count: number, from = 1) => Array.from({ length: count }, (_, i) => peer(from + i));

describe('PexSender', () => {
  it('sends a recipient at most one message per minute, however the swarm changes', () => {
    const pex = new PexSender();
    expect(pex.next('r', far, [peer(1)], 0)?.added).toHaveLength(1);
    // New peers within the minute wait for it.
    expect(pex.next('r', far, [peer(1), peer(2)], 1000)).toBeNull();
    expect(pex.next('r', far, [peer(1), peer(2), peer(3)], PEX_INTERVAL_MS - 1)).toBeNull();
    const second = pex.next('r', far, [peer(1), peer(2), peer(3)], PEX_INTERVAL_MS);
    expect(second).toEqual({ added: [peer(2), peer(3)], dropped: [] });
  });

  it('keeps one clock per recipient', () => {
    const pex = new PexSender();
    expect(pex.next('a', far, [peer(1)], 0)).not.toBeNull();
    expect(pex.next('b', far, [peer(1)], 10)).not.toBeNull();
    expect(pex.isDue('a', 20)).toBe(false);
    expect(pex.isDue('c', 20)).toBe(true);
  });

  it('sends nothing when nothing changed, and does not start the clock for an empty message', () => {
    const pex = new PexSender();
    expect(pex.next('r', far, [], 0)).toBeNull();
    // Nothing went out, so the first peer is told about at once.
    expect(pex.next('r', far, [peer(1)], 5)).toEqual({ added: [peer(1)], dropped: [] });
    expect(pex.next('r', far, [peer(1)], PEX_INTERVAL_MS + 5)).toBeNull();
  });

  it('lists at most 50 added and 50 dropped per message; the rest follow a minute later', () => {
    const pex = new PexSender();
    const first = pex.next('r', far, peers(120), 0)!;
    expect(first.added).toHaveLength(MAX_PEX_ENTRIES);
    const second = pex.next('r', far, peers(120), PEX_INTERVAL_MS)!;
    expect(second.added).toHaveLength(MAX_PEX_ENTRIES);
    expect(new Set([...first.added, ...second.added].map((p) => p.host)).size).toBe(100);
    const third = pex.next('r', far, peers(120), 2 * PEX_INTERVAL_MS)!;
    expect(third.added).toHaveLength(20);
    // All 120 leave: dropped in batches of 50 too.
    const gone1 = pex.next('r', far, [], 3 * PEX_INTERVAL_MS)!;
    expect(gone1).toEqual({ added: [], dropped: expect.any(Array) as unknown });
    expect(gone1.dropped).toHaveLength(MAX_PEX_ENTRIES);
    expect(pex.next('r', far, [], 4 * PEX_INTERVAL_MS)!.dropped).toHaveLength(MAX_PEX_ENTRIES);
    expect(pex.next('r', far, [], 5 * PEX_INTERVAL_MS)!.dropped).toHaveLength(20);
    expect(pex.next('r', far, [], 6 * PEX_INTERVAL_MS)).toBeNull();
  });

  it('drops only peers the recipient was told about, and never names the recipient to itself', () => {
    const pex = new PexSender();
    const me = { host: '10.0.0.9', port: 6881 };
    const first = pex.next('r', { host: me.host, listenPort: me.port }, [peer(1), { ...me, flags: 0 }], 0)!;
    expect(first).toEqual({ added: [peer(1)], dropped: [] });
    const second = pex.next('r', { host: me.host, listenPort: me.port }, [peer(2)], PEX_INTERVAL_MS)!;
    expect(second).toEqual({ added: [peer(2)], dropped: [{ host: peer(1).host, port: 6881 }] });
  });

  it('carries flags and IPv6 addresses through, and a peer back after leaving is added again', () => {
    const pex = new PexSender();
    const v6: PexEntry = { host: 'fd00::2', port: 51413, flags: 0x12 };
    expect(pex.next('r', far, [v6], 0)).toEqual({ added: [v6], dropped: [] });
    expect(pex.next('r', far, [], PEX_INTERVAL_MS)).toEqual({
      added: [],
      dropped: [{ host: 'fd00::2', port: 51413 }],
    });
    expect(pex.next('r', far, [v6], 2 * PEX_INTERVAL_MS)).toEqual({ added: [v6], dropped: [] });
  });

  it('names loopback peers only to recipients on this machine', () => {
    const pex = new PexSender();
    const local: PexEntry = { host: '127.0.0.1', port: 7000, flags: 0 };
    const local6: PexEntry = { host: '::1', port: 7001, flags: 0 };
    expect(pex.next('far', far, [local, local6, peer(1)], 0)).toEqual({ added: [peer(1)], dropped: [] });
    expect(pex.next('near', { host: '127.0.0.1', listenPort: 7002 }, [local, local6, peer(1)], 0)).toEqual({
      added: [local, local6, peer(1)],
      dropped: [],
    });
  });

  it('forgets a recipient that disconnected: its next connection hears everything at once', () => {
    const pex = new PexSender();
    pex.next('r', far, [peer(1)], 0);
    pex.forget('r');
    expect(pex.next('r', far, [peer(1)], 1)).toEqual({ added: [peer(1)], dropped: [] });
  });
});
