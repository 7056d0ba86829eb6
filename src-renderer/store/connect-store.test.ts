// A scripted client stands in for the host here (renderer store tests only): it
// records commands and lets the test push events, as a transport would.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CommandName } from '../../src-shared/contract/commands.ts';
import type { EventMap, EventName } from '../../src-shared/contract/events.ts';
import { ContractError } from '../../src-shared/contract/error-codes.ts';
import type { ConnectionState, RendererClient } from '../transport/renderer-client.ts';
import { createAppStore } from './app-store.ts';
import { connectStore } from './connect-store.ts';
import { createActions } from './actions.ts';
import { summary } from './test-fixtures.ts';

function scriptedClient(responses: Partial<Record<CommandName, (req: unknown) => unknown>>) {
  const listeners = new Map<string, ((p: unknown) => void)[]>();
  let conn: ((s: ConnectionState) => void) | null = null;
  const calls: [string, unknown][] = [];
  const client: RendererClient = {
    kind: 'websocket',
    invoke: (async (command: CommandName, request: unknown) => {
      calls.push([command, request]);
      const r = responses[command];
      if (!r) throw new ContractError('unknown-command', 'no');
      return r(request);
    }) as RendererClient['invoke'],
    on: ((event: string, l: (p: unknown) => void) => {
      listeners.set(event, [...(listeners.get(event) ?? []), l]);
      return () => undefined;
    }) as RendererClient['on'],
    onConnection: (l) => {
      conn = l;
      l('connecting');
      return () => undefined;
    },
    pathForFile: () => null,
  };
  return {
    client,
    calls,
    open: () => conn?.('open'),
    emit: <E extends EventName>(e: E, p: EventMap[E]) => listeners.get(e)?.forEach((l) => l(p)),
  };
}

const info = {
  version: '0.1.0',
  host: 'daemon' as const,
  listeningPort: 6881,
  embeddedTracker: { running: true, port: 6969, shareAddresses: ['udp://10.0.0.2:6969'], error: null },
  overridden: [],
  trackers: ['udp://127.0.0.1:6969'],
  dataDir: '/d',
  downloadDir: '/d/downloads',
  shareDir: '/d/shared',
};

afterEach(() => vi.useRealTimers());

describe('connectStore', () => {
  it('keeps the Nearby list from open and from each nearby event', async () => {
    const share = {
      infoHashHex: 'aa'.repeat(20),
      name: 'photos',
      totalBytes: 5,
      who: 'alice',
      host: '10.0.0.1',
      peerPort: 6881,
    };
    const s = scriptedClient({
      getAppInfo: () => info,
      getSettings: () => null,
      getTorrents: () => [],
      getNearby: () => [share],
    });
    const store = createAppStore();
    connectStore(store, s.client, 60_000);
    s.open();
    await vi.waitFor(() => expect(store.getState().nearby).toEqual([share]));
    s.emit('nearby', []);
    expect(store.getState().nearby).toEqual([]);
  });

  it('a nearby event that arrives while the list is fetched on open is not undone by the older answer', async () => {
    const share = {
      infoHashHex: 'bb'.repeat(20),
      name: 'listed again',
      totalBytes: 5,
      who: 'alice',
      host: '10.0.0.1',
      peerPort: 6881,
    };
    let answerAppInfo: (v: unknown) => void = () => undefined;
    const s = scriptedClient({
      // The host read its Nearby list (empty) before the event; the answer lands after it.
      getAppInfo: () => new Promise((resolve) => (answerAppInfo = resolve)),
      getSettings: () => null,
      getTorrents: () => [],
      getNearby: () => [],
    });
    const store = createAppStore();
    connectStore(store, s.client, 60_000);
    s.open();
    await vi.waitFor(() => expect(s.calls.map(([c]) => c)).toContain('getNearby'));
    s.emit('nearby', [share]);
    answerAppInfo(info);
    await vi.waitFor(() => expect(store.getState().appInfo).toEqual(info));
    expect(store.getState().nearby).toEqual([share]);
  });

  it('a torrents batch newer than the list fetched on reconnect is not undone by the slower answers', async () => {
    let holdAppInfo = false;
    let answerAppInfo: (v: unknown) => void = () => undefined;
    let list = [summary('a')];
    const s = scriptedClient({
      getAppInfo: () => (holdAppInfo ? new Promise((resolve) => (answerAppInfo = resolve)) : info),
      getSettings: () => null,
      getTorrents: () => list,
      getNearby: () => [],
    });
    const store = createAppStore();
    connectStore(store, s.client, 60_000);
    s.open();
    await vi.waitFor(() => expect(store.getState().torrents.order).toEqual(['a']));
    // The link drops and comes back; this time the app info is the last answer to land.
    holdAppInfo = true;
    list = [summary('a'), summary('c')];
    s.open();
    await vi.waitFor(() => expect(s.calls.filter(([c]) => c === 'getTorrents')).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 0)); // the list's answer is in
    // Sent by the host after it answered with the list: 'a' removed, 'b' added.
    s.emit('torrents', { changed: [summary('b', { addedAt: 2000 })], removed: ['a'] });
    const newerInfo = { ...info, version: '0.2.0' };
    answerAppInfo(newerInfo);
    await vi.waitFor(() => expect(store.getState().appInfo).toEqual(newerInfo));
    expect(store.getState().torrents.order).toEqual(['b', 'c']);
  });

  it('fetches state on open and applies events', async () => {
    const s = scriptedClient({
      getAppInfo: () => info,
      getSettings: () => null,
      getTorrents: () => [summary('a')],
    });
    const store = createAppStore();
    const off = connectStore(store, s.client, 60_000);
    expect(store.getState().connection).toBe('connecting');
    s.open();
    await vi.waitFor(() => expect(store.getState().torrents.order).toEqual(['a']));
    expect(store.getState().appInfo?.embeddedTracker.shareAddresses).toEqual(['udp://10.0.0.2:6969']);
    s.emit('torrents', { changed: [summary('b', { addedAt: 9999 })], removed: ['a'] });
    expect(store.getState().torrents.order).toEqual(['b']);
    off();
  });

  it('shows a torrent error on that torrent, a tracker error in the status bar, others as a toast', () => {
    const s = scriptedClient({});
    const store = createAppStore();
    const off = connectStore(store, s.client, 60_000);
    s.emit('error', { code: 'disk-full', message: 'x', torrentId: 'a', where: 'torrent', atMs: 0 });
    s.emit('error', { code: 'tracker-unreachable', message: 'x', where: 'tracker', atMs: 0 });
    s.emit('error', { code: 'internal', message: 'Settings could not be read', where: 'settings', atMs: 0 });
    const st = store.getState();
    expect(st.torrentErrors.a).toMatch(/disk is full/);
    expect(st.trackerError).toMatch(/did not answer/);
    expect(st.toasts.map((t) => t.body)).toEqual(['Settings could not be read']);
    off();
  });

  it('forgets the selection when the selected torrent is removed', async () => {
    const s = scriptedClient({ watchDetail: () => null });
    const store = createAppStore();
    const off = connectStore(store, s.client, 60_000);
    const actions = createActions(store, s.client);
    s.emit('torrents', { changed: [summary('a')], removed: [] });
    await actions.select('a');
    expect(s.calls).toContainEqual(['watchDetail', { id: 'a' }]);
    s.emit('torrents', { changed: [], removed: ['a'] });
    expect(store.getState().selectedId).toBeNull();
    off();
  });

  it('samples speed history once per tick', () => {
    vi.useFakeTimers();
    const s = scriptedClient({});
    const store = createAppStore();
    const off = connectStore(store, s.client, 1000);
    s.emit('torrents', { changed: [summary('a', { downRateBps: 500 })], removed: [] });
    vi.advanceTimersByTime(3000);
    expect(store.getState().history.of('a')?.series().down).toEqual([500, 500, 500]);
    expect(store.getState().historyTick).toBe(3);
    off();
  });
});

