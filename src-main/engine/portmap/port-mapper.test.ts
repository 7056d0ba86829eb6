// The port mapper's decisions against scripted routers (real routers: the miniupnpd test
// in test/port-mapping-miniupnpd.int.test.ts).
import { describe, expect, it } from 'vitest';
import type { PortMappingStatus } from '../../../src-shared/types/port-mapping.ts';
import type { MapRequest, NatGateway, NatGatewayFinder } from './nat-gateway.ts';
import { PortMapper, type PortMapperOptions } from './port-mapper.ts';

class ScriptedGateway implements NatGateway {
  readonly maps: MapRequest[] = [];
  readonly unmaps: string[] = [];
  closed = false;
  constructor(
    readonly method: 'upnp' | 'natpmp',
    readonly host: string,
    private readonly script: {
      refuse?: boolean;
      givePort?: number;
      silent?: boolean;
      /** The router's own outside address (default a public one). */
      outside?: string;
      /** Refuse (or never answer) requests for this protocol only. */
      refuseProtocol?: 'tcp' | 'udp';
      hangProtocol?: 'tcp' | 'udp';
    } = {},
  ) {}
  async map(r: MapRequest, signal: AbortSignal) {
    this.maps.push(r);
    if (this.script.refuse || this.script.refuseProtocol === r.protocol)
      throw new Error('Not Authorized/Refused');
    if (this.script.silent || this.script.hangProtocol === r.protocol)
      await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    return {
      externalPort: this.script.givePort ?? r.externalPort,
      externalAddress: this.script.outside ?? '20.0.0.1',
    };
  }
  async unmap(protocol: string, internalPort: number, externalPort: number) {
    this.unmaps.push(`${protocol}:${internalPort}:${externalPort}`);
  }
  async externalAddress(signal: AbortSignal): Promise<string> {
    if (this.script.silent)
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    return '20.0.0.1';
  }
  async close() {
    this.closed = true;
  }
}

function finder(parts: Partial<NatGatewayFinder>): NatGatewayFinder {
  return {
    discoverUpnp: async () => null,
    upnpAt: async () => {
      throw new Error('no such device');
    },
    natPmpAt: (address) => new ScriptedGateway('natpmp', address, { silent: true }),
    defaultGateway: async () => null,
    ...parts,
  };
}

