/**
 * Our face for a router that maps ports, whatever protocol it speaks. The port mapper
 * (port-mapper.ts) knows only this; nat-library.ts implements it over
 * @achingbrain/nat-port-mapper, so the library's types stay in that one file.
 */
import type { PortMappingMethod } from '../../../src-shared/types/port-mapping.ts';

export type MappingProtocol = 'tcp' | 'udp';

export interface NatGateway {
  readonly method: PortMappingMethod;
  /** The router's address (NAT-PMP) or its UPnP host. */
  readonly host: string;
  /**
   * Asks the router to forward `externalPort` (default: the internal port) of `protocol`
   * to `internalHost:internalPort` for `leaseSec` seconds. Resolves with the external
   * port the router gave (it may pick another one) and its external address.
   */
  map(
    request: MapRequest,
    signal: AbortSignal,
  ): Promise<{ externalPort: number; externalAddress: string | null }>;
  /** Removes the mapping of `internalPort`/`externalPort` for `protocol`. */
  unmap(
    protocol: MappingProtocol,
    internalPort: number,
    externalPort: number,
    signal: AbortSignal,
  ): Promise<void>;
  /** The router's external address. */
  externalAddress(signal: AbortSignal): Promise<string>;
  /** Closes sockets; does not remove mappings (unmap first). Idempotent. */
  close(): Promise<void>;
}

export interface MapRequest {
  protocol: MappingProtocol;
  internalHost: string;
  internalPort: number;
  externalPort: number;
  leaseSec: number;
  description: string;
}

/** How the mapper finds routers: discovery, or the gateway the user named. */
export interface NatGatewayFinder {
  /** UPnP: SSDP search on the LAN; resolves with the first IGD, or null when `signal` ends first. */
  discoverUpnp(signal: AbortSignal): Promise<NatGateway | null>;
  /** UPnP at a known device description URL (http://192.0.2.1:5000/rootDesc.xml). */
  upnpAt(descriptionUrl: string, signal: AbortSignal): Promise<NatGateway>;
  /** NAT-PMP at a router address (RFC 6886: the default route's gateway). */
  natPmpAt(address: string): NatGateway;
  /** The default route's IPv4 gateway, or null when there is none. */
  defaultGateway(): Promise<string | null>;
}
