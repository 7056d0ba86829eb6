/** The selected transfer: piece map and speed, files, peers, trackers, events, info. */
import { useState, type ReactElement } from 'react';
import { useActions, useApp, useClient } from '../../app-context.tsx';
import { Button } from '../../components/button.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import { ErrorBoundary, PartFailedNotice, type PartFailure } from '../../components/error-boundary.tsx';
import { StateBadge } from '../../components/state-badge.tsx';
import type { TorrentDetail, TrackerDetail } from '../../../src-shared/types/torrent.ts';
import {
  formatBytes,
  formatEta,
  formatPercent,
  formatRate,
  formatRatio,
  formatRelative,
  plural,
} from '../../../src-shared/util/format.ts';
import { PieceMap } from '../piece-map/piece-map.tsx';
import { PeersTable } from '../peers/peers-table.tsx';
import { SpeedGraph } from '../speed/speed-graph.tsx';
import { TorrentEvents } from './torrent-events.tsx';
import { thisPageIsLocal } from '../transfers/path-picker.tsx';
import { FilesTab } from './files-tab.tsx';

type Tab = 'overview' | 'files' | 'peers' | 'trackers' | 'events' | 'info';

function Overview({ d }: { d: TorrentDetail }): ReactElement {
  useApp((s) => s.historyTick);
  const history = useApp((s) => s.history)
    .of(d.summary.id)
    ?.series() ?? { down: [], up: [] };
  const s = d.summary;
  return (
    <div className="overview">
      <div className="stat-grid">
        <Stat label="Downloaded" value={`${formatBytes(s.verifiedBytes)} of ${formatBytes(s.totalBytes)}`} />
        <Stat label="Uploaded" value={formatBytes(s.uploadedBytes)} />
        <Stat label="Ratio" value={formatRatio(s.ratio)} />
        <Stat label="ETA" value={formatEta(s.etaSec)} />
        <Stat label="Peers" value={`${plural(s.peers, 'peer')} (${plural(s.seeds, 'seed')})`} />
      </div>
      <h3 className="section-title">
        Pieces{' '}
        <span className="section-note num">
          {d.pieces.pieceCount} × {formatBytes(d.pieceLengthBytes)}
        </span>
      </h3>
      <PieceMap pieces={d.pieces} />
      <h3 className="section-title">Speed</h3>
      <SpeedGraph down={history.down} up={history.up} />
    </div>
  );
}

function Stat({ label, value }: { label: string; value: string }): ReactElement {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value num">{value}</div>
    </div>
  );
}

const TRACKER_STATUS: Record<TrackerDetail['status'], string> = {
  idle: 'Idle',
  announcing: 'Announcing…',
  working: 'Working',
  error: 'Not answering',
  disabled: 'Disabled',
};

