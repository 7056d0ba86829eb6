/**
 * The renderer's state: one zustand store with slices fed by contract events
 * (docs/ARCHITECTURE.md: engine → batched snapshots → zustand → components). Actions that
 * talk to the host live in ./actions.ts; this file is state and pure reducers only.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppInfo, StatusInfo } from '../../src-shared/types/app-info.ts';
import type { CatalogSearchResult } from '../../src-shared/types/catalog.ts';
import type { NearbyShare } from '../../src-shared/types/nearby.ts';
import type { Settings } from '../../src-shared/types/settings.ts';
import type { TorrentDetail } from '../../src-shared/types/torrent.ts';
import type { ShareProgressEvent } from '../../src-shared/contract/events.ts';
import type { ConnectionState } from '../transport/renderer-client.ts';
import type { DroppedFile } from '../transport/file-upload.ts';

/** Several items the user chose to share, waiting for the share dialog (name, Options). */
export type PendingShare = { kind: 'paths'; paths: string[] } | { kind: 'dropped'; dropped: DroppedFile[] };
import { emptyTorrents, type TorrentsState } from './torrents-model.ts';
import { SpeedHistory } from './speed-history.ts';

export type View = 'transfers' | 'network' | 'settings';

export interface Toast {
  id: number;
  tone: 'info' | 'success' | 'error';
  title: string;
  body?: string;
}

export interface CatalogState {
  query: string;
  loading: boolean;
  result: CatalogSearchResult | null;
  error: string | null;
  /** Info-hashes the user clicked Download on (button shows "Added"). */
  added: Record<string, true>;
  /** Download errors by info-hash, shown on that row. */
  rowErrors: Record<string, string>;
}

export interface AppState {
  connection: ConnectionState;
  view: View;
  appInfo: AppInfo | null;
  settings: Settings | null;
  status: StatusInfo | null;
  torrents: TorrentsState;
  filter: string;
  selectedId: string | null;
  detail: TorrentDetail | null;
  /** Bumped once a second when the speed history takes a sample. */
  historyTick: number;
  history: SpeedHistory;
  /** Shares being hashed or uploaded, by key. */
  shares: Record<string, ShareProgressEvent & { uploadedBytes?: number }>;
  /** The last error of each torrent pushed by the host (shown on its row). */
  torrentErrors: Record<string, string>;
  /** Torrents whose Verify is running (the button shows it until the result is in). */
  verifying: Record<string, true>;
  trackerError: string | null;
  toasts: Toast[];
  catalog: CatalogState;
  /** What other Swarmdrops on the LAN share (the LAN catalog), live. */
  nearby: NearbyShare[];
  /** Which dialog is open. */
  dialog:
    | { kind: 'magnet' }
    | { kind: 'remove'; id: string }
    | { kind: 'shortcuts' }
    | { kind: 'path-picker' }
    | { kind: 'share'; pending: PendingShare }
    | null;
  /** The error of the last add (magnet dialog, open .torrent), shown in that dialog. */
  addError: string | null;
  /** A share (drop/upload) that failed, shown on the drop zone. */
  dropError: string | null;
}

export type AppStore = StoreApi<AppState>;

export function initialState(): AppState {
  return {
    connection: 'connecting',
    view: 'transfers',
    appInfo: null,
    settings: null,
    status: null,
    torrents: emptyTorrents,
    filter: '',
    selectedId: null,
    detail: null,
    historyTick: 0,
    history: new SpeedHistory(),
    shares: {},
    torrentErrors: {},
    verifying: {},
    trackerError: null,
    toasts: [],
    catalog: { query: '', loading: false, result: null, error: null, added: {}, rowErrors: {} },
    nearby: [],
    dialog: null,
    addError: null,
    dropError: null,
  };
}

export function createAppStore(overrides: Partial<AppState> = {}): AppStore {
  return createStore<AppState>()(() => ({ ...initialState(), ...overrides }));
}

let toastSeq = 0;
const MAX_TOASTS = 4;

export function pushToast(store: AppStore, toast: Omit<Toast, 'id'>, lifetimeMs = 6000): number {
  const id = ++toastSeq;
  store.setState((s) => ({ toasts: [...s.toasts, { ...toast, id }].slice(-MAX_TOASTS) }));
  if (lifetimeMs > 0) setTimeout(() => dismissToast(store, id), lifetimeMs);
  return id;
}

export function dismissToast(store: AppStore, id: number): void {
  store.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}
