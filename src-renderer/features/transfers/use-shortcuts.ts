/** Global keyboard shortcuts (listed in the ? dialog) and paste-a-magnet-anywhere. */
import { useEffect } from 'react';
import type { AppStore } from '../../store/app-store.ts';
import type { Actions } from '../../store/actions.ts';

export interface ShortcutTarget {
  addFiles: () => void;
  openTorrent: () => void;
}

const typing = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

export function useShortcuts(store: AppStore, actions: Actions, pickers: ShortcutTarget): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = store.getState();
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'o') {
        e.preventDefault();
        if (e.shiftKey) pickers.addFiles();
        else pickers.openTorrent();
        return;
      }
      if (mod && e.key.toLowerCase() === 'm') {
        e.preventDefault();
        actions.openDialog({ kind: 'magnet' });
        return;
      }
      if (mod && ['1', '2', '3'].includes(e.key)) {
        e.preventDefault();
        actions.setView((['transfers', 'network', 'settings'] as const)[Number(e.key) - 1]!);
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
  }, [store, actions, pickers]);
}
