/**
 * User actions → contract commands. Failures land where the user acted: the magnet
 * dialog, the drop zone, the catalog row, the settings form; never silently.
 */
import type { ContractError } from '../../src-shared/contract/error-codes.ts';
import { describeError } from '../../src-shared/contract/error-codes.ts';
import type { Settings } from '../../src-shared/types/settings.ts';
import type { CatalogEntry } from '../../src-shared/types/catalog.ts';
import type { NearbyEntry } from './nearby-model.ts';
import type { FilePriority } from '../../src-shared/types/torrent.ts';
import type { RendererClient } from '../transport/renderer-client.ts';
import {
  shareDropped,
  topLevelCount,
  type DroppedFile,
  type ShareChoices,
} from '../transport/file-upload.ts';
import { pushToast, type AppStore, type View } from './app-store.ts';
import { moveSelection, filterOrder } from './torrents-model.ts';
import { formatBytes } from '../../src-shared/util/format.ts';

export const words = (err: unknown): string => {
  const e = err as Partial<ContractError>;
  return typeof e?.code === 'string'
    ? describeError(e.code, e.message)
    : String((err as Error)?.message ?? err);
};

function fileToBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => {
      const url = String(r.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    r.onerror = () => reject(r.error ?? new Error('read failed'));
    r.readAsDataURL(file);
  });
}

export type Actions = ReturnType<typeof createActions>;

