/**
 * The Files tab: the torrent's folder tree with a checkbox per file and folder (a folder's
 * selects its subtree; indeterminate when part of it is selected), select all / none, a
 * priority per file (skip / normal / high) and Play for audio and video the renderer can
 * decode, streamed by the host while it downloads; Open and Show in folder per file where the
 * host can reach this screen's desktop (the app, or a page on the daemon's own machine). Rows are virtualised (file-tree.ts
 * flattens only the expanded folders), so thousands of files cost what is on screen.
 */
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import { useActions, useClient } from '../../app-context.tsx';
import { Button } from '../../components/button.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { VirtualList } from '../../components/virtual-list.tsx';
import type { FileDetail, FilePriority, TorrentDetail } from '../../../src-shared/types/torrent.ts';
import { formatBytes, formatPercent } from '../../../src-shared/util/format.ts';
import { thisPageIsLocal } from '../transfers/path-picker.tsx';
import {
  buildFileTree,
  mediaKindOf,
  selectAll,
  toggleSelection,
  visibleRows,
  type Checked,
  type TreeNode,
} from './file-tree.ts';

const ROW_HEIGHT_PX = 36;

interface Player {
  url: string;
  kind: 'video' | 'audio';
  name: string;
}

/** Whether this renderer decodes the file's type (Chromium: WebM, MP4/H.264, MP3, WAV, Ogg, FLAC). */
function playable(path: string): 'video' | 'audio' | null {
  const media = mediaKindOf(path);
  if (!media || typeof document === 'undefined') return null;
  return document.createElement(media.kind).canPlayType(media.mime) !== '' ? media.kind : null;
}

