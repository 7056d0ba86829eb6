import type { ReactElement } from 'react';
import { useActions, useApp } from '../app-context.tsx';
import type { View } from '../store/app-store.ts';
import { Icon, Logo, type IconName } from './icons.tsx';
import { shortcutLabel, type ShortcutAction } from '../features/transfers/shortcut-keys.ts';
import { useShortcutHost } from '../features/transfers/use-shortcuts.ts';

const ITEMS: [View, string, IconName, ShortcutAction][] = [
  ['transfers', 'Transfers', 'list', 'viewTransfers'],
  ['network', 'Network', 'globe', 'viewNetwork'],
  ['settings', 'Settings', 'settings', 'viewSettings'],
];

export function Sidebar(): ReactElement {
  const view = useApp((s) => s.view);
  const count = useApp((s) => s.torrents.order.length);
  const actions = useActions();
  const host = useShortcutHost();
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <Logo size={30} />
        <span>Swarmdrop</span>
      </div>
      {ITEMS.map(([key, label, icon, shortcut]) => (
        <button
          key={key}
          className={`nav-item${view === key ? ' active' : ''}`}
          aria-current={view === key ? 'page' : undefined}
          onClick={() => actions.setView(key)}
          title={`${label} (${shortcutLabel(host, shortcut)})`}
        >
          <Icon name={icon} size={18} />
          <span>{label}</span>
          {key === 'transfers' && count > 0 && <span className="nav-count">{count}</span>}
        </button>
      ))}
      <div className="sidebar-foot">
        <button className="nav-item subtle" onClick={() => actions.openDialog({ kind: 'shortcuts' })}>
          <Icon name="keyboard" size={18} />
          <span>Shortcuts</span>
        </button>
      </div>
    </nav>
  );
}
