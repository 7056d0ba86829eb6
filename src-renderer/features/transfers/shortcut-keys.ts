/**
 * Which keys do what. In the desktop app the usual modifier shortcuts are ours; in a
 * browser, Ctrl+O, Ctrl+1/2/3 and friends belong to the browser (open file, switch tab),
 * so the web UI uses single keys that browsers leave to pages, taken only while the
 * focus is not in a text field. One table, so the ? dialog and the button hints always
 * say what the handler does.
 */
export type ShortcutAction =
  'openTorrent' | 'addFiles' | 'magnet' | 'viewTransfers' | 'viewNetwork' | 'viewSettings';

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

interface Binding {
  /** As shown to the user. */
  label: string;
  /** Needs Ctrl (or Cmd); otherwise no modifier may be held. */
  mod: boolean;
  shift: boolean;
  key: string;
}

const DESKTOP: Record<ShortcutAction, Binding> = {
  openTorrent: { label: 'Ctrl+O', mod: true, shift: false, key: 'o' },
  addFiles: { label: 'Ctrl+Shift+O', mod: true, shift: true, key: 'o' },
  magnet: { label: 'Ctrl+M', mod: true, shift: false, key: 'm' },
  viewTransfers: { label: 'Ctrl+1', mod: true, shift: false, key: '1' },
  viewNetwork: { label: 'Ctrl+2', mod: true, shift: false, key: '2' },
  viewSettings: { label: 'Ctrl+3', mod: true, shift: false, key: '3' },
};

const BROWSER: Record<ShortcutAction, Binding> = {
  openTorrent: { label: 'O', mod: false, shift: false, key: 'o' },
  addFiles: { label: 'A', mod: false, shift: false, key: 'a' },
  magnet: { label: 'M', mod: false, shift: false, key: 'm' },
  viewTransfers: { label: '1', mod: false, shift: false, key: '1' },
  viewNetwork: { label: '2', mod: false, shift: false, key: '2' },
  viewSettings: { label: '3', mod: false, shift: false, key: '3' },
};

export type ShortcutHost = 'desktop' | 'browser';

export function shortcutLabel(host: ShortcutHost, action: ShortcutAction): string {
  return (host === 'desktop' ? DESKTOP : BROWSER)[action].label;
}

/** The action a key press triggers, if any. `typing`: the focus is in a text field. */
export function shortcutFor(host: ShortcutHost, e: KeyPress, typing: boolean): ShortcutAction | null {
  const table = host === 'desktop' ? DESKTOP : BROWSER;
  const mod = e.ctrlKey || e.metaKey;
  for (const [action, b] of Object.entries(table) as [ShortcutAction, Binding][]) {
    if (e.key.toLowerCase() !== b.key || e.altKey) continue;
    if (b.mod) {
      if (mod && e.shiftKey === b.shift) return action;
    } else if (!mod && !e.shiftKey && !typing) return action;
  }
  return null;
}
