/**
 * Keeps the peer port mapped on the router while the session runs: finds a router (the
 * gateway the user named, else UPnP by SSDP and NAT-PMP at the default route's gateway,
 * whichever answers first), maps the port for TCP and UDP (uTP and the DHT use UDP on
 * the same port number), renews at half the lease (RFC 6886 §3.3 asks for that), tries
 * again later when there is no router or it refused, and removes both mappings on
 * close(). NOTES.md beside this file says what "reachable" means and why.
 *
 * Nothing here delays the session: start() returns at once and every request has a
 * time-out.
 */
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import { PORT_MAPPING_OFF, type PortMappingStatus } from '../../../src-shared/types/port-mapping.ts';
import type { MappingProtocol, NatGateway, NatGatewayFinder } from './nat-gateway.ts';
import { isPublicAddress } from './public-address.ts';

export interface PortMapperOptions {
  finder: NatGatewayFinder;
  /**
   * The router to use instead of discovering one: an IPv4 address (NAT-PMP) or the
   * http:// URL of a UPnP device description. Empty: discover.
   */
  gateway?: string;
  /** Lease asked for, seconds. Default 3600 (UPnP routers may refuse shorter ones). */
  leaseSec?: number;
  /** Renew this long after each mapping. Default half the lease. */
  renewAfterMs?: number;
  /** How long to look for a router. Default 3000. */
  searchTimeoutMs?: number;
  /** Time-out of one request to the router. Default 3000. */
  requestTimeoutMs?: number;
  /** After no router answered, or one refused: look again after this. Default 300 000. */
  retryAfterMs?: number;
  /** Shown in the router's mapping list. */
  description?: string;
  /** The address the router should forward to: default, ours on the route to it. */
  localAddressToward?: (gatewayHost: string) => Promise<string>;
  onChange?: (status: PortMappingStatus) => void;
  now?: () => number;
}

const PROTOCOLS: readonly MappingProtocol[] = ['tcp', 'udp'];
/** UDP port a routing lookup "connects" to; no packet is sent (NAT-PMP's server port). */
const ROUTE_PROBE_PORT = 5351;

export class PortMapper {
  private statusValue: PortMappingStatus = { ...PORT_MAPPING_OFF, state: 'searching' };
  private gateway: NatGateway | null = null;
  private internalPort = 0;
  private externalPort: number | null = null;
  /**
   * The external port of mappings that may stand on the router: set before a request is
   * sent, since an aborted or timed-out request may still have been carried out.
   * close() removes them even when the mapping never reported success.
   */
  private mayStand: number | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> = Promise.resolve();
  private readonly lifetime = new AbortController();
  private closing: Promise<void> | null = null;
  private readonly o: Required<Omit<PortMapperOptions, 'gateway' | 'onChange' | 'renewAfterMs'>> &
    Pick<PortMapperOptions, 'gateway' | 'onChange' | 'renewAfterMs'>;

  constructor(options: PortMapperOptions) {
    this.o = {
      leaseSec: 3600,
      searchTimeoutMs: 3000,
      requestTimeoutMs: 3000,
      retryAfterMs: 300_000,
      description: 'Swarmdrop',
      localAddressToward,
      now: Date.now,
      ...options,
    };
  }

  /** Begins mapping `port` in the background. */
  start(port: number): void {
    this.internalPort = port;
    this.schedule(0);
  }

  status(): PortMappingStatus {
    return this.statusValue;
  }

  /**
   * A peer completed a handshake on our peer port from `remoteHost`: from a public
   * address while the port is mapped, that proves we are reachable from outside.
   */
  noteInbound(remoteHost: string): void {
    const s = this.statusValue;
    if (s.state === 'mapped' && s.reachable !== 'yes' && isPublicAddress(remoteHost))
      this.set({ ...s, reachable: 'yes', error: null });
  }

  private set(next: PortMappingStatus): void {
    this.statusValue = next;
    this.o.onChange?.(next);
  }

