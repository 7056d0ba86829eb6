/**
 * The Network view's line on port mapping: whether peers outside the LAN can reach this
 * machine, how we know, and the address they dial. "Reachable" is said only once an
 * outside peer came in; a router mapping alone is "port mapped".
 */
import type { ReactElement } from 'react';
import { useApp } from '../../app-context.tsx';
import type { PortMappingStatus } from '../../../src-shared/types/port-mapping.ts';

function words(m: PortMappingStatus): string {
  const via = m.method === 'upnp' ? 'UPnP' : m.method === 'natpmp' ? 'NAT-PMP' : 'the router';
  switch (m.reachable) {
    case 'yes':
      return `Reachable from outside: yes — a peer from the internet connected (port mapped by ${via}).`;
    case 'mapped':
      return `Reachable from outside: probably — the router forwards the port (${via}), no peer from the internet has connected yet.`;
    case 'no':
      return `Reachable from outside: no — ${m.error ?? 'the router refused the port mapping'}.`;
    case 'unknown':
      if (m.state === 'off') return 'Reachable from outside: unknown — port mapping is off (Settings).';
      if (m.state === 'searching') return 'Reachable from outside: unknown — looking for a router…';
      return `Reachable from outside: unknown — ${m.error ?? 'no router answered for UPnP or NAT-PMP'}.`;
  }
}

export function ReachabilityLine(): ReactElement | null {
  const m = useApp((s) => s.status?.portMapping);
  if (!m) return null;
  const dot = m.reachable === 'yes' ? 'ok' : m.reachable === 'no' ? 'error' : 'idle';
  return (
    <p className="reachability-line muted small" data-testid="reachability-line" role="status">
      <span className={`dot dot-${dot}`} /> {words(m)}
      {m.externalAddress && (
        <>
          {' '}
          Outside address:{' '}
          <span className="mono">{`${m.externalAddress}${m.externalPort ? `:${m.externalPort}` : ''}`}</span>
        </>
      )}
    </p>
  );
}
