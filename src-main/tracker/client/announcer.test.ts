// Announcer policy with fake tracker clients and fake timers: which tracker is asked,
// with which event, and when.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Announcer } from './announcer.ts';
import {
  TrackerError,
  type AnnounceParams,
  type AnnounceResult,
  type AnnouncerOptions,
  type TrackerClient,
} from './tracker-client-api.ts';

interface Call {
  url: string;
  event: string;
  left: number;
}

type Behaviour = () => AnnounceResult | Error | Promise<AnnounceResult | Error>;

function fakeClients(behaviour: Record<string, Behaviour>) {
  const calls: Call[] = [];
  const closed: string[] = [];
  const createClient = (url: string): TrackerClient | undefined => {
    if (!url.startsWith('udp://') && !url.startsWith('http://')) return undefined;
    return {
      url,
      announce: async (p: AnnounceParams) => {
        calls.push({ url, event: p.event, left: p.left });
        const r = await (behaviour[url] ?? (() => new TrackerError('timeout', 'silent')))();
        if (r instanceof Error) throw r;
        return r;
      },
      scrape: async () => [],
      close: () => closed.push(url),
    };
  };
  return { calls, closed, createClient };
}

const ok =
  (intervalSec: number, peers = 1): (() => AnnounceResult) =>
  () => ({
    intervalSec,
    seeders: 1,
    leechers: 2,
    peers: Array.from({ length: peers }, (_, i) => ({ host: '10.0.0.1', port: 1000 + i })),
  });
const fail = () => new TrackerError('timeout', 'no answer');