  private schedule(delayMs: number): void {
    if (this.lifetime.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.cycle().catch(() => undefined);
    }, delayMs);
    this.timer.unref?.();
  }

  private signal(ms: number): AbortSignal {
    return AbortSignal.any([this.lifetime.signal, AbortSignal.timeout(ms)]);
  }

  /** One pass: find a router when we have none, then map (or renew) both protocols. */
  private async cycle(): Promise<void> {
    if (!this.gateway) {
      if (this.statusValue.state !== 'searching') this.set({ ...PORT_MAPPING_OFF, state: 'searching' });
      this.gateway = await this.find().catch(() => null);
      if (this.lifetime.signal.aborted) return;
      if (!this.gateway) {
        this.set({
          ...PORT_MAPPING_OFF,
          state: 'no-gateway',
          error: this.o.gateway
            ? `the router at ${this.o.gateway} did not answer`
            : 'no router answered for UPnP or NAT-PMP',
        });
        this.schedule(this.o.retryAfterMs);
        return;
      }
    }
    const gateway = this.gateway;
    try {
      const internalHost = await this.o.localAddressToward(gateway.host);
      let externalAddress: string | null = null;
      let externalPort = this.externalPort ?? this.internalPort;
      for (const protocol of PROTOCOLS) {
        this.mayStand = externalPort;
        const got = await gateway.map(
          {
            protocol,
            internalHost,
            internalPort: this.internalPort,
            externalPort,
            leaseSec: this.o.leaseSec,
            description: this.o.description,
          },
          this.signal(this.o.requestTimeoutMs),
        );
        // UDP asks for the port TCP got: peers learn one port number for both.
        externalPort = got.externalPort;
        this.mayStand = externalPort;
        externalAddress ??= got.externalAddress;
      }
      externalAddress ??= await gateway
        .externalAddress(this.signal(this.o.requestTimeoutMs))
        .catch(() => null);
      this.externalPort = externalPort;
      const prev = this.statusValue;
      const same = prev.state === 'mapped' && prev.externalPort === externalPort;
      // A router whose own outside address is private sits behind another NAT (the
      // provider's, RFC 6598, or a second router): its mapping alone does not let anyone in.
      const behindAnotherNat = externalAddress !== null && !isPublicAddress(externalAddress);
      this.set({
        state: 'mapped',
        reachable: same && prev.reachable === 'yes' ? 'yes' : behindAnotherNat ? 'no' : 'mapped',
        method: gateway.method,
        gateway: gateway.host,
        externalAddress,
        externalPort,
        renewedAtMs: this.o.now(),
        error: behindAnotherNat
          ? `the router's outside address ${externalAddress} is private: another NAT is in front of it`
          : null,
      });
      this.schedule(this.o.renewAfterMs ?? (this.o.leaseSec * 1000) / 2);
    } catch (err) {
      if (this.lifetime.signal.aborted) return;
      // The router refused or stopped answering: look for one again later (it may be
      // another network by then).
      this.gateway = null;
      this.externalPort = null;
      // One protocol may be mapped when the other was refused: leave nothing behind.
      await this.removeMappings(gateway);
      await gateway.close();
      this.set({
        ...PORT_MAPPING_OFF,
        state: 'failed',
        reachable: 'no',
        method: gateway.method,
        gateway: gateway.host,
        error: `the router refused the mapping: ${err instanceof Error ? err.message : String(err)}`,
      });
      this.schedule(this.o.retryAfterMs);
    }
  }

  /** The named router, else the first of UPnP and NAT-PMP to answer. */
  private async find(): Promise<NatGateway | null> {
    const named = this.o.gateway?.trim();
    const search = this.signal(this.o.searchTimeoutMs);
    if (named && /^https?:\/\//i.test(named)) return this.o.finder.upnpAt(named, search);
    if (named) return this.probePmp(this.o.finder.natPmpAt(named), search);
    const pmpHost = await this.o.finder.defaultGateway();
    const candidates: Promise<NatGateway | null>[] = [this.o.finder.discoverUpnp(search)];
    if (pmpHost && isIP(pmpHost) === 4)
      candidates.push(this.probePmp(this.o.finder.natPmpAt(pmpHost), search));
    return firstGateway(candidates);
  }

  /** A NAT-PMP router is one that tells its external address (RFC 6886 §3.2). */
  private async probePmp(gateway: NatGateway, signal: AbortSignal): Promise<NatGateway | null> {
    try {
      await gateway.externalAddress(signal);
      return gateway;
    } catch {
      await gateway.close();
      return null;
    }
  }

  /** Removes both protocols' mappings that may stand; failures are ignored. */
  private async removeMappings(gateway: NatGateway): Promise<void> {
    const port = this.mayStand;
    this.mayStand = null;
    if (port === null) return;
    await Promise.allSettled(
      PROTOCOLS.map((p) =>
        gateway.unmap(p, this.internalPort, port, AbortSignal.timeout(this.o.requestTimeoutMs)),
      ),
    );
  }

  /**
   * Stops renewing and removes both mappings from the router, including one whose request
   * was still in flight (the router may have carried it out). Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      // Ends the pass in flight (its requests are aborted), then cleans up after it.
      this.lifetime.abort();
      await this.running;
      const gateway = this.gateway;
      this.gateway = null;
      if (gateway) {
        await this.removeMappings(gateway);
        await gateway.close();
      }
      this.statusValue = PORT_MAPPING_OFF;
    })();
    return this.closing;
  }
}

/** The first candidate to resolve with a gateway; the others' gateways are closed. */
async function firstGateway(candidates: Promise<NatGateway | null>[]): Promise<NatGateway | null> {
  let winner: NatGateway | null = null;
  await new Promise<void>((resolve) => {
    let pending = candidates.length;
    for (const c of candidates) {
      c.then(
        (g) => {
          if (g && !winner) {
            winner = g;
            resolve();
          } else if (g) void g.close();
        },
        () => undefined,
      ).finally(() => {
        if (--pending === 0) resolve();
      });
    }
  });
  return winner;
}

/** Our address on the route to `host` (a connected UDP socket sends nothing). */
function localAddressToward(host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    socket.on('error', (err) => {
      socket.close();
      reject(err);
    });
    socket.connect(ROUTE_PROBE_PORT, host, () => {
      const { address } = socket.address();
      socket.close();
      resolve(address);
    });
  });
}
