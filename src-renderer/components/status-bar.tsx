import type { ReactElement } from 'react';
import { useApp } from '../app-context.tsx';
import { formatRate, plural } from '../../src-shared/util/format.ts';
import { Icon } from './icons.tsx';
import { describeReachability, type PortMappingStatus } from '../../src-shared/types/port-mapping.ts';

/** "Reachable: yes" is said only when an outside peer came in; a mapping alone is "port mapped". */
const REACHABLE_TEXT: Record<PortMappingStatus['reachable'], string> = {
  yes: 'Reachable from outside',
  mapped: 'Port mapped',
  no: 'Not reachable from outside',
  unknown: 'Reachability unknown',
};

const TRACKER_TEXT = {
  none: 'No tracker',
  idle: 'Tracker ready',
  ok: 'Tracker OK',
  error: 'Tracker not answering',
} as const;

export function StatusBar(): ReactElement {
  const status = useApp((s) => s.status);
  const info = useApp((s) => s.appInfo);
  const connection = useApp((s) => s.connection);
  const trackerError = useApp((s) => s.trackerError);
  const state = status?.trackerState ?? 'none';
  return (
    <footer className="status-bar" role="status">
      {connection !== 'open' ? (
        <span className="status-item warn">
          {/* Access refusals are 'unauthorized' (the whole page says so); 'closed' is the daemon ending this page's connection. */}
          <span className="dot dot-error" />{' '}
          {connection === 'closed' ? 'Disconnected: reload the page' : 'Connecting to Swarmdrop…'}
        </span>
      ) : (
        <>
          <span className="status-item rate-down" title="Total download rate">
            <Icon name="down" size={12} /> {formatRate(status?.downRateBps ?? 0)}
          </span>
          <span className="status-item rate-up" title="Total upload rate">
            <Icon name="up" size={12} /> {formatRate(status?.upRateBps ?? 0)}
          </span>
          <span className="status-item" title="Connected peers">
            <Icon name="users" size={12} /> {plural(status?.connectedPeers ?? 0, 'peer')}
          </span>
          {status?.restoring && (
            // Shown from the first status after a start until the last torrent is back.
            <span className="status-item restoring" title="Torrents of the last run coming back">
              Restoring {status.restoring.restored} / {status.restoring.total}
            </span>
          )}
          {status && status.dhtNodes !== null && (
            <span
              className="status-item status-extra"
              title="Nodes in the DHT routing table"
              data-testid="dht-nodes"
            >
              DHT: {plural(status.dhtNodes, 'node')}
            </span>
          )}
          <span className="status-item" title={trackerError ?? undefined}>
            <span className={`dot dot-${state === 'ok' ? 'ok' : state === 'error' ? 'error' : 'idle'}`} />{' '}
            {TRACKER_TEXT[state]}
            {state === 'error' && trackerError ? `: ${trackerError}` : ''}
          </span>
          {status?.portMapping && status.portMapping.state !== 'off' && (
            <span
              className="status-item"
              data-testid="reachability"
              title={describeReachability(status.portMapping)}
            >
              <span
                className={`dot dot-${
                  status.portMapping.reachable === 'yes'
                    ? 'ok'
                    : status.portMapping.reachable === 'no'
                      ? 'error'
                      : 'idle'
                }`}
              />{' '}
              {REACHABLE_TEXT[status.portMapping.reachable]}
              {status.portMapping.externalAddress
                ? ` · ${status.portMapping.externalAddress}${
                    status.portMapping.externalPort ? `:${status.portMapping.externalPort}` : ''
                  }`
                : ''}
            </span>
          )}
        </>
      )}
      <span className="spacer" />
      {info?.embeddedTracker.running && (
        <span className="status-item muted status-extra">Built-in tracker :{info.embeddedTracker.port}</span>
      )}
      <span className="status-item muted status-extra" title="Port peers connect to">
        Listening on port {status?.listeningPort ?? info?.listeningPort ?? '–'}
      </span>
    </footer>
  );
}
