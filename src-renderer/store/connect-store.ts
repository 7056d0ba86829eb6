/**
 * Feeds the store from the host: initial fetch on every (re)connection, then events.
 * Returns a function that unsubscribes everything.
 */
import { describeError } from '../../src-shared/contract/error-codes.ts';
import type { TorrentSummary } from '../../src-shared/types/torrent.ts';
import type { RendererClient } from '../transport/renderer-client.ts';
import { pushToast, type AppStore } from './app-store.ts';
import {
  browserNotificationSurface,
  notifyInBrowser,
  type NotificationSurface,
} from './browser-notifications.ts';
import { applyTorrentsEvent, replaceTorrents } from './torrents-model.ts';

export function connectStore(
  store: AppStore,
  client: RendererClient,
  sampleEveryMs = 1000,
  // The desktop app's main process shows its own; a page served by the daemon uses the browser's.
  browserNotifications: NotificationSurface | null = client.kind === 'websocket'
    ? browserNotificationSurface()
    : null,
): () => void {
  const offs: (() => void)[] = [];
  /** `nearby` events so far: a list fetched before the latest of them is older than it. */
  let nearbyEvents = 0;
  /** The torrent list as the host answered it; `torrents` batches that come later go on top of it. */
  const applyTorrentList = (list: TorrentSummary[]) => {
    store.setState({ torrents: replaceTorrents(list) });
    const selected = store.getState().selectedId;
    if (selected && !list.some((t) => t.id === selected)) store.setState({ selectedId: null, detail: null });
  };
  const refresh = async () => {
    const nearbyEventsBefore = nearbyEvents;
    try {
      const [appInfo, settings, nearby] = await Promise.all([
        client.invoke('getAppInfo', {}),
        client.invoke('getSettings', {}),
        // The Nearby list is an extra: a host that cannot give it still shows the rest.
        client.invoke('getNearby', {}).catch(() => []),
        // Applied the moment it arrives, not with the other answers. The host reads the list
        // when it answers (src-main/service/command-handlers.ts) and the link keeps order,
        // so a batch that arrives after this answer is newer than the list: held back for the
        // slowest answer, the list would overwrite it (a removed torrent back, an added one
        // gone, until they change again).
        client.invoke('getTorrents', {}).then(applyTorrentList),
      ]);
      store.setState({
        appInfo,
        settings,
        ...(nearbyEvents === nearbyEventsBefore ? { nearby } : {}),
      });
      const watched = store.getState().selectedId;
      if (watched) await client.invoke('watchDetail', { id: watched });
    } catch {
      // The connection dropped again; the next 'open' refreshes.
    }
  };
  offs.push(
    client.onConnection((connection) => {
      store.setState({ connection });
      if (connection === 'open') void refresh();
    }),
    client.on('torrents', (e) => {
      const s = store.getState();
      const next = applyTorrentsEvent(s.torrents, e);
      const removedSelected = s.selectedId !== null && e.removed.includes(s.selectedId);
      const torrentErrors = { ...s.torrentErrors };
      // A torrent that left its error state no longer shows the old error.
      for (const t of e.changed) if (t.state !== 'error' && torrentErrors[t.id]) delete torrentErrors[t.id];
      store.setState({
        torrents: next,
        torrentErrors,
        ...(removedSelected ? { selectedId: null, detail: null } : {}),
      });
    }),
    client.on('detail', (detail) => {
      if (store.getState().selectedId === detail.summary.id) store.setState({ detail });
    }),
    client.on('status', (status) => store.setState({ status, trackerError: status.trackerError })),
    client.on('appInfo', (appInfo) => store.setState({ appInfo })),
    client.on('settings', (settings) => store.setState({ settings })),
    client.on('nearby', (nearby) => {
      nearbyEvents++;
      store.setState({ nearby });
    }),
    client.on('shareProgress', (p) => {
      store.setState((s) => {
        const shares = { ...s.shares };
        if (p.done) delete shares[p.key];
        else shares[p.key] = { ...shares[p.key], ...p };
        return { shares };
      });
    }),
    client.on('notification', (n) => {
      if (browserNotifications)
        notifyInBrowser(browserNotifications, n, store.getState().settings?.notifyOnComplete ?? true);
      if (n.kind === 'download-complete')
        pushToast(store, { tone: 'success', title: 'Download complete', body: n.name });
      else
        pushToast(store, {
          tone: 'success',
          title: `Sharing “${n.name}”`,
          body:
            n.published === 'pending'
              ? 'Seeding. Listing it in the tracker’s catalog…'
              : n.published
                ? 'Listed in the tracker’s catalog.'
                : 'Seeding. (Not listed in a catalog.)',
        });
    }),
    client.on('error', (e) => {
      const words = describeError(e.code, e.message);
      if (e.where === 'torrent' && e.torrentId) {
        store.setState((s) => ({ torrentErrors: { ...s.torrentErrors, [e.torrentId!]: words } }));
      } else if (e.where === 'tracker') {
        store.setState({ trackerError: words });
      } else {
        pushToast(
          store,
          {
            tone: 'error',
            title: e.where === 'settings' ? 'Settings' : 'Problem',
            body: e.code === 'internal' || e.code === 'port-in-use' ? e.message : words,
          },
          12_000,
        );
      }
    }),
  );
  const timer = setInterval(() => {
    const s = store.getState();
    s.history.sample(s.torrents.byId.values());
    store.setState({ historyTick: s.historyTick + 1 });
  }, sampleEveryMs);
  offs.push(() => clearInterval(timer));
  return () => offs.forEach((off) => off());
}
