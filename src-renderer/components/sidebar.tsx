import type { ReactElement } from 'react';
import { useActions, useApp } from '../app-context.tsx';
import type { View } from '../store/app-store.ts';
import { Icon, Logo, type IconName } from './icons.tsx';

const ITEMS: [View, string, IconName][] = [
  ['transfers', 'Transfers', 'list'],
  ['network', 'Network', 'globe'],
  ['settings', 'Settings', 'settings'],
];

export function Sidebar(): ReactElement {
  const view = useApp((s) => s.view);
  const count = useApp((s) => s.torrents.order.length);
  const actions = useActions();
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <Logo size={30} />
        <span>Swarmdrop</span>
      </div>
      {ITEMS.map(([key, label, icon], i) => (
        <button
          key={key}
          className={`nav-item${view === key ? ' active' : ''}`}
          aria-current={view === key ? 'page' : undefined}
          onClick={() => actions.setView(key)}
          title={`${label} (Ctrl+${i + 1})`}
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
