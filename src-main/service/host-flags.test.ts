import { describe, expect, it } from 'vitest';
import { hostFlagsFrom, parseHostFlags, portMappingOffInEnvironment } from './host-flags.ts';

describe('--advertise-host', () => {
  it.each([['auto'], ['192.168.1.20'], ['box.lan'], ['2001:db8::5']])('accepts %s', (host) => {
    expect(hostFlagsFrom({ 'advertise-host': host }).overrides).toEqual({ advertiseHost: host });
  });

  it.each([['udp://192.168.1.20:6969'], ['[2001:db8::5]'], [''], ['a b'], ['x'.repeat(254)]])(
    'refuses %j',
    (host) => {
      expect(() => hostFlagsFrom({ 'advertise-host': host })).toThrow(/--advertise-host/);
    },
  );

  it('is read among the Electron app argv, and left out when absent', () => {
    expect(parseHostFlags(['--advertise-host', '10.0.0.7', '--no-sandbox']).overrides).toEqual({
      advertiseHost: '10.0.0.7',
    });
    expect(parseHostFlags(['--bind', '127.0.0.1']).overrides).toEqual({ bindHost: '127.0.0.1' });
  });
});

describe('--encryption', () => {
  it.each([['prefer'], ['require'], ['off']] as const)('accepts %s', (mode) => {
    expect(hostFlagsFrom({ encryption: mode }).overrides).toEqual({ encryption: mode });
    expect(parseHostFlags(['--encryption', mode]).overrides).toEqual({ encryption: mode });
  });

  it.each([[''], ['on'], ['REQUIRE'], ['rc4']])('refuses %j with a usage error naming the flag', (mode) => {
    expect(() => hostFlagsFrom({ encryption: mode })).toThrow(/--encryption needs prefer, require or off/);
  });
});

describe('--dht-bootstrap and --no-dht', () => {
  it('reads repeated and comma-separated nodes, once each', () => {
    expect(
      parseHostFlags(['--dht-bootstrap', '127.0.0.1:6881,[::1]:6882', '--dht-bootstrap', '127.0.0.1:6881'])
        .overrides,
    ).toEqual({ dhtBootstrap: ['127.0.0.1:6881', '[::1]:6882'] });
  });

  it('refuses a node without a port, with a usage error naming the flag', () => {
    expect(() => hostFlagsFrom({ 'dht-bootstrap': ['dht.example.org'] })).toThrow(
      /--dht-bootstrap needs HOST:PORT, got 'dht.example.org'/,
    );
  });

  it('--no-dht turns the DHT off for the run', () => {
    expect(parseHostFlags(['--no-dht']).overrides).toEqual({ dhtEnabled: false });
  });

  it('SWARMDROP_DHT_BOOTSTRAP replaces the setting when no flag does (empty: no node)', () => {
    expect(parseHostFlags([], { SWARMDROP_DHT_BOOTSTRAP: '' }).overrides).toEqual({ dhtBootstrap: [] });
    expect(parseHostFlags([], { SWARMDROP_DHT_BOOTSTRAP: '127.0.0.1:1' }).overrides).toEqual({
      dhtBootstrap: ['127.0.0.1:1'],
    });
    expect(
      parseHostFlags(['--dht-bootstrap', '127.0.0.2:2'], { SWARMDROP_DHT_BOOTSTRAP: '127.0.0.1:1' })
        .overrides,
    ).toEqual({ dhtBootstrap: ['127.0.0.2:2'] });
  });
});

describe('--no-lsd and --lan-interface', () => {
  it('turn LSD off and pick the interface for this run', () => {
    expect(hostFlagsFrom({ 'no-lsd': true, 'lan-interface': '127.0.0.1' }).overrides).toEqual({
      lsd: false,
      lanInterface: '127.0.0.1',
    });
    expect(hostFlagsFrom({ 'lan-interface': 'all' }).overrides).toEqual({ lanInterface: 'all' });
    expect(hostFlagsFrom({}).overrides).toEqual({});
    expect(parseHostFlags(['--no-lsd', '--lan-interface', '::1']).overrides).toEqual({
      lsd: false,
      lanInterface: '::1',
    });
  });

  it('refuse an interface that is not an address or all', () => {
    expect(() => hostFlagsFrom({ 'lan-interface': 'eth0' })).toThrow(
      /--lan-interface needs an IP address or all/,
    );
    expect(() => hostFlagsFrom({ 'lan-interface': 'auto' })).toThrow(/--lan-interface/);
  });
});

describe('--no-port-mapping and --nat-gateway', () => {
  it('turns port mapping off for this run only when given', () => {
    expect(parseHostFlags(['--no-port-mapping']).overrides).toEqual({ portMapping: false });
    expect(parseHostFlags([]).overrides).toEqual({});
  });

  it.each([['192.168.1.1'], ['http://192.168.1.1:5000/rootDesc.xml'], ['https://router.lan/desc.xml']])(
    'accepts the router %s',
    (gateway) => {
      expect(hostFlagsFrom({ 'nat-gateway': gateway }).overrides).toEqual({ natGateway: gateway });
    },
  );

  it.each([[''], ['256.1.1.1'], ['router.lan'], ['udp://192.168.1.1'], ['http://'], ['192.168.1.1:5351']])(
    'refuses %j with a usage error naming the flag',
    (gateway) => {
      expect(() => hostFlagsFrom({ 'nat-gateway': gateway })).toThrow(/--nat-gateway needs/);
    },
  );

  it('SWARMDROP_PORT_MAPPING=off in the environment turns it off, nothing else does', () => {
    expect(portMappingOffInEnvironment({ SWARMDROP_PORT_MAPPING: 'off' })).toBe(true);
    expect(portMappingOffInEnvironment({ SWARMDROP_PORT_MAPPING: 'on' })).toBe(false);
    expect(portMappingOffInEnvironment({})).toBe(false);
  });
});

describe('--no-utp / --utp', () => {
  it('--no-utp turns uTP off for the run, --utp on, neither leaves the setting alone', () => {
    expect(parseHostFlags(['--no-utp']).overrides).toEqual({ utp: false });
    expect(parseHostFlags(['--utp']).overrides).toEqual({ utp: true });
    expect(parseHostFlags([]).overrides).toEqual({});
  });

  it('both at once is a usage error', () => {
    expect(() => parseHostFlags(['--utp', '--no-utp'])).toThrow(/contradict/);
  });
});
