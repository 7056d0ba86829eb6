import type { ReactElement } from 'react';
import { useActions, useApp } from '../../app-context.tsx';
import { Button } from '../../components/button.tsx';
import { Icon } from '../../components/icons.tsx';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { VirtualList } from '../../components/virtual-list.tsx';
import { filterOrder } from '../../store/torrents-model.ts';
import { formatBytes } from '../../../src-shared/util/format.ts';
import { DetailPanel } from '../detail/detail-panel.tsx';
import { DropZone } from '../first-run/drop-zone.tsx';
import { usePickers } from './file-pickers.tsx';
import { TransferRow } from './transfer-row.tsx';
import { shortcutLabel } from './shortcut-keys.ts';
import { useShortcutHost } from './use-shortcuts.ts';

const ROW_PX = 76;

function Toolbar(): ReactElement {
  const actions = useActions();
  const pickers = usePickers();
  const filter = useApp((s) => s.filter);
  const host = useShortcutHost();
  return (
    <div className="toolbar">
      <h1 className="view-title">Transfers</h1>
      <div className="toolbar-actions">
        <Button
          variant="primary"
          icon="plus"
          onClick={pickers.addFiles}
          title={`Share files (${shortcutLabel(host, 'addFiles')})`}
        >
          Add files
        </Button>
        <Button icon="folder" onClick={pickers.addFolder} title="Share a folder">
          Add folder
        </Button>
        <Button
          icon="file"
          onClick={pickers.openTorrent}
          title={`Open a .torrent file (${shortcutLabel(host, 'openTorrent')})`}
        >
          Open .torrent
        </Button>
        <Button
          icon="magnet"
          onClick={() => actions.openDialog({ kind: 'magnet' })}
          title={`Add a magnet link (${shortcutLabel(host, 'magnet')})`}
        >
          Magnet link
        </Button>
        <label className="search-box">
          <Icon name="search" size={14} />
          <input
            className="input"
            placeholder="Filter"
            value={filter}
            onChange={(e) => actions.setFilter(e.target.value)}
            aria-label="Filter transfers"
          />
        </label>
      </div>
    </div>
  );
}

function SharesInProgress(): ReactElement | null {
  const shares = useApp((s) => s.shares);
  const list = Object.values(shares);
  if (list.length === 0) return null;
  return (
    <div className="shares-strip" aria-live="polite">
      {list.map((p) => {
        const uploading = p.uploadedBytes !== undefined && p.uploadedBytes < p.totalBytes;
        const done = uploading ? p.uploadedBytes! : p.hashedBytes;
        return (
          <div key={p.key} className="share-item">
            <Icon name="upload" size={14} />
            <span className="share-name">{p.name}</span>
            <span className="muted num">
              {uploading ? 'Uploading' : 'Hashing'} {formatBytes(done)} of {formatBytes(p.totalBytes)}
            </span>
            <ProgressBar
              value={p.totalBytes > 0 ? done / p.totalBytes : 0}
              label={`${p.name} share progress`}
            />
          </div>
        );
      })}
    </div>
  );
}

export function TransfersView(): ReactElement {
  const torrents = useApp((s) => s.torrents);
  const filter = useApp((s) => s.filter);
  const selectedId = useApp((s) => s.selectedId);
  const dropError = useApp((s) => s.dropError);
  const order = filterOrder(torrents, filter);
  const empty = torrents.order.length === 0;
  return (
    <section className="view transfers-view" aria-label="Transfers">
      <Toolbar />
      <SharesInProgress />
      {dropError && !empty && (
        <div className="banner banner-error" role="alert">
          <Icon name="alert" size={16} /> {dropError}
        </div>
      )}
      {empty ? (
        <DropZone />
      ) : (
        <div className={`transfers-split${selectedId ? ' with-detail' : ''}`}>
          <VirtualList
            className="transfer-list"
            label="Transfers list"
            count={order.length}
            rowHeightPx={ROW_PX}
            scrollToIndex={selectedId ? order.indexOf(selectedId) : undefined}
            renderRow={(i) => <TransferRow id={order[i]!} />}
          />
          {order.length === 0 && <p className="muted center pad">No transfer matches “{filter}”.</p>}
          {selectedId && <DetailPanel id={selectedId} />}
        </div>
      )}
    </section>
  );
}
