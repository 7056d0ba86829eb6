import type { ReactElement } from 'react';
import { useApp } from '../../app-context.tsx';
import { Button } from '../../components/button.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import { Icon } from '../../components/icons.tsx';
import { usePickers } from '../transfers/file-pickers.tsx';
import { thisPageIsLocal } from '../transfers/path-picker.tsx';

/** The tracker address other people should use, with a copy button. */
export function TrackerAddress(): ReactElement {
  const info = useApp((s) => s.appInfo);
  const t = info?.embeddedTracker;
  if (!t) return <div className="tracker-card muted">Starting…</div>;
  if (!t.running) {
    const inUse = info.trackers;
    return (
      <div className="tracker-card" data-testid="tracker-address">
        <div className="tracker-card-title">
          <Icon name="server" size={16} /> Built-in tracker is off
        </div>
        <p className={t.error ? 'field-error' : 'muted'} role={t.error ? 'alert' : undefined}>
          {t.error ?? 'Turn it on in Settings to let people on your network find what you share.'}
        </p>
        {inUse.length > 0 ? (
          <p className="muted small">
            What you share is announced to {inUse.length === 1 ? 'this tracker' : 'these trackers'}:{' '}
            <span className="mono">{inUse.join(', ')}</span>
          </p>
        ) : (
          <p className="muted small">
            No tracker is set: add one in Settings so others can find what you share.
          </p>
        )}
      </div>
    );
  }
  const [first, ...rest] = t.shareAddresses;
  return (
    <div className="tracker-card" data-testid="tracker-address">
      <div className="tracker-card-title">
        <span className="dot dot-ok" /> Built-in tracker running
      </div>
      <p className="muted">Give other people this address so they can find and download what you share:</p>
      {first && (
        <div className="address-row">
          <code className="address">{first}</code>
          <CopyButton text={first} />
        </div>
      )}
      {rest.length > 0 && <p className="muted small">Also reachable at {rest.join(', ')}</p>}
    </div>
  );
}

export function DropZone(): ReactElement {
  const pickers = usePickers();
  const dropError = useApp((s) => s.dropError);
  // A browser cannot hand over file paths, so the web UI uploads what is dropped.
  const inBrowser = useApp((s) => s.appInfo?.host === 'daemon');
  const shareDir = useApp((s) => s.appInfo?.shareDir ?? 'the data folder');
  const local = thisPageIsLocal();
  return (
    <div className="first-run">
      <div className="drop-zone" data-testid="drop-zone">
        <div className="drop-icon">
          <Icon name="upload" size={40} />
        </div>
        <h2>Drop files or folders to share</h2>
        <p className="muted">
          {!inBrowser
            ? 'They are hashed, announced to the tracker and seeded straight from where they are: nothing is copied.'
            : local
              ? `Files you choose are shared where they are. Files dropped here are uploaded: a copy goes to ${shareDir}.`
              : 'In a browser on another computer, files you drop or choose are uploaded to the Swarmdrop daemon (a copy in its data folder), then seeded.'}
        </p>
        <div className="drop-actions">
          <Button variant="primary" icon="plus" onClick={pickers.addFiles}>
            Choose files
          </Button>
          <Button icon="folder" onClick={pickers.addFolder}>
            Choose a folder
          </Button>
        </div>
        {dropError && (
          <p className="field-error" role="alert">
            {dropError}
          </p>
        )}
      </div>
      <TrackerAddress />
    </div>
  );
}
