/**
 * NatGatewayFinder over @achingbrain/nat-port-mapper (UPnP IGD v2 and NAT-PMP; NOTES.md
 * says why this library). Its types end here. Three of its behaviours are worked around:
 *  - UPnP `unmap` sends DeletePortMapping with an empty NewProtocol, which miniupnpd reads
 *    as TCP, so a UDP mapping would stay until its lease ran out. We send DeletePortMapping
 *    per protocol through the library's own SOAP client instead.
 *  - NAT-PMP writes its `ttl` option into the request's lifetime field as is (seconds),
 *    while UPnP divides it by 1000 (milliseconds): each gets the unit it uses.
 *  - NAT-PMP keeps one request in flight and never retransmits: a request that is not
 *    answered blocks every later one, and a send error is emitted as 'error' (which would
 *    throw with no listener). We listen for it, and after any failure replace the client.
 * Renewal is ours (port-mapper.ts), so the library's own refresh timers are off.
 */
import { gateway4async } from 'default-gateway';
import { pmpNat, upnpNat, type Gateway } from '@achingbrain/nat-port-mapper';
import type { MapRequest, MappingProtocol, NatGateway, NatGatewayFinder } from './nat-gateway.ts';

const WAN_IP_CONNECTION_2 = 'urn:schemas-upnp-org:service:WANIPConnection:2';

/** What the library's UPnP gateway has besides the Gateway interface (see above). */
interface UpnpInternals {
  getGateway(options: { signal: AbortSignal }): Promise<{
    run(
      service: string,
      action: string,
      args: [string, string | number][],
      o: { signal: AbortSignal },
    ): Promise<unknown>;
  }>;
}

function hasUpnpInternals(g: unknown): g is UpnpInternals {
  return typeof (g as { getGateway?: unknown }).getGateway === 'function';
}

class UpnpGateway implements NatGateway {
  readonly method = 'upnp' as const;
  constructor(private readonly gateway: Gateway) {}

  get host(): string {
    return this.gateway.host;
  }

  async map(r: MapRequest, signal: AbortSignal) {
    const m = await this.gateway.map(r.internalPort, r.internalHost, {
      protocol: r.protocol,
      externalPort: r.externalPort,
      ttl: r.leaseSec * 1000,
      autoRefresh: false,
      description: r.description,
      signal,
    });
    return { externalPort: m.externalPort, externalAddress: m.externalHost || null };
  }

  async unmap(protocol: MappingProtocol, internalPort: number, externalPort: number, signal: AbortSignal) {
    if (!hasUpnpInternals(this.gateway)) return this.gateway.unmap(internalPort, { signal });
    const device = await this.gateway.getGateway({ signal });
    await device.run(
      WAN_IP_CONNECTION_2,
      'DeletePortMapping',
      [
        ['NewRemoteHost', ''],
        ['NewExternalPort', externalPort],
        ['NewProtocol', protocol.toUpperCase()],
      ],
      { signal },
    );
  }

  externalAddress(signal: AbortSignal): Promise<string> {
    return this.gateway.externalIp({ signal });
  }

  async close(): Promise<void> {
    // stop() would also unmap what the library remembers, with the empty-protocol request
    // (see above); our unmaps already ran, so bound its time.
    await this.gateway.stop({ signal: AbortSignal.timeout(1000) }).catch(() => undefined);
  }
}

class NatPmpGateway implements NatGateway {
  readonly method = 'natpmp' as const;
  private client: Gateway | null = null;
  private closed = false;

  constructor(readonly host: string) {}

  private current(): Gateway {
    if (this.closed) throw Object.assign(new Error('NAT-PMP client closed'), { code: 'closed' });
    if (!this.client) {
      const client = pmpNat(this.host, { autoRefresh: false });
      // A send error (no route to the router) is emitted on the client; the request it
      // belonged to then fails by its time-out.
      (client as unknown as { on?: (e: string, l: (err: unknown) => void) => void }).on?.(
        'error',
        () => undefined,
      );
      this.client = client;
    }
    return this.client;
  }

  /** Runs one request; after a failure the client is replaced (its queue may be stuck). */
  private async run<T>(work: (client: Gateway) => Promise<T>): Promise<T> {
    const client = this.current();
    try {
      return await work(client);
    } catch (err) {
      if (this.client === client) this.client = null;
      await client.stop().catch(() => undefined);
      throw err;
    }
  }

  map(r: MapRequest, signal: AbortSignal) {
    return this.run(async (c) => {
      const m = await c.map(r.internalPort, r.internalHost, {
        protocol: r.protocol,
        externalPort: r.externalPort,
        ttl: r.leaseSec,
        autoRefresh: false,
        description: r.description,
        signal,
      });
      return { externalPort: m.externalPort, externalAddress: m.externalHost || null };
    });
  }

  unmap(protocol: MappingProtocol, internalPort: number, _externalPort: number, signal: AbortSignal) {
    // RFC 6886 §3.4: a request with lifetime 0 deletes the mapping of the internal port.
    return this.run((c) =>
      c
        .map(internalPort, '', { protocol, ttl: 0, autoRefresh: false, description: '', signal })
        .then(() => undefined),
    );
  }

  externalAddress(signal: AbortSignal): Promise<string> {
    return this.run((c) => c.externalIp({ signal }));
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = null;
    await c?.stop().catch(() => undefined);
  }
}

/** The real finder: SSDP for UPnP, the default route for NAT-PMP. */
export function libraryGatewayFinder(): NatGatewayFinder {
  return {
    async discoverUpnp(signal) {
      const client = upnpNat({ autoRefresh: false });
      try {
        for await (const g of client.findGateways({ signal })) {
          if (g.family === 'IPv4') return new UpnpGateway(g);
        }
      } catch (err) {
        if (!signal.aborted) throw err;
      }
      return null;
    },
    async upnpAt(descriptionUrl, signal) {
      return new UpnpGateway(
        await upnpNat({ autoRefresh: false }).getGateway(new URL(descriptionUrl), { signal }),
      );
    },
    natPmpAt: (address) => new NatPmpGateway(address),
    async defaultGateway() {
      try {
        return (await gateway4async()).gateway;
      } catch {
        return null;
      }
    },
  };
}
