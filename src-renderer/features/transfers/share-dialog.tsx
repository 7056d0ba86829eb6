/**
 * Several files or folders become one share: this dialog asks for its name (pre-filled by
 * suggestShareName) and, under Options, how the torrent is made: piece size, private,
 * comment, extra trackers, web seeds (BEP 19). For one item (the picker's "Options…") there
 * is no name to ask: a share of one item is named after it, and the Options are open. The
 * service checks every field again and names what is wrong (src-main/service/share-options.ts).
 */
import { useState, type ReactElement } from 'react';
import { useActions } from '../../app-context.tsx';
import { Button } from '../../components/button.tsx';
import { Dialog } from '../../components/dialog.tsx';
import type { PendingShare } from '../../store/app-store.ts';
import type { ShareOptions } from '../../transport/file-upload.ts';
import { baseName, shareNameProblem, suggestShareName } from './share-name.ts';

const KiB = 1024;
/** Powers of two a user picks from; the service takes any from 16 KiB to 64 MiB. */
const PIECE_SIZES = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384].map((k) => k * KiB);
const MAX_SHOWN_ITEMS = 4;

const pieceLabel = (bytes: number) =>
  bytes >= 1024 * KiB ? `${bytes / (1024 * KiB)} MiB` : `${bytes / KiB} KiB`;

/** The top-level items of a pending share, as the user would name them. */
function itemsOf(pending: PendingShare): string[] {
  if (pending.kind === 'paths') return pending.paths;
  return [...new Set(pending.dropped.map((d) => d.relativePath[0]!))];
}

/** Lines of a text area, trimmed, blank ones dropped. */
const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** The first line that is not an absolute URL of one of `schemes`, or null. */
function badUrl(list: string[], schemes: string[]): string | null {
  for (const line of list) {
    try {
      const url = new URL(line);
      if (!schemes.includes(url.protocol) || url.hostname === '') return line;
    } catch {
      return line;
    }
  }
  return null;
}

export function ShareDialog({ pending }: { pending: PendingShare }): ReactElement {
  const actions = useActions();
  const items = itemsOf(pending);
  const several = items.length > 1;
  const [name, setName] = useState(() => suggestShareName(items));
  const [pieceBytes, setPieceBytes] = useState<number | null>(null);
  const [isPrivate, setPrivate] = useState(false);
  const [comment, setComment] = useState('');
  const [trackers, setTrackers] = useState('');
  const [webSeeds, setWebSeeds] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = () => {
    const problem = several ? shareNameProblem(name) : null;
    if (problem) return setError(problem);
    const trackerList = lines(trackers);
    const seedList = lines(webSeeds);
    const badTracker = badUrl(trackerList, ['udp:', 'http:', 'https:']);
    if (badTracker)
      return setError(`“${badTracker}” is not a tracker address (udp://host:port or http://…).`);
    const badSeed = badUrl(seedList, ['http:', 'https:']);
    if (badSeed) return setError(`“${badSeed}” is not a web seed address (http:// or https://).`);
    const options: ShareOptions = {
      ...(pieceBytes !== null ? { pieceLengthBytes: pieceBytes } : {}),
      ...(isPrivate ? { private: true } : {}),
      ...(comment.trim() ? { comment: comment.trim() } : {}),
      ...(trackerList.length > 0 ? { trackers: trackerList } : {}),
      ...(seedList.length > 0 ? { webSeeds: seedList } : {}),
    };
    const choices = {
      ...(several ? { name: name.trim() } : {}),
      ...(Object.keys(options).length > 0 ? { options } : {}),
    };
    actions.closeDialog();
    if (pending.kind === 'paths') void actions.sharePaths(pending.paths, choices);
    else void actions.share(pending.dropped, choices);
  };

  const shown = items.slice(0, MAX_SHOWN_ITEMS).map(baseName);
  const more = items.length - shown.length;
  return (
    <Dialog
      title={several ? `Share ${items.length} items as one` : `Share “${baseName(items[0] ?? '')}”`}
      onClose={actions.closeDialog}
      footer={
        <>
          <Button variant="ghost" onClick={actions.closeDialog}>
            Cancel
          </Button>
          <Button variant="primary" icon="upload" disabled={several && name.trim() === ''} onClick={submit}>
            Share
          </Button>
        </>
      }
    >
      <form
        className="share-form"
        data-testid="share-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <p className="muted small share-items" title={items.join('\n')}>
          {several ? shown.join(', ') : items[0]}
          {more > 0 ? ` and ${more} more` : ''}
        </p>
        {several && (
          <label className="field">
            <span className="field-label">Name</span>
            <input
              className={`input${error && shareNameProblem(name) ? ' invalid' : ''}`}
              name="shareName"
              value={name}
              maxLength={255}
              spellCheck={false}
              onChange={(e) => {
                setName(e.target.value);
                setError(null);
              }}
              // The form has several fields and no submit button of its own (the Dialog's
              // footer holds it), so Enter would not submit it by itself.
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  submit();
                }
              }}
            />
            <span className="field-hint">
              Others see this name in their Network list; their download is a folder of this name.
            </span>
          </label>
        )}
        <details className="share-options" open={!several}>
          <summary>Options</summary>
          <div className="share-options-grid">
            <label className="field">
              <span className="field-label">Piece size</span>
              <select
                className="input"
                name="pieceSize"
                value={pieceBytes ?? 'auto'}
                onChange={(e) => setPieceBytes(e.target.value === 'auto' ? null : Number(e.target.value))}
              >
                <option value="auto">Automatic</option>
                {PIECE_SIZES.map((b) => (
                  <option key={b} value={b}>
                    {pieceLabel(b)}
                  </option>
                ))}
              </select>
            </label>
            <label className="check share-private">
              <input
                type="checkbox"
                name="private"
                checked={isPrivate}
                onChange={(e) => setPrivate(e.target.checked)}
              />
              <span>Private (peers only through trackers)</span>
            </label>
          </div>
          <label className="field">
            <span className="field-label">Comment</span>
            <input
              className="input"
              name="comment"
              value={comment}
              maxLength={4096}
              placeholder="Optional"
              onChange={(e) => setComment(e.target.value)}
            />
          </label>
          <label className="field">
            <span className="field-label">More trackers</span>
            <textarea
              className="input mono"
              name="trackers"
              rows={2}
              spellCheck={false}
              value={trackers}
              placeholder="udp://host:6969 (one per line; added to your trackers)"
              onChange={(e) => {
                setTrackers(e.target.value);
                setError(null);
              }}
            />
          </label>
          <label className="field">
            <span className="field-label">Web seeds</span>
            <textarea
              className="input mono"
              name="webSeeds"
              rows={2}
              spellCheck={false}
              value={webSeeds}
              placeholder="https://host/path/ (optional: a web server with the same files)"
              onChange={(e) => {
                setWebSeeds(e.target.value);
                setError(null);
              }}
            />
          </label>
        </details>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </Dialog>
  );
}
