/**
 * Port mapping (UPnP IGD or NAT-PMP on the router) and what it tells about being
 * reachable from outside the LAN. Shared by the engine snapshot and the UI contract.
 */

/**
 * 'off': the setting is off. 'searching': looking for a router that maps ports.
 * 'mapped': the router forwards the peer port (TCP and UDP) to us. 'no-gateway': no
 * router answered (none, or it has UPnP and NAT-PMP off). 'failed': a router answered but
 * refused or lost the mapping (`error` says why).
 */
export type PortMappingState = 'off' | 'searching' | 'mapped' | 'no-gateway' | 'failed';

/**
 * Reachable from outside the LAN, as far as we can tell:
 * 'yes': a peer from a public address completed a handshake on our peer port (proved).
 * 'mapped': the router holds a mapping for our port, but no outside peer has come in yet
 * (likely reachable, not proved: a second NAT or a firewall upstream can still block it).
 * 'no': a router answered and refused the mapping, or mapped it while its own outside
 * address is private (another NAT in front of it: `error` says so).
 * 'unknown': no router answered, mapping is off, or the search is still running.
 */
export type Reachability = 'yes' | 'mapped' | 'no' | 'unknown';

export type PortMappingMethod = 'upnp' | 'natpmp';

export interface PortMappingStatus {
  state: PortMappingState;
  reachable: Reachability;
  method: PortMappingMethod | null;
  /** The router's address (NAT-PMP) or host (UPnP), when one answered. */
  gateway: string | null;
  /** The address and port outside peers dial, when the router told us. */
  externalAddress: string | null;
  externalPort: number | null;
  /** When the mapping was last made or renewed (epoch ms). */
  renewedAtMs: number | null;
  /** Why 'failed' or 'no-gateway', in words. */
  error: string | null;
}

export const PORT_MAPPING_OFF: PortMappingStatus = {
  state: 'off',
  reachable: 'unknown',
  method: null,
  gateway: null,
  externalAddress: null,
  externalPort: null,
  renewedAtMs: null,
  error: null,
};

/** One line for a terminal or the status bar: "reachable from outside: yes (203.0.113.5:6881)". */
export function describeReachability(s: PortMappingStatus): string {
  const where = s.externalAddress
    ? ` (${s.externalAddress}${s.externalPort ? `:${s.externalPort}` : ''})`
    : '';
  const via = s.method === 'upnp' ? 'UPnP' : s.method === 'natpmp' ? 'NAT-PMP' : '';
  switch (s.reachable) {
    case 'yes':
      return `reachable from outside: yes${where}`;
    case 'mapped':
      return `reachable from outside: port mapped by the router via ${via}${where}, no outside peer seen yet`;
    case 'no':
      return `reachable from outside: no (${s.error ?? 'the router refused the port mapping'})`;
    case 'unknown':
      if (s.state === 'off') return 'reachable from outside: unknown (port mapping off)';
      if (s.state === 'searching') return 'reachable from outside: unknown (looking for a router)';
      return `reachable from outside: unknown (${s.error ?? 'no router answered for UPnP or NAT-PMP'})`;
  }
}