function Trackers({ d }: { d: TorrentDetail }): ReactElement {
  const now = Date.now();
  if (d.trackers.length === 0)
    return <p className="muted pad">No trackers: peers come from other sources only.</p>;
  return (
    <table className="table" aria-label="Trackers">
      <thead>
        <tr>
          <th>Tracker</th>
          <th>Status</th>
          <th>Last announce</th>
          <th>Next announce</th>
          <th className="num">Seeds / leechers</th>
        </tr>
      </thead>
      <tbody>
        {d.trackers.map((t) => (
          <tr key={`${t.tier}-${t.url}`}>
            <td className="mono">{t.url}</td>
            <td>
              <span
                className={`dot dot-${t.status === 'working' ? 'ok' : t.status === 'error' ? 'error' : 'idle'}`}
              />{' '}
              {TRACKER_STATUS[t.status]}
              {t.lastError && <div className="field-error small">{t.lastError}</div>}
            </td>
            <td>{formatRelative(t.lastAnnounceAt, now)}</td>
            <td>{formatRelative(t.nextAnnounceAt, now)}</td>
            <td className="num">
              {t.seeders ?? '–'} / {t.leechers ?? '–'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Info({ d }: { d: TorrentDetail }): ReactElement {
  const actions = useActions();
  const listed = !d.summary.unlisted;
  return (
    <dl className="info-list">
      <dt>Listed</dt>
      <dd>
        <label className="check">
          <input
            type="checkbox"
            name="listed"
            checked={listed}
            onChange={(e) => void actions.setUnlisted(d.summary.id, !e.target.checked)}
          />
          <span>
            {listed
              ? 'Shown to others: Nearby on the local network, and trackers’ catalogs'
              : 'Unlisted: only people with the magnet link find it'}
          </span>
        </label>
      </dd>
      <dt>Info-hash</dt>
      <dd className="mono">
        {d.infoHashHex} <CopyButton text={d.infoHashHex} />
      </dd>
      <dt>Magnet link</dt>
      <dd className="mono magnet">
        <span className="ellipsis" title={d.magnet}>
          {d.magnet}
        </span>{' '}
        <CopyButton text={d.magnet} label="Copy magnet" />
      </dd>
      <dt>Saved in</dt>
      <dd className="mono">{d.summary.savePath}</dd>
      <dt>Size</dt>
      <dd>
        {formatBytes(d.summary.totalBytes)} in {d.files.length} file{d.files.length === 1 ? '' : 's'}
      </dd>
      <dt>Added</dt>
      <dd>{new Date(d.summary.addedAt).toLocaleString()}</dd>
      {d.summary.completedAt && (
        <>
          <dt>Completed</dt>
          <dd>{new Date(d.summary.completedAt).toLocaleString()}</dd>
        </>
      )}
      {d.comment && (
        <>
          <dt>Comment</dt>
          <dd>{d.comment}</dd>
        </>
      )}
      {d.createdBy && (
        <>
          <dt>Created by</dt>
          <dd>{d.createdBy}</dd>
        </>
      )}
      <dt>Private</dt>
      <dd>{d.private ? 'Yes (trackers only, no sharing of peers)' : 'No'}</dd>
    </dl>
  );
}

/**
 * The panel for one transfer. A detail the panel cannot draw (say, from a daemon of
 * another build) fails the panel alone: the list above it goes on working, and selecting
 * another transfer draws the panel anew.
 */
export function DetailPanel({ id }: { id: string }): ReactElement {
  const actions = useActions();
  // The name comes from the list, which drew: it says whose details could not be shown.
  const name = useApp((s) => s.torrents.byId.get(id)?.name);
  const failed = (failure: PartFailure) => (
    <aside className="detail" aria-label="Transfer details">
      <header className="detail-header">
        <div className="detail-title">
          <h2 title={name}>{name ?? '…'}</h2>
        </div>
        <div className="detail-actions">
          <CloseDetailsButton onClick={() => void actions.select(null)} />
        </div>
      </header>
      <PartFailedNotice {...failure} />
    </aside>
  );
  return (
    <ErrorBoundary part="detail panel" resetKey={id} renderFallback={failed}>
      <Detail id={id} />
    </ErrorBoundary>
  );
}

function CloseDetailsButton({ onClick }: { onClick: () => void }): ReactElement {
  return <Button size="sm" variant="ghost" icon="x" aria-label="Close details" onClick={onClick} />;
}

function Detail({ id }: { id: string }): ReactElement {
  const detail = useApp((s) => (s.detail?.summary.id === id ? s.detail : null));
  const summary = useApp((s) => s.torrents.byId.get(id));
  const verifying = useApp((st) => st.verifying[id] === true);
  const actions = useActions();
  const client = useClient();
  // The daemon opens files too, for a page on its own machine (a remote page is refused).
  const canOpenFiles = client.kind === 'electron' || thisPageIsLocal();
  const [tab, setTab] = useState<Tab>('overview');
  const tabs: [Tab, string][] = [
    ['overview', 'Overview'],
    ['files', `Files${detail ? ` (${detail.files.length})` : ''}`],
    ['peers', `Peers${detail ? ` (${detail.peers.length})` : ''}`],
    ['trackers', 'Trackers'],
    ['events', `Events${detail && detail.events.length > 0 ? ` (${detail.events.length})` : ''}`],
    ['info', 'Info'],
  ];
  const s = detail?.summary ?? summary;
  return (
    <aside className="detail" aria-label="Transfer details">
      <header className="detail-header">
        <div className="detail-title">
          <h2 title={s?.name}>{s?.name ?? '…'}</h2>
          {s && <StateBadge state={s.state} />}
          {s && (
            <span className="muted num">
              {formatPercent(s.progress)} · ↓ {formatRate(s.downRateBps)} · ↑ {formatRate(s.upRateBps)}
            </span>
          )}
        </div>
        <div className="detail-actions">
          {canOpenFiles && (
            <>
              <Button
                size="sm"
                variant="ghost"
                icon="external"
                onClick={() => void actions.openPath(id, false)}
              >
                Open
              </Button>
              <Button size="sm" variant="ghost" icon="folder" onClick={() => void actions.openPath(id, true)}>
                Show in folder
              </Button>
            </>
          )}
          <Button
            size="sm"
            variant="ghost"
            icon="refresh"
            disabled={verifying}
            onClick={() => void actions.recheck(id)}
            title="Verify every piece again"
          >
            {verifying ? 'Verifying…' : 'Verify'}
          </Button>
          <CloseDetailsButton onClick={() => void actions.select(null)} />
        </div>
      </header>
      <nav className="tabs" role="tablist">
        {tabs.map(([key, label]) => (
          <button
            key={key}
            role="tab"
            aria-selected={tab === key}
            className={`tab${tab === key ? ' active' : ''}`}
            onClick={() => setTab(key)}
          >
            {label}
          </button>
        ))}
      </nav>
      <div className="detail-body">
        {/* One tab that cannot draw leaves the header and the other tabs usable. */}
        <ErrorBoundary part={`detail panel's ${tab} tab`} resetKey={`${id} ${tab}`}>
          {!detail ? (
            <p className="muted pad">Loading…</p>
          ) : tab === 'overview' ? (
            <Overview d={detail} />
          ) : tab === 'files' ? (
            <FilesTab d={detail} />
          ) : tab === 'peers' ? (
            <PeersTable peers={detail.peers} />
          ) : tab === 'trackers' ? (
            <Trackers d={detail} />
          ) : tab === 'events' ? (
            <TorrentEvents events={detail.events} />
          ) : (
            <Info d={detail} />
          )}
        </ErrorBoundary>
      </div>
    </aside>
  );
}
