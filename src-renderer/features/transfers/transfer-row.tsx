import { memo, type ReactElement } from 'react';
import { useActions, useApp } from '../../app-context.tsx';
import { Button } from '../../components/button.tsx';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { StateBadge } from '../../components/state-badge.tsx';
import { Icon } from '../../components/icons.tsx';
import { MetadataWait } from './metadata-wait.tsx';
import {
  formatBytes,
  formatEta,
  formatPercent,
  formatRate,
  formatRatio,
  plural,
} from '../../../src-shared/util/format.ts';

/** One transfer. Subscribes to its own summary only, so other rows' updates skip it. */
export const TransferRow = memo(function TransferRow({ id }: { id: string }): ReactElement | null {
  const t = useApp((s) => s.torrents.byId.get(id));
  const selected = useApp((s) => s.selectedId === id);
  const error = useApp((s) => s.torrentErrors[id]);
  const actions = useActions();
  if (!t) return null;
  const paused = t.state === 'paused';
  const shownError = error ?? (t.state === 'error' ? t.error?.message : undefined);
  return (
    <div
      className={`transfer-row${selected ? ' selected' : ''}`}
      role="listitem"
      aria-selected={selected}
      data-torrent-id={t.id}
      data-state={t.state}
      onClick={() => void actions.select(t.id)}
    >
      <div className="tr-main">
        <div className="tr-name" title={t.name}>
          <Icon name={t.state === 'seeding' ? 'upload' : 'down'} size={14} className="tr-kind" />
          <span className="tr-name-text">{t.name}</span>
        </div>
        <div className="tr-progress">
          <ProgressBar value={t.progress} state={t.state} label={`${t.name} progress`} />
          <span className="tr-pct num">{formatPercent(t.progress)}</span>
        </div>
        <div className="tr-sub">
          <StateBadge state={t.state} />
          {t.state === 'files-changed' && (
            <Button
              variant="ghost"
              size="sm"
              icon="refresh"
              title="Some pieces no longer match the files on disk: verify every piece again"
              onClick={() => void actions.recheck(t.id)}
            >
              Recheck
            </Button>
          )}
          {shownError ? (
            <span className="tr-error" role="alert">
              <Icon name="alert" size={13} /> {shownError}
            </span>
          ) : t.state === 'fetching-metadata' ? (
            <MetadataWait t={t} />
          ) : (
            <>
              <span className="num">
                {t.totalBytes > 0
                  ? `${formatBytes(t.verifiedBytes)} of ${formatBytes(t.totalBytes)}`
                  : 'Size unknown yet'}
              </span>
              {t.state === 'downloading' && <span className="num">ETA {formatEta(t.etaSec)}</span>}
            </>
          )}
        </div>
      </div>
      <div className="tr-stats num">
        <span title="Download rate" className="rate-down">
          <Icon name="down" size={12} /> {formatRate(t.downRateBps)}
        </span>
        <span title="Upload rate" className="rate-up">
          <Icon name="up" size={12} /> {formatRate(t.upRateBps)}
        </span>
        <span title="Connected peers (seeds)">
          <Icon name="users" size={12} /> {plural(t.peers, 'peer')}
          {t.seeds > 0 ? ` (${t.seeds})` : ''}
        </span>
        <span title="Share ratio">ratio {formatRatio(t.ratio)}</span>
      </div>
      <div className="tr-actions" onClick={(e) => e.stopPropagation()}>
        <Button
          variant="ghost"
          size="sm"
          icon={paused ? 'play' : 'pause'}
          aria-label={paused ? `Resume ${t.name}` : `Pause ${t.name}`}
          title={paused ? 'Resume (Space)' : 'Pause (Space)'}
          onClick={() => void actions.togglePause(t.id)}
        />
        <Button
          variant="ghost"
          size="sm"
          icon="trash"
          aria-label={`Remove ${t.name}`}
          title="Remove (Delete)"
          onClick={() => actions.openDialog({ kind: 'remove', id: t.id })}
        />
      </div>
    </div>
  );
});