function mapper(f: NatGatewayFinder, extra: Partial<PortMapperOptions> = {}) {
  const seen: PortMappingStatus[] = [];
  const m = new PortMapper({
    finder: f,
    searchTimeoutMs: 200,
    requestTimeoutMs: 200,
    localAddressToward: async () => '192.168.77.2',
    onChange: (s) => seen.push(s),
    ...extra,
  });
  return { m, seen };
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('PortMapper', () => {
  it('maps TCP then UDP on the port the router gave TCP, and says "mapped", not "yes"', async () => {
    const gw = new ScriptedGateway('upnp', '192.168.77.1', { givePort: 7000 });
    const { m } = mapper(finder({ discoverUpnp: async () => gw }));
    m.start(6881);
    await until(() => m.status().state === 'mapped');
    expect(gw.maps.map((r) => [r.protocol, r.internalHost, r.internalPort, r.externalPort])).toEqual([
      ['tcp', '192.168.77.2', 6881, 6881],
      ['udp', '192.168.77.2', 6881, 7000],
    ]);
    expect(m.status()).toMatchObject({
      reachable: 'mapped',
      method: 'upnp',
      externalAddress: '20.0.0.1',
      externalPort: 7000,
    });
    await m.close();
  });

  it('renews both mappings on its schedule', async () => {
    const gw = new ScriptedGateway('natpmp', '192.168.77.1');
    const { m } = mapper(finder({ natPmpAt: () => gw, defaultGateway: async () => '192.168.77.1' }), {
      renewAfterMs: 50,
    });
    m.start(6881);
    await until(() => gw.maps.length >= 6);
    expect(gw.maps.slice(0, 6).map((r) => r.protocol)).toEqual(['tcp', 'udp', 'tcp', 'udp', 'tcp', 'udp']);
    await m.close();
  });

  it('removes both mappings and closes the gateway on close', async () => {
    const gw = new ScriptedGateway('upnp', '192.168.77.1');
    const { m } = mapper(finder({ discoverUpnp: async () => gw }));
    m.start(6881);
    await until(() => m.status().state === 'mapped');
    await m.close();
    await m.close();
    expect(gw.unmaps.sort()).toEqual(['tcp:6881:6881', 'udp:6881:6881']);
    expect(gw.closed).toBe(true);
    expect(m.status().state).toBe('off');
  });

  it('closing while a request is in flight still removes both mappings (the router may have made it)', async () => {
    const gw = new ScriptedGateway('upnp', '192.168.77.1', { hangProtocol: 'udp' });
    const { m } = mapper(finder({ discoverUpnp: async () => gw }), { requestTimeoutMs: 60_000 });
    m.start(6881);
    await until(() => gw.maps.some((r) => r.protocol === 'udp'));
    expect(m.status().state).not.toBe('mapped');
    await m.close();
    expect(gw.unmaps.sort()).toEqual(['tcp:6881:6881', 'udp:6881:6881']);
    expect(gw.closed).toBe(true);
  });

  it('leaves nothing mapped when the router maps TCP but refuses UDP', async () => {
    const gw = new ScriptedGateway('natpmp', '192.168.77.1', { refuseProtocol: 'udp' });
    const { m } = mapper(finder({ natPmpAt: () => gw, defaultGateway: async () => '192.168.77.1' }));
    m.start(6881);
    await until(() => m.status().state === 'failed');
    expect(gw.unmaps.sort()).toEqual(['tcp:6881:6881', 'udp:6881:6881']);
    expect(m.status().reachable).toBe('no');
    await m.close();
  });

  it('says "unknown" within the search time-out when no router answers', async () => {
    const { m } = mapper(finder({ defaultGateway: async () => '192.168.77.1' }));
    const started = Date.now();
    m.start(6881);
    await until(() => m.status().state === 'no-gateway');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(m.status().reachable).toBe('unknown');
    await m.close();
  });

  it('says "no" when the router refuses, and looks again later', async () => {
    let asked = 0;
    const { m } = mapper(
      finder({
        discoverUpnp: async () => {
          asked++;
          return new ScriptedGateway('upnp', '192.168.77.1', { refuse: true });
        },
      }),
      { retryAfterMs: 30 },
    );
    m.start(6881);
    await until(() => m.status().state === 'failed');
    expect(m.status()).toMatchObject({ reachable: 'no', method: 'upnp' });
    expect(m.status().error).toMatch(/Refused/);
    await until(() => asked >= 2);
    await m.close();
  });

  it('says "no" when the router is itself behind another NAT (its outside address is private)', async () => {
    const gw = new ScriptedGateway('upnp', '192.168.77.1', { outside: '100.64.3.4' });
    const { m } = mapper(finder({ discoverUpnp: async () => gw }));
    m.start(6881);
    await until(() => m.status().state === 'mapped');
    expect(m.status()).toMatchObject({ reachable: 'no', externalAddress: '100.64.3.4' });
    expect(m.status().error).toMatch(/another NAT/);
    // A peer from the internet coming in anyway proves otherwise.
    m.noteInbound('20.0.0.2');
    expect(m.status()).toMatchObject({ reachable: 'yes', error: null });
    await m.close();
  });

  it('counts only a peer from a public address as proof of being reachable', async () => {
    const gw = new ScriptedGateway('upnp', '192.168.77.1');
    const { m } = mapper(finder({ discoverUpnp: async () => gw }));
    m.noteInbound('20.0.0.2');
    expect(m.status().reachable).not.toBe('yes');
    m.start(6881);
    await until(() => m.status().state === 'mapped');
    m.noteInbound('192.168.77.5');
    expect(m.status().reachable).toBe('mapped');
    m.noteInbound('20.0.0.2');
    expect(m.status().reachable).toBe('yes');
    await m.close();
  });

  it('takes the NAT-PMP router when it answers before UPnP, and closes the UPnP one found later', async () => {
    const pmp = new ScriptedGateway('natpmp', '192.168.77.1');
    const upnp = new ScriptedGateway('upnp', '192.168.77.1');
    const { m } = mapper(
      finder({
        defaultGateway: async () => '192.168.77.1',
        natPmpAt: () => pmp,
        discoverUpnp: () => new Promise((r) => setTimeout(() => r(upnp), 100)),
      }),
    );
    m.start(6881);
    await until(() => m.status().state === 'mapped');
    expect(m.status().method).toBe('natpmp');
    await until(() => upnp.closed);
    expect(upnp.maps).toEqual([]);
    await m.close();
  });

  it('uses the named gateway: an address is NAT-PMP, an http URL is UPnP', async () => {
    const pmp = new ScriptedGateway('natpmp', '10.0.0.1');
    const named = mapper(
      finder({ natPmpAt: (a) => (a === '10.0.0.1' ? pmp : new ScriptedGateway('natpmp', a)) }),
      {
        gateway: '10.0.0.1',
      },
    );
    named.m.start(6881);
    await until(() => named.m.status().state === 'mapped');
    expect(named.m.status().gateway).toBe('10.0.0.1');
    await named.m.close();

    const urls: string[] = [];
    const upnp = mapper(
      finder({
        upnpAt: async (url) => {
          urls.push(url);
          return new ScriptedGateway('upnp', '10.0.0.1');
        },
      }),
      { gateway: 'http://10.0.0.1:5000/rootDesc.xml' },
    );
    upnp.m.start(6881);
    await until(() => upnp.m.status().state === 'mapped');
    expect(urls).toEqual(['http://10.0.0.1:5000/rootDesc.xml']);
    await upnp.m.close();
  });
});
