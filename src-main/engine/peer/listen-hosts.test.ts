import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { listenHosts } from './listen-hosts.ts';

const iface = (address: string, family: 'IPv4' | 'IPv6', scopeid = 0): NetworkInterfaceInfo =>
  ({
    address,
    family,
    netmask: family === 'IPv4' ? '255.0.0.0' : 'ffff::',
    mac: '00:00:00:00:00:00',
    internal: false,
    cidr: null,
    ...(family === 'IPv6' ? { scopeid } : {}),
  }) as NetworkInterfaceInfo;

const interfaces = {
  lo: [iface('127.0.0.1', 'IPv4'), iface('::1', 'IPv6')],
  eth0: [iface('192.0.2.7', 'IPv4'), iface('2001:db8::7', 'IPv6'), iface('fe80::7', 'IPv6', 2)],
};

describe('listenHosts', () => {
  it('a server bound to one address is reached only there', () => {
    expect(listenHosts('127.0.0.1', interfaces)).toEqual(['127.0.0.1']);
    expect(listenHosts('2001:db8::7', interfaces)).toEqual(['2001:db8::7']);
  });

  it('a server on every address is reached at each interface address, zone-less IPv6 only', () => {
    expect(listenHosts(undefined, interfaces)).toEqual(['127.0.0.1', '::1', '192.0.2.7', '2001:db8::7']);
    expect(listenHosts('::', interfaces)).toEqual(['127.0.0.1', '::1', '192.0.2.7', '2001:db8::7']);
  });

  it('a server on every IPv4 address is reached at the IPv4 ones only', () => {
    expect(listenHosts('0.0.0.0', interfaces)).toEqual(['127.0.0.1', '192.0.2.7']);
  });
});
