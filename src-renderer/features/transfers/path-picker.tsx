/**
 * "Share from this computer" for the web UI on the daemon's own machine: browse the
 * host's folders (the `listFolder` command) and share a file or folder where it is,
 * nothing copied. A browser cannot give file paths, so without this the web UI could only
 * upload copies; a page opened from another machine keeps uploading (usePickers).
 */
import { useEffect, useState, type ReactElement } from 'react';
import { useActions, useClient } from '../../app-context.tsx';
import { Button } from '../../components/button.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { Icon } from '../../components/icons.tsx';
import { words } from '../../store/actions.ts';
import type { FolderListing } from '../../../src-shared/contract/commands.ts';
import { formatBytes } from '../../../src-shared/util/format.ts';

/** `dir` + `name` with the separator the host's paths use. */
export function joinHostPath(dir: string, name: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

/** Whether a page at `hostname` runs on the daemon's own machine (its paths are ours). */
export function pageIsLocal(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '::1' || hostname === '[::1]' || /^127\./.test(hostname);
}

/** This page is on the daemon's machine (false where there is no window, e.g. component tests). */
export function thisPageIsLocal(): boolean {
  return typeof location !== 'undefined' && pageIsLocal(location.hostname);
}

/**
 * The selection after a click on `name`: Ctrl/Cmd toggles it in the selection, Shift
 * extends from the last selected entry, a plain click picks it alone.
 */
export function nextSelection(
  selected: readonly string[],
  names: readonly string[],
  name: string,
  keys: { toggle: boolean; range: boolean },
): string[] {
  if (keys.toggle) return selected.includes(name) ? selected.filter((n) => n !== name) : [...selected, name];
  const anchor = selected.at(-1);
  if (keys.range && anchor !== undefined) {
    const [from, to] = [names.indexOf(anchor), names.indexOf(name)].sort((a, b) => a - b);
    if (from! >= 0) return [...new Set([...selected, ...names.slice(from, to! + 1)])];
  }
  return [name];
}

export function PathPickerDialog(): ReactElement {
  const client = useClient();
  const actions = useActions();
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const open = async (folder?: string) => {
    try {
      const next = await client.invoke('listFolder', folder === undefined ? {} : { path: folder });
      setListing(next);
      setSelected([]);
      setError(null);
    } catch (err) {
      setError(words(err));
    }
  };
  useEffect(() => {
    void open();
    // First show only: later folders are the user's clicks.
  }, []);
  // Several paths go on to the share dialog (name, Options), which replaces this one.
  const share = (...fullPaths: string[]) => {
    if (fullPaths.length === 1) actions.closeDialog();
    void actions.sharePaths(fullPaths);
  };
  const names = listing?.entries.map((e) => e.name) ?? [];
  const folderName = listing ? (listing.path.split(/[\\/]/).filter(Boolean).pop() ?? listing.path) : '';
  return (
    <Dialog
      title="Share from this computer"
      onClose={actions.closeDialog}
      footer={
        <>
          <Button variant="ghost" onClick={actions.closeDialog}>
            Cancel
          </Button>
          {listing && (
            <Button onClick={() => share(listing.path)} title={listing.path}>
              {`Share this folder`}
            </Button>
          )}
          <Button
            disabled={!listing || selected.length === 0}
            title="Piece size, private, comment, trackers, web seeds"
            onClick={() =>
              listing &&
              actions.openDialog({
                kind: 'share',
                pending: { kind: 'paths', paths: selected.map((n) => joinHostPath(listing.path, n)) },
              })
            }
          >
            Options…
          </Button>
          <Button
            variant="primary"
            icon="upload"
            disabled={!listing || selected.length === 0}
            onClick={() => listing && share(...selected.map((n) => joinHostPath(listing.path, n)))}
          >
            {selected.length === 1
              ? `Share “${selected[0]}”`
              : selected.length > 1
                ? `Share ${selected.length} items…`
                : 'Share'}
          </Button>
        </>
      }
    >
      <div className="picker-path">
        <Button
          size="sm"
          variant="ghost"
          disabled={!listing?.parent}
          onClick={() => listing?.parent && void open(listing.parent)}
          aria-label="Up one folder"
        >
          ↑ Up
        </Button>
        <span className="mono small ellipsis" title={listing?.path} data-testid="picker-path">
          {listing?.path ?? '…'}
        </span>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <ul
        className="picker-list"
        role="listbox"
        aria-multiselectable="true"
        aria-label={`Contents of ${folderName}`}
      >
        {listing?.entries.map((e) => (
          <li
            key={e.name}
            role="option"
            aria-label={e.name}
            aria-selected={selected.includes(e.name)}
            className={`picker-row${selected.includes(e.name) ? ' selected' : ''}`}
            onClick={(ev) =>
              setSelected(
                nextSelection(selected, names, e.name, {
                  toggle: ev.ctrlKey || ev.metaKey,
                  range: ev.shiftKey,
                }),
              )
            }
            onDoubleClick={() =>
              e.kind === 'folder'
                ? void open(joinHostPath(listing.path, e.name))
                : share(joinHostPath(listing.path, e.name))
            }
          >
            <Icon name={e.kind === 'folder' ? 'folder' : 'file'} size={15} />
            <span className="ellipsis grow">{e.name}</span>
            {e.kind === 'file' ? (
              <span className="muted small num">{formatBytes(e.sizeBytes)}</span>
            ) : (
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Open ${e.name}`}
                onClick={(ev) => {
                  ev.stopPropagation();
                  void open(joinHostPath(listing.path, e.name));
                }}
              >
                ›
              </Button>
            )}
          </li>
        ))}
        {listing && listing.entries.length === 0 && (
          <li className="muted small pad">This folder is empty.</li>
        )}
      </ul>
      <p className="muted small picker-note">
        Shared where it is: nothing is copied. Ctrl-click or Shift-click picks several, shared as one.
      </p>
      {listing?.truncated && (
        <p className="muted small">Only the first {listing.entries.length} entries are listed.</p>
      )}
    </Dialog>
  );
}
