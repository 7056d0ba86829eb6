/** Global keyboard shortcuts (listed in the ? dialog) and paste-a-magnet-anywhere. */
import { useEffect } from 'react';
import { useClient } from '../../app-context.tsx';
import type { AppStore } from '../../store/app-store.ts';
import type { Actions } from '../../store/actions.ts';
import { shortcutFor, type ShortcutHost } from './shortcut-keys.ts';

/** Desktop shortcuts in Electron, browser-safe ones in the web UI (shortcut-keys.ts). */
export function useShortcutHost(): ShortcutHost {
  return useClient().kind === 'electron' ? 'desktop' : 'browser';
}

export interface ShortcutTarget {
  addFiles: () => void;
  openTorrent: () => void;
}

const typing = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

export function useShortcuts(store: AppStore, actions: Actions, pickers: ShortcutTarget): void {
  const host = useShortcutHost();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = store.getState();
      const mod = e.ctrlKey || e.metaKey;
      const action = s.dialog ? null : shortcutFor(host, e, typing(e.target));
      if (action) {
        e.preventDefault();
        if (action === 'openTorrent') pickers.openTorrent();
        else if (action === 'addFiles') pickers.addFiles();
        else if (action === 'magnet') actions.openDialog({ kind: 'magnet' });
        else
          actions.setView(
            action === 'viewTransfers' ? 'transfers' : action === 'viewNetwork' ? 'network' : 'settings',
          );
        return;
      }
      if (s.dialog || typing(e.target) || mod || e.altKey) return;
      if (s.view !== 'transfers') return;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        actions.moveSelection(e.key === 'ArrowDown' ? 1 : -1);
      } else if (e.key === ' ' && s.selectedId) {
        e.preventDefault();
        void actions.togglePause(s.selectedId);
      } else if ((e.key === 'Delete' || e.key === 'Backspace') && s.selectedId) {
        e.preventDefault();
        actions.openDialog({ kind: 'remove', id: s.selectedId });
      } else if (e.key === 'Escape' && s.selectedId) {
        void actions.select(null);
      } else if (e.key === '?') {
        actions.openDialog({ kind: 'shortcuts' });
      }
    };
    const onPaste = (e: ClipboardEvent) => {
      if (typing(e.target) || store.getState().dialog) return;
      const text = e.clipboardData?.getData('text/plain').trim() ?? '';
      if (text.toLowerCase().startsWith('magnet:')) {
        e.preventDefault();
        actions.openDialog({ kind: 'magnet' });
        void actions.addMagnet(text);
      }
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('paste', onPaste);
    };
  }, [store, actions, pickers, host]);
}
