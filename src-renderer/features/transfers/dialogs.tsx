import { useState, type ReactElement } from 'react';
import { useActions, useApp } from '../../app-context.tsx';
import { Button } from '../../components/button.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { shortcutLabel, type ShortcutHost } from './shortcut-keys.ts';
import { useShortcutHost } from './use-shortcuts.ts';

export function MagnetDialog(): ReactElement {
  const actions = useActions();
  const error = useApp((s) => s.addError);
  const [uri, setUri] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    await actions.addMagnet(uri);
    setBusy(false);
  };
  return (
    <Dialog
      title="Add a magnet link"
      onClose={actions.closeDialog}
      footer={
        <>
          <Button variant="ghost" onClick={actions.closeDialog}>
            Cancel
          </Button>
          <Button
            variant="primary"
            icon="down"
            disabled={busy || uri.trim() === ''}
            onClick={() => void submit()}
          >
            Download
          </Button>
        </>
      }
    >
      <label className="field">
        <span className="field-label">Magnet link</span>
        <textarea
          className={`input mono${error ? ' invalid' : ''}`}
          rows={3}
          placeholder="magnet:?xt=urn:btih:…"
          value={uri}
          aria-invalid={error !== null}
          onChange={(e) => setUri(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              void submit();
            }
          }}
        />
      </label>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}

export function RemoveDialog({ id }: { id: string }): ReactElement {
  const actions = useActions();
  const t = useApp((s) => s.torrents.byId.get(id));
  const [deleteFiles, setDeleteFiles] = useState(false);
  return (
    <Dialog
      title={`Remove “${t?.name ?? 'transfer'}”?`}
      onClose={actions.closeDialog}
      footer={
        <>
          <Button variant="ghost" onClick={actions.closeDialog}>
            Cancel
          </Button>
          <Button variant="danger" icon="trash" onClick={() => void actions.remove(id, deleteFiles)}>
            {deleteFiles ? 'Remove and delete files' : 'Remove'}
          </Button>
        </>
      }
    >
      <p className="muted">It stops downloading and sharing and leaves your list.</p>
      <label className="check">
        <input type="checkbox" checked={deleteFiles} onChange={(e) => setDeleteFiles(e.target.checked)} />
        <span>
          Also delete its downloaded files
          {t ? ` (“${t.name}” in ${t.savePath}; nothing else in that folder)` : ''}
        </span>
      </label>
    </Dialog>
  );
}

function shortcutRows(host: ShortcutHost): [string, string][] {
  const k = (a: Parameters<typeof shortcutLabel>[1]) => shortcutLabel(host, a);
  return [
    [k('openTorrent'), 'Open a .torrent file'],
    [k('addFiles'), 'Add files to share'],
    [k('magnet'), 'Add a magnet link (or paste one anywhere)'],
    ['↑ / ↓', 'Select the previous / next transfer'],
    ['Space', 'Pause or resume the selected transfer'],
    ['Delete', 'Remove the selected transfer'],
    ['Esc', 'Close the details or a dialog'],
    [`${k('viewTransfers')} / ${k('viewNetwork')} / ${k('viewSettings')}`, 'Transfers / Network / Settings'],
    ['?', 'This list'],
  ];
}

export function ShortcutsDialog(): ReactElement {
  const actions = useActions();
  const host = useShortcutHost();
  return (
    <Dialog
      title="Keyboard shortcuts"
      onClose={actions.closeDialog}
      footer={
        <Button variant="primary" onClick={actions.closeDialog}>
          Close
        </Button>
      }
    >
      {host === 'browser' && (
        <p className="muted small">In a browser, single keys work while the cursor is not in a text field.</p>
      )}
      <table className="table shortcuts">
        <tbody>
          {shortcutRows(host).map(([k, v]) => (
            <tr key={k}>
              <td>
                <kbd>{k}</kbd>
              </td>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