describe('actions', () => {
  it('puts a bad magnet error in the dialog, in words', async () => {
    const s = scriptedClient({
      add: () => {
        throw new ContractError('bad-magnet', 'x');
      },
    });
    const store = createAppStore();
    const actions = createActions(store, s.client);
    actions.openDialog({ kind: 'magnet' });
    expect(await actions.addMagnet('magnet:?nonsense')).toBe(false);
    expect(store.getState().addError).toMatch(/not a magnet link/);
    expect(store.getState().dialog).toEqual({ kind: 'magnet' });
  });

  it('several paths open the share dialog first; the confirmed name and Options go to the host', async () => {
    const s = scriptedClient({
      share: () => ({ id: 'ab'.repeat(20), name: 'pack', magnet: 'm', published: false }),
    });
    const store = createAppStore();
    const actions = createActions(store, s.client);
    await actions.sharePaths(['/h/x/a.bin', '/h/x/b.txt', '/h/x/a.bin']);
    expect(s.calls).toEqual([]);
    expect(store.getState().dialog).toEqual({
      kind: 'share',
      pending: { kind: 'paths', paths: ['/h/x/a.bin', '/h/x/b.txt'] },
    });
    await actions.sharePaths(['/h/x/a.bin', '/h/x/b.txt'], { name: 'pack', options: { private: true } });
    // (Selecting the new share afterwards asks for its detail: not part of this.)
    expect(s.calls.filter(([c]) => c === 'share')).toEqual([
      ['share', { paths: ['/h/x/a.bin', '/h/x/b.txt'], name: 'pack', options: { private: true } }],
    ]);
  });

  it('one path is shared at once, without the dialog', async () => {
    const s = scriptedClient({
      share: () => ({ id: 'ab'.repeat(20), name: 'a.bin', magnet: 'm', published: false }),
    });
    const store = createAppStore();
    const actions = createActions(store, s.client);
    await actions.sharePaths(['/h/x/a.bin']);
    expect(s.calls.filter(([c]) => c === 'share')).toEqual([['share', { paths: ['/h/x/a.bin'] }]]);
    expect(store.getState().dialog).toBeNull();
  });

  it('pause failures land on the torrent row', async () => {
    const s = scriptedClient({
      pause: () => {
        throw new ContractError('unknown-torrent', 'x');
      },
    });
    const store = createAppStore();
    const actions = createActions(store, s.client);
    await actions.pause('a');
    expect(store.getState().torrentErrors.a).toMatch(/no longer exists/);
  });

  it('catalog download errors stay on their row; success marks it added', async () => {
    let fail = true;
    const s = scriptedClient({
      add: () => {
        if (fail) throw new ContractError('disk-full', 'x');
        return summary('h');
      },
    });
    const store = createAppStore();
    const actions = createActions(store, s.client);
    const entry = {
      infoHashHex: 'h',
      name: 'n',
      totalBytes: 1,
      seeders: 1,
      leechers: 0,
      tracker: 'udp://127.0.0.1:1',
    };
    await actions.downloadEntry(entry);
    expect(store.getState().catalog.rowErrors.h).toMatch(/disk is full/);
    fail = false;
    await actions.downloadEntry(entry);
    expect(store.getState().catalog.rowErrors.h).toBeUndefined();
    expect(store.getState().catalog.added.h).toBe(true);
  });
});
