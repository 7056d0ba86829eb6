import { useState, type ReactElement } from 'react';
import { useActions, useApp } from '../../app-context.tsx';
import { Button } from '../../components/button.tsx';
import { Dialog } from '../../components/dialog.tsx';

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
          <Button variant="primary" icon="down" disabled={busy || uri.trim() === ''} onClick={() => void submit()}>
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
        <span>Also delete files{t ? ` in ${t.savePath}` : ''}</span>
      </label>
    </Dialog>
  );
}

const SHORTCUTS: [string, string][] = [
  ['Ctrl+O', 'Open a .torrent file'],
  ['Ctrl+Shift+O', 'Add files to share'],
  ['Ctrl+M', 'Add a magnet link (or paste one anywhere)'],
  ['↑ / ↓', 'Select the previous / next transfer'],
  ['Space', 'Pause or resume the selected transfer'],
  ['Delete', 'Remove the selected transfer'],
  ['Esc', 'Close the details or a dialog'],
  ['Ctrl+1 / 2 / 3', 'Transfers / Network / Settings'],
  ['?', 'This list'],
];

export function ShortcutsDialog(): ReactElement {
  const actions = useActions();
  return (
    <Dialog title="Keyboard shortcuts" onClose={actions.closeDialog}>
      <table className="table shortcuts">
        <tbody>
          {SHORTCUTS.map(([k, v]) => (
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