export function FilesTab({ d }: { d: TorrentDetail }): ReactElement {
  const actions = useActions();
  // The daemon opens files only for a page on its own machine (it refuses the others).
  const canOpenFiles = useClient().kind === 'electron' || thisPageIsLocal();
  const id = d.summary.id;
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [player, setPlayer] = useState<Player | null>(null);
  // Changes sent but not yet in a pushed detail: shown at once, so a click shows its tick.
  const [pending, setPending] = useState<ReadonlyMap<number, FilePriority>>(new Map());
  useEffect(() => {
    setPending((p) => {
      if (p.size === 0) return p;
      const next = new Map(p);
      for (const f of d.files) if (next.get(f.index) === f.priority) next.delete(f.index);
      return next.size === p.size ? p : next;
    });
  }, [d.files]);
  const files = useMemo(
    () =>
      pending.size === 0
        ? d.files
        : d.files.map((f) => (pending.has(f.index) ? { ...f, priority: pending.get(f.index)! } : f)),
    [d.files, pending],
  );
  const tree = useMemo(() => buildFileTree(files), [files]);
  const rows = useMemo(() => visibleRows(tree, collapsed), [tree, collapsed]);
  const byIndex = useMemo(() => new Map(files.map((f) => [f.index, f])), [files]);
  if (files.length === 0)
    return <p className="muted pad">The file list arrives with the torrent’s metadata.</p>;

  const toggleFolder = (key: string) =>
    setCollapsed((c) => {
      const next = new Set(c);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const setPriorities = (changes: { index: number; priority: FilePriority }[]) => {
    if (changes.length === 0) return;
    setPending((p) => new Map([...p, ...changes.map((c) => [c.index, c.priority] as const)]));
    // A refused change (see the transfer's error) must not stay shown as done.
    void actions
      .setFilePriorities(id, changes)
      .then(() =>
        setTimeout(() => setPending((p) => (changes.some((c) => p.has(c.index)) ? new Map() : p)), 5000),
      );
  };
  const play = async (file: FileDetail, kind: 'video' | 'audio') => {
    const url = await actions.streamUrl(id, file.index);
    if (url) setPlayer({ url, kind, name: file.path.join('/') });
  };
  const selectedBytes = d.summary.selectedBytes ?? d.summary.totalBytes;

  return (
    <div className="files-tab">
      <div className="files-toolbar">
        <Button size="sm" variant="ghost" onClick={() => setPriorities(selectAll(files, true))}>
          Select all
        </Button>
        <Button size="sm" variant="ghost" onClick={() => setPriorities(selectAll(files, false))}>
          Select none
        </Button>
        <span className="muted small num" aria-live="polite">
          {tree.selectedCount} of {files.length} file{files.length === 1 ? '' : 's'} ·{' '}
          {formatBytes(selectedBytes)}
        </span>
      </div>
      <div className="files-head" aria-hidden="true">
        <span>File</span>
        <span className="num">Size</span>
        <span>Progress</span>
        <span>Priority</span>
        <span />
      </div>
      <VirtualList
        className="files-list"
        label="Files"
        count={rows.length}
        rowHeightPx={ROW_HEIGHT_PX}
        renderRow={(i) => {
          const { node, depth } = rows[i]!;
          return (
            <FileRow
              node={node}
              depth={depth}
              expanded={node.kind === 'folder' && !collapsed.has(node.key)}
              onToggleFolder={() => toggleFolder(node.key)}
              onCheck={() => setPriorities(toggleSelection(node, byIndex))}
              onPriority={(index, priority) => setPriorities([{ index, priority }])}
              onPlay={play}
              onOpen={canOpenFiles ? (index, reveal) => void actions.openPath(id, reveal, index) : null}
            />
          );
        }}
      />
      {player && (
        <Dialog title={player.name} onClose={() => setPlayer(null)}>
          {player.kind === 'video' ? (
            <video
              className="player"
              src={player.url}
              controls
              autoPlay
              aria-label={`Playing ${player.name}`}
            />
          ) : (
            <audio
              className="player"
              src={player.url}
              controls
              autoPlay
              aria-label={`Playing ${player.name}`}
            />
          )}
          <p className="muted small player-note">
            Plays while it downloads: the pieces you watch come first.
          </p>
        </Dialog>
      )}
    </div>
  );
}

function CheckBox({
  checked,
  label,
  onChange,
}: {
  checked: Checked;
  label: string;
  onChange: () => void;
}): ReactElement {
  return (
    <input
      type="checkbox"
      aria-label={label}
      checked={checked === 'all'}
      {...(checked === 'some' ? { 'aria-checked': 'mixed' as const } : {})}
      ref={(el) => {
        if (el) el.indeterminate = checked === 'some';
      }}
      onChange={onChange}
    />
  );
}

function FileRow({
  node,
  depth,
  expanded,
  onToggleFolder,
  onCheck,
  onPriority,
  onPlay,
  onOpen,
}: {
  node: TreeNode;
  depth: number;
  expanded: boolean;
  onToggleFolder: () => void;
  onCheck: () => void;
  onPriority: (index: number, priority: FilePriority) => void;
  onPlay: (file: FileDetail, kind: 'video' | 'audio') => Promise<void>;
  /** Open the file with the system's application, or show it in its folder (`reveal`); null where the host cannot. */
  onOpen: ((fileIndex: number, reveal: boolean) => void) | null;
}): ReactElement {
  const indent = { paddingLeft: 8 + depth * 18 };
  if (node.kind === 'folder') {
    const progress = node.lengthBytes > 0 ? node.verifiedBytes / node.lengthBytes : 1;
    return (
      <div className="file-row folder" role="listitem">
        <span className="file-name" style={indent}>
          <button
            className="caret"
            aria-label={`${expanded ? 'Collapse' : 'Expand'} ${node.name}`}
            aria-expanded={expanded}
            onClick={onToggleFolder}
          >
            {expanded ? '▾' : '▸'}
          </button>
          <CheckBox checked={node.checked} label={`Download folder ${node.key}`} onChange={onCheck} />
          <span className="ellipsis" title={node.key}>
            {node.name}/
          </span>
        </span>
        <span className="num small">{formatBytes(node.lengthBytes)}</span>
        <span className="inline-progress">
          <ProgressBar value={progress} label={`${node.key} progress`} />
          <span className="num small">{formatPercent(progress)}</span>
        </span>
        <span />
        <span />
      </div>
    );
  }
  const f = node.file;
  const path = f.path.join('/');
  const media = playable(path);
  return (
    <div className={`file-row${f.priority === 'skip' ? ' skipped' : ''}`} role="listitem">
      <span className="file-name" style={indent}>
        <span className="caret-space" />
        <CheckBox
          checked={f.priority === 'skip' ? 'none' : 'all'}
          label={`Download ${path}`}
          onChange={onCheck}
        />
        <span className="ellipsis mono" title={path}>
          {node.name}
          {f.hidden && <span className="muted small"> (hidden)</span>}
          {f.executable && <span className="muted small"> (executable)</span>}
        </span>
      </span>
      <span className="num small">{formatBytes(f.lengthBytes)}</span>
      <span className="inline-progress">
        <ProgressBar value={f.progress} label={`${path} progress`} />
        <span className="num small">{formatPercent(f.progress)}</span>
      </span>
      <select
        aria-label={`Priority of ${path}`}
        value={f.priority}
        onChange={(e) => onPriority(f.index, e.currentTarget.value as FilePriority)}
      >
        <option value="skip">Skip</option>
        <option value="normal">Normal</option>
        <option value="high">High</option>
      </select>
      <span className="file-actions">
        {media && (
          <Button
            size="sm"
            variant="ghost"
            icon="play"
            onClick={() => void onPlay(f, media)}
            aria-label={`Play ${path}`}
          >
            Play
          </Button>
        )}
        {onOpen && f.progress > 0 && (
          <>
            <Button
              size="sm"
              variant="ghost"
              icon="external"
              onClick={() => onOpen(f.index, false)}
              aria-label={`Open ${path} with its application`}
              title="Open with the system's application"
            />
            <Button
              size="sm"
              variant="ghost"
              icon="folder"
              onClick={() => onOpen(f.index, true)}
              aria-label={`Show ${path} in its folder`}
              title="Show in folder"
            />
          </>
        )}
      </span>
    </div>
  );
}
