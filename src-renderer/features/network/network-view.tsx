/** Nearby (the LAN catalog) and the catalog of the configured trackers: search by name, Download. */
import { useEffect, useState, type ReactElement } from 'react';
import { useActions, useApp, useClient } from '../../app-context.tsx';
import { Button } from '../../components/button.tsx';
import { Icon } from '../../components/icons.tsx';
import type { CatalogEntry } from '../../../src-shared/types/catalog.ts';
import { formatBytes } from '../../../src-shared/util/format.ts';
import { NearbySection } from './nearby-section.tsx';
import { ReachabilityLine } from './reachability-line.tsx';

function EntryRow({ e }: { e: CatalogEntry }): ReactElement {
  const actions = useActions();
  const client = useClient();
  const added = useApp((s) => s.catalog.added[e.infoHashHex] === true);
  const have = useApp((s) => s.torrents.byId.has(e.infoHashHex));
  const error = useApp((s) => s.catalog.rowErrors[e.infoHashHex]);
  const chooseFolder = async () => {
    const [dir] = await actions.pickPaths('download-dir');
    if (dir) await actions.downloadEntry(e, dir);
  };
  return (
    <tr data-info-hash={e.infoHashHex}>
      <td>
        <div className="cat-name">{e.name}</div>
        <div className="mono muted small cat-hash" title={e.infoHashHex}>
          {e.infoHashHex}
        </div>
        {error && (
          <div className="field-error small" role="alert">
            {error}
          </div>
        )}
      </td>
      <td className="num">{formatBytes(e.totalBytes)}</td>
      <td className="num">
        <span className="seeders">{e.seeders}</span> / {e.leechers}
      </td>
      <td className="mono small muted col-tracker">{e.tracker}</td>
      <td className="actions-cell">
        {have || added ? (
          <Button size="sm" variant="ghost" icon="check" onClick={() => actions.setView('transfers')}>
            In Transfers
          </Button>
        ) : (
          <>
            <Button
              size="sm"
              variant="primary"
              icon="down"
              onClick={() => void actions.downloadEntry(e)}
              aria-label={`Download ${e.name}`}
            >
              Download
            </Button>
            {client.kind === 'electron' && (
              <Button
                size="sm"
                variant="ghost"
                onClick={() => void chooseFolder()}
                title="Download into a folder you choose"
              >
                To…
              </Button>
            )}
          </>
        )}
      </td>
    </tr>
  );
}

export function NetworkView(): ReactElement {
  const actions = useActions();
  const catalog = useApp((s) => s.catalog);
  const trackers = useApp((s) => s.appInfo?.trackers.length ?? 0);
  const [query, setQuery] = useState(catalog.query);
  useEffect(() => {
    if (catalog.result === null && !catalog.loading) void actions.searchCatalog('');
    void actions.refreshNearby();
    // Only on first show: later searches are the user's.
  }, []);
  const entries = catalog.result?.entries ?? [];
  return (
    <section className="view network-view" aria-label="Network">
      <div className="toolbar">
        <h1 className="view-title">Network</h1>
        <form
          className="toolbar-actions grow"
          onSubmit={(e) => {
            e.preventDefault();
            void actions.searchCatalog(query);
          }}
        >
          <label className="search-box grow">
            <Icon name="search" size={14} />
            <input
              className="input"
              placeholder="Search files shared nearby and on your trackers"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              aria-label="Search the catalog"
            />
          </label>
          <Button type="submit" variant="primary" icon="search" disabled={catalog.loading}>
            {catalog.loading ? 'Searching…' : 'Search'}
          </Button>
        </form>
      </div>
      <ReachabilityLine />
      <NearbySection query={catalog.query} />
      <h2 className="section-title trackers-title">
        <Icon name="globe" size={14} /> On your trackers
      </h2>
      {catalog.error && (
        <div className="banner banner-error" role="alert">
          <Icon name="alert" size={16} /> {catalog.error}
        </div>
      )}
      {catalog.result?.failures.map((f) => (
        <div key={f.tracker} className="banner banner-warn" role="alert">
          <Icon name="alert" size={16} /> <span className="mono">{f.tracker}</span>: {f.message}
        </div>
      ))}
      {trackers === 0 ? (
        <div className="empty">
          <Icon name="globe" size={36} />
          <h2>No tracker to search</h2>
          <p className="muted">
            Add a tracker address in Settings (someone else’s Swarmdrop shows theirs on its first screen), or
            turn on the built-in tracker.
          </p>
          <Button onClick={() => actions.setView('settings')}>Open Settings</Button>
        </div>
      ) : entries.length === 0 ? (
        <div className="empty">
          <Icon name="globe" size={36} />
          <h2>
            {catalog.loading
              ? 'Searching…'
              : catalog.query
                ? `Nothing matches “${catalog.query}”`
                : 'Nothing shared yet'}
          </h2>
          <p className="muted">Files people share on your trackers show up here.</p>
        </div>
      ) : (
        <div className="table-wrap">
          <table className="table catalog" aria-label="Catalog">
            <thead>
              <tr>
                <th>Name</th>
                <th className="num">Size</th>
                <th className="num">Seeds / leechers</th>
                <th className="col-tracker">Tracker</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <EntryRow key={e.infoHashHex} e={e} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