function announcer(
  list: string[][],
  behaviour: Record<string, Behaviour>,
  extra: Partial<AnnouncerOptions> = {},
) {
  const fakes = fakeClients(behaviour);
  let left = 100;
  const peers: string[] = [];
  const a = new Announcer({
    infoHash: new Uint8Array(20),
    peerId: new Uint8Array(20),
    port: 6881,
    announceList: list,
    totals: () => ({ uploaded: 0, downloaded: 0, left }),
    onPeers: (p, url) => peers.push(`${url}:${p.length}`),
    random: () => 0.999, // keep the tier order as written
    now: () => Date.now(),
    retryBaseMs: 1000,
    retryMaxMs: 8000,
    minIntervalSec: 0,
    createClient: fakes.createClient,
    ...extra,
  });
  return { a, ...fakes, peers, setLeft: (n: number) => (left = n) };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Announcer (BEP 12)', () => {
  it('fails over within a tier, then to the next tier, and promotes the one that answered', async () => {
    const { a, calls, peers } = announcer([['udp://a', 'udp://b'], ['udp://c']], { 'udp://c': ok(60, 3) });
    a.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => `${c.url} ${c.event}`)).toEqual([
      'udp://a started',
      'udp://b started',
      'udp://c started',
    ]);
    expect(peers).toEqual(['udp://c:3']);
    const s = a.statuses();
    expect(s.map((x) => [x.url, x.tier, x.state])).toEqual([
      ['udp://a', 0, 'error'],
      ['udp://b', 0, 'error'],
      ['udp://c', 1, 'working'],
    ]);
    expect(s[2]).toMatchObject({ seeders: 1, leechers: 2, lastPeerCount: 3, lastError: null });
    expect(s[0]?.lastError).toEqual({ code: 'timeout', message: 'silent' });
    expect(s[2]?.nextAnnounceAt).toBe(Date.now() + 60_000);
    await a.close();
  });

  it('moves a working tracker to the front of its tier', async () => {
    const { a, calls } = announcer([['udp://a', 'udp://b']], { 'udp://b': ok(10) });
    a.start();
    await vi.advanceTimersByTimeAsync(0);
    calls.length = 0;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.map((c) => c.url)).toEqual(['udp://b']);
    expect(a.statuses().map((s) => s.url)).toEqual(['udp://b', 'udp://a']);
    await a.close();
  });

  it('sends started once, then none at the interval, completed when told', async () => {
    const { a, calls, setLeft } = announcer([['udp://a']], { 'udp://a': ok(30) });
    a.start();
    a.start();
    await vi.advanceTimersByTimeAsync(29_999);
    expect(calls.map((c) => c.event)).toEqual(['started']);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.event)).toEqual(['started', 'none']);
    setLeft(0);
    a.completed();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => `${c.event}:${c.left}`)).toEqual(['started:100', 'none:100', 'completed:0']);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls.at(-1)?.event).toBe('none');
    await a.close();
  });

  it('retries with back-off when every tracker fails, keeping the started event', async () => {
    let up = false;
    const { a, calls } = announcer([['udp://a']], { 'udp://a': () => (up ? ok(100)() : fail()) });
    a.start();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(1000); // retry 1 after 1 s
    await vi.advanceTimersByTimeAsync(2000); // retry 2 after 2 s
    expect(calls).toHaveLength(3);
    up = true;
    await vi.advanceTimersByTimeAsync(3999);
    expect(calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1); // retry 3 after 4 s
    expect(calls.map((c) => c.event)).toEqual(['started', 'started', 'started', 'started']);
    expect(a.statuses()[0]?.state).toBe('working');
    await a.close();
  });

  it('honours the interval floor and the tracker min interval for reannounce', async () => {
    const { a, calls } = announcer(
      [['udp://a']],
      { 'udp://a': () => ({ ...ok(1)(), minIntervalSec: 20 }) },
      { minIntervalSec: 5 },
    );
    a.start();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(4999);
    expect(calls).toHaveLength(1); // interval 1 s raised to the 5 s floor
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    a.reannounce(); // too soon: min interval 20 s
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(2);
    await a.close();
  });

  it('marks unsupported URLs disabled and never calls them', async () => {
    const { a, calls } = announcer([['wss://tracker.example', 'udp://a']], { 'udp://a': ok(60) });
    a.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.url)).toEqual(['udp://a']);
    expect(a.statuses().find((s) => s.url.startsWith('wss'))).toMatchObject({
      state: 'disabled',
      lastError: { code: 'unsupported' },
    });
    await a.close();
    const none = announcer([['wss://only.example']], {});
    none.a.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(none.calls).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    await none.a.close();
  });

  it('close() sends stopped to the working tracker once, closes clients and stops the timer', async () => {
    const { a, calls, closed } = announcer([['udp://a']], { 'udp://a': ok(30) });
    a.start();
    await vi.advanceTimersByTimeAsync(0);
    await Promise.all([a.close({ sendStopped: true }), a.close({ sendStopped: true })]);
    expect(calls.map((c) => c.event)).toEqual(['started', 'stopped']);
    expect(closed).toEqual(['udp://a']);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts the next tracker when one is silent past failoverAfterMs; the first answer wins, a late one still counts', async () => {
    const slow = (ms: number, peers: number) => () =>
      new Promise<AnnounceResult>((resolve) => setTimeout(() => resolve(ok(60, peers)()), ms));
    const { a, calls, peers } = announcer(
      [['udp://dead'], ['udp://slow'], ['udp://live']],
      { 'udp://dead': slow(100_000, 1), 'udp://slow': slow(30_000, 2), 'udp://live': slow(100, 3) },
      { failoverAfterMs: 5_000 },
    );
    a.start();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(calls.map((c) => c.url)).toEqual(['udp://dead']);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.url)).toEqual(['udp://dead', 'udp://slow']);
    await vi.advanceTimersByTimeAsync(5_100);
    expect(calls.map((c) => c.url)).toEqual(['udp://dead', 'udp://slow', 'udp://live']);
    expect(peers).toEqual(['udp://live:3']);
    expect(a.statuses().map((s) => s.state)).toEqual(['announcing', 'announcing', 'working']);
    // The slow tracker answers later: its peers are used too; the round's time stays.
    await vi.advanceTimersByTimeAsync(24_899);
    expect(peers).toEqual(['udp://live:3']);
    await vi.advanceTimersByTimeAsync(1); // 30 s after it was asked
    expect(peers).toEqual(['udp://live:3', 'udp://slow:2']);
    expect(a.statuses().map((s) => s.state)).toEqual(['announcing', 'working', 'working']);
    expect(calls).toHaveLength(3);
    await a.close();
  });

  it('a silent tracker still being retried is not asked again by later rounds', async () => {
    const silentFor = (ms: number) => () =>
      new Promise<Error>((resolve) => setTimeout(() => resolve(fail()), ms));
    const { a, calls } = announcer(
      [['udp://dead'], ['udp://live']],
      { 'udp://dead': silentFor(105_000), 'udp://live': ok(10) },
      { failoverAfterMs: 5_000 },
    );
    const asked = (url: string) => calls.filter((c) => c.url === url).length;
    a.start();
    await vi.advanceTimersByTimeAsync(60_000);
    // A round every ~15 s (10 s interval, 5 s waiting on the silent one); one request to it.
    expect(asked('udp://dead')).toBe(1);
    expect(asked('udp://live')).toBe(4);
    await vi.advanceTimersByTimeAsync(60_000); // its request failed at 105 s: asked again since
    expect(asked('udp://dead')).toBe(2);
    // close() does not wait for a request that ignores it.
    await a.close();
  });
});