export function createActions(store: AppStore, client: RendererClient) {
  const set = store.setState;
  const get = store.getState;

  const select = async (id: string | null) => {
    if (get().selectedId === id) return;
    set({ selectedId: id, detail: null });
    try {
      await client.invoke('watchDetail', { id });
    } catch (err) {
      pushToast(store, { tone: 'error', title: 'Could not show details', body: words(err) });
    }
  };

  const onTorrent = async (id: string, run: () => Promise<unknown>) => {
    try {
      await run();
      set((s) => {
        const torrentErrors = { ...s.torrentErrors };
        delete torrentErrors[id];
        return { torrentErrors };
      });
    } catch (err) {
      set((s) => ({ torrentErrors: { ...s.torrentErrors, [id]: words(err) } }));
    }
  };

  return {
    setView: (view: View) => set({ view }),
    setFilter: (filter: string) => set({ filter }),
    select,
    moveSelection: (delta: number) => {
      const s = get();
      void select(moveSelection(filterOrder(s.torrents, s.filter), s.selectedId, delta));
    },
    pause: (id: string) => onTorrent(id, () => client.invoke('pause', { id })),
    setUnlisted: (id: string, unlisted: boolean) =>
      onTorrent(id, () => client.invoke('setUnlisted', { id, unlisted })),
    resume: (id: string) => onTorrent(id, () => client.invoke('resume', { id })),
    togglePause: (id: string) => {
      const t = get().torrents.byId.get(id);
      if (!t) return Promise.resolve();
      return t.state === 'paused'
        ? onTorrent(id, () => client.invoke('resume', { id }))
        : onTorrent(id, () => client.invoke('pause', { id }));
    },
    recheck: async (id: string) => {
      set((s) => ({ verifying: { ...s.verifying, [id]: true } }));
      await onTorrent(id, async () => {
        const r = await client.invoke('recheck', { id });
        const name = get().torrents.byId.get(id)?.name ?? 'the transfer';
        pushToast(
          store,
          r.complete
            ? { tone: 'success', title: `Verified “${name}”`, body: 'Every piece on disk matches.' }
            : {
                tone: 'info',
                title: `Verified “${name}”`,
                body: `${formatBytes(r.verifiedBytes)} of ${formatBytes(r.totalBytes)} match; the rest is downloaded again.`,
              },
        );
      });
      set((s) => {
        const verifying = { ...s.verifying };
        delete verifying[id];
        return { verifying };
      });
    },
    remove: async (id: string, deleteFiles: boolean) => {
      set({ dialog: null });
      if (get().selectedId === id) await select(null);
      await onTorrent(id, () => client.invoke('remove', { id, deleteFiles }));
    },
    openDialog: (dialog: NonNullable<ReturnType<AppStore['getState']>['dialog']>) =>
      set({ dialog, addError: null }),
    closeDialog: () => set({ dialog: null, addError: null }),

    addMagnet: async (uri: string): Promise<boolean> => {
      set({ addError: null });
      try {
        const t = await client.invoke('add', { source: { kind: 'magnet', uri: uri.trim() } });
        set({ dialog: null, view: 'transfers' });
        void select(t.id);
        return true;
      } catch (err) {
        set({ addError: words(err) });
        return false;
      }
    },
    addTorrentFile: async (file: File) => {
      try {
        const bytesBase64 = await fileToBase64(file);
        const t = await client.invoke('add', {
          source: { kind: 'torrent-file', bytesBase64, fileName: file.name },
        });
        set({ view: 'transfers' });
        void select(t.id);
      } catch (err) {
        pushToast(store, { tone: 'error', title: `Could not open “${file.name}”`, body: words(err) }, 12_000);
      }
    },

    /**
     * Shares what was dropped or picked in the browser. Several top-level items become one
     * share: without `choices.name` the share dialog opens first to ask for it.
     */
    share: async (dropped: DroppedFile[], choices?: ShareChoices) => {
      if (dropped.length === 0) return;
      if (topLevelCount(dropped) > 1 && !choices?.name) {
        set({ dialog: { kind: 'share', pending: { kind: 'dropped', dropped } }, addError: null });
        return;
      }
      const key = `upload-${Date.now()}`;
      const name =
        choices?.name ?? (dropped.length === 1 ? dropped[0]!.file.name : `${dropped.length} files`);
      set({ dropError: null, view: 'transfers' });
      try {
        const totalBytes = dropped.reduce((n, d) => n + d.file.size, 0);
        set((s) => ({
          shares: {
            ...s.shares,
            [key]: { key, name, hashedBytes: 0, totalBytes, done: false, uploadedBytes: 0 },
          },
        }));
        const res = await shareDropped(
          client,
          dropped,
          (sent) =>
            set((s) =>
              s.shares[key]
                ? { shares: { ...s.shares, [key]: { ...s.shares[key], uploadedBytes: sent } } }
                : {},
            ),
          choices,
        );
        void select(res.id);
      } catch (err) {
        set({ dropError: `Could not share “${name}”: ${words(err)}` });
      } finally {
        set((s) => {
          const shares = { ...s.shares };
          delete shares[key];
          return { shares };
        });
      }
    },
    /** Shares files in place; several paths without `choices.name` open the share dialog first. */
    sharePaths: async (picked: string[], choices?: ShareChoices) => {
      const paths = [...new Set(picked)];
      if (paths.length === 0) return;
      if (paths.length > 1 && !choices?.name) {
        set({ dialog: { kind: 'share', pending: { kind: 'paths', paths } }, addError: null });
        return;
      }
      set({ dropError: null });
      try {
        const res = await client.invoke('share', {
          paths,
          ...(choices?.name ? { name: choices.name } : {}),
          ...(choices?.options ? { options: choices.options } : {}),
        });
        void select(res.id);
      } catch (err) {
        set({ dropError: words(err) });
      }
    },
    pickPaths: async (kind: 'files' | 'folder' | 'torrent' | 'download-dir'): Promise<string[]> => {
      try {
        return (await client.invoke('pickPaths', { kind })).paths;
      } catch (err) {
        pushToast(store, { tone: 'error', title: 'Could not open the file picker', body: words(err) });
        return [];
      }
    },
    openPath: (id: string, reveal: boolean, fileIndex?: number) =>
      onTorrent(id, () =>
        client.invoke('openPath', { id, reveal, ...(fileIndex !== undefined ? { fileIndex } : {}) }),
      ),
    setFilePriorities: (id: string, priorities: { index: number; priority: FilePriority }[]) =>
      priorities.length === 0
        ? Promise.resolve()
        : onTorrent(id, () => client.invoke('setFilePriorities', { id, priorities })),
    /** The URL a player reads file `fileIndex` from while it downloads (null: refused, see torrentErrors). */
    streamUrl: async (id: string, fileIndex: number): Promise<string | null> => {
      let url: string | null = null;
      await onTorrent(id, async () => {
        url = (await client.invoke('streamUrl', { id, fileIndex })).url;
      });
      return url;
    },

    searchCatalog: async (query: string) => {
      set((s) => ({ catalog: { ...s.catalog, query, loading: true, error: null } }));
      try {
        const result = await client.invoke('searchCatalog', { query });
        set((s) => ({ catalog: { ...s.catalog, loading: false, result } }));
      } catch (err) {
        set((s) => ({ catalog: { ...s.catalog, loading: false, error: words(err) } }));
      }
    },
    refreshNearby: async () => {
      try {
        await client.invoke('refreshNearby', {});
      } catch {
        // The list still updates as machines announce on their own.
      }
    },
    /** Downloads a share of the LAN catalog from every machine that lists it. */
    downloadNearby: async (entry: NearbyEntry) => {
      const rowErrors = { ...get().catalog.rowErrors };
      delete rowErrors[entry.infoHashHex];
      set((s) => ({ catalog: { ...s.catalog, rowErrors } }));
      try {
        await client.invoke('add', {
          source: {
            kind: 'nearby',
            infoHashHex: entry.infoHashHex,
            name: entry.name,
            peers: entry.peers.slice(0, 64),
          },
        });
        set((s) => ({ catalog: { ...s.catalog, added: { ...s.catalog.added, [entry.infoHashHex]: true } } }));
      } catch (err) {
        set((s) => ({
          catalog: { ...s.catalog, rowErrors: { ...s.catalog.rowErrors, [entry.infoHashHex]: words(err) } },
        }));
      }
    },
    downloadEntry: async (entry: CatalogEntry, savePath?: string) => {
      const rowErrors = { ...get().catalog.rowErrors };
      delete rowErrors[entry.infoHashHex];
      set((s) => ({ catalog: { ...s.catalog, rowErrors } }));
      try {
        await client.invoke('add', {
          source: {
            kind: 'catalog',
            infoHashHex: entry.infoHashHex,
            name: entry.name,
            tracker: entry.tracker,
          },
          ...(savePath ? { savePath } : {}),
        });
        set((s) => ({ catalog: { ...s.catalog, added: { ...s.catalog.added, [entry.infoHashHex]: true } } }));
      } catch (err) {
        set((s) => ({
          catalog: { ...s.catalog, rowErrors: { ...s.catalog.rowErrors, [entry.infoHashHex]: words(err) } },
        }));
      }
    },

    /** Saves a settings patch; returns the error in words, or null. */
    saveSettings: async (
      patch: Partial<Settings>,
    ): Promise<{ error: string | null; restartRequired: string[] }> => {
      try {
        const { settings, restartRequired } = await client.invoke('setSettings', patch);
        set({ settings });
        return { error: null, restartRequired };
      } catch (err) {
        return { error: words(err), restartRequired: [] };
      }
    },
    copyText: async (text: string): Promise<boolean> => {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch {
        // Older or locked-down browsers: select-and-copy through a hidden field.
        const area = document.createElement('textarea');
        area.value = text;
        document.body.append(area);
        area.select();
        const ok = document.execCommand('copy');
        area.remove();
        return ok;
      }
    },
  };
}
