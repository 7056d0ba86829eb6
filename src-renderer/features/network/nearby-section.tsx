/** Nearby: what other Swarmdrops on the local network share (the LAN catalog), live. */
import type { ReactElement } from 'react';
import { useActions, useApp } from '../../app-context.tsx';
import { Button } from '../../components/button.tsx';
import { Icon } from '../../components/icons.tsx';
import { nearbyEntries, type NearbyEntry } from '../../store/nearby-model.ts';
import { formatBytes } from '../../../src-shared/util/format.ts';

function NearbyRow({ e }: { e: NearbyEntry }): ReactElement {
  const actions = useActions();
  const added = useApp((s) => s.catalog.added[e.infoHashHex] === true);
  const have = useApp((s) => s.torrents.byId.has(e.infoHashHex));
  const error = useApp((s) => s.catalog.rowErrors[e.infoHashHex]);
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
      <td className="small nearby-who" title={e.peers.map((p) => `${p.host}:${p.port}`).join(', ')}>
        {e.who.join(', ')}
      </td>
      <td className="actions-cell">
        {have || added ? (
          <Button size="sm" variant="ghost" icon="check" onClick={() => actions.setView('transfers')}>
            In Transfers
          </Button>
        ) : (
          <Button
            size="sm"
            variant="primary"
            icon="down"
            onClick={() => void actions.downloadNearby(e)}
            aria-label={`Download ${e.name}`}
          >
            Download
          </Button>
        )}
      </td>
    </tr>
  );
}

export function NearbySection({ query }: { query: string }): ReactElement | null {
  const actions = useActions();
  const shares = useApp((s) => s.nearby);
  const enabled = useApp((s) => s.settings?.lan.nearby ?? true);
  // Running = the host listens to the LAN catalog this run (off when it listens on loopback).
  const running = useApp((s) => s.appInfo?.lan?.nearby ?? true);
  const entries = nearbyEntries(shares, query);
  if (!enabled) return null;
  return (
    <section className="nearby" aria-label="Nearby">
      <div className="section-head">
        <h2 className="section-title">
          <Icon name="globe" size={14} /> Nearby <span className="muted small">on your local network</span>
        </h2>
        <Button
          size="sm"
          variant="ghost"
          onClick={() => void actions.refreshNearby()}
          title="Ask the local network now"
        >
          Refresh
        </Button>
      </div>
      {!running ? (
        <p className="muted small nearby-empty">
          Not looking on the local network this run: Swarmdrop accepts peers on this computer only (a loopback
          address), or the setting was turned on and applies after a restart. Settings → Local network chooses
          the interface.
        </p>
      ) : entries.length === 0 ? (
        <p className="muted small nearby-empty">
          {shares.length === 0
            ? 'Nothing shared by other Swarmdrops on your local network right now. New shares appear here by themselves.'
            : `Nothing nearby matches “${query}”.`}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table catalog" aria-label="Nearby shares">
            <thead>
              <tr>
                <th>Name</th>
                <th className="num">Size</th>
                <th>Shared by</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <NearbyRow key={e.infoHashHex} e={e} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
