import type { ReactElement } from 'react';
import { useApp } from '../app-context.tsx';
import { useContext } from 'react';
import { AppContext } from '../app-context.tsx';
import { dismissToast } from '../store/app-store.ts';
import { Icon } from './icons.tsx';

export function Toasts(): ReactElement {
  const toasts = useApp((s) => s.toasts);
  const ctx = useContext(AppContext)!;
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`} role={t.tone === 'error' ? 'alert' : 'status'}>
          <Icon name={t.tone === 'error' ? 'alert' : 'check'} size={16} />
          <div>
            <div className="toast-title">{t.title}</div>
            {t.body && <div className="toast-body">{t.body}</div>}
          </div>
          <button className="toast-close" aria-label="Dismiss" onClick={() => dismissToast(ctx.store, t.id)}>
            <Icon name="x" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
