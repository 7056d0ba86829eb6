import { describe, expect, it } from 'vitest';
import type { NetworkInterfaceInfo } from 'node:os';
import {
  advertisedHost,
  advertisedTrackerUrl,
  localTrackerUrl,
  ownTrackerAlias,
  shareAddresses,
} from './share-addresses.ts';

const v4 = (address: string, internal = false): NetworkInterfaceInfo =>
  ({
    address,
    family: 'IPv4',
    internal,
    netmask: '255.255.255.0',
    mac: '00:00:00:00:00:00',
    cidr: null,
  }) as NetworkInterfaceInfo;
const v6 = (address: string, internal = false): NetworkInterfaceInfo =>
  ({
    address,
    family: 'IPv6',
    internal,
    netmask: 'ffff::',
    mac: '00:00:00:00:00:00',
    cidr: null,
    scopeid: 0,
  }) as NetworkInterfaceInfo;

describe('shareAddresses', () => {
  it('lists non-internal IPv4 first, then global IPv6, skipping loopback and link-local', () => {
    expect(
      shareAddresses(6969, {
        lo: [v4('127.0.0.1', true), v6('::1', true)],
        eth0: [v6('fe80::1'), v6('2001:db8::5'), v4('192.168.1.20')],
        wlan0: [v4('10.0.0.7')],
      }),
    ).toEqual(['udp://192.168.1.20:6969', 'udp://10.0.0.7:6969', 'udp://[2001:db8::5]:6969']);
  });

  it('leaves IPv6 addresses out when the tracker listens on 0.0.0.0 (IPv4 only)', () => {
    expect(
      shareAddresses(
        6969,
        { eth0: [v6('2001:db8::5'), v4('192.168.1.20')], eth1: [v6('2001:db8::6')] },
        '0.0.0.0',
      ),
    ).toEqual(['udp://192.168.1.20:6969']);
    expect(shareAddresses(6969, { eth0: [v6('2001:db8::5')] }, '0.0.0.0')).toEqual(['udp://127.0.0.1:6969']);
  });

  it('falls back to loopback when the machine has no external interface', () => {
    expect(shareAddresses(7000, { lo: [v4('127.0.0.1', true)] })).toEqual(['udp://127.0.0.1:7000']);
  });
});

const lan = { lo: [v4('127.0.0.1', true), v6('::1', true)], eth0: [v4('192.0.2.7'), v6('2001:db8::5')] };
const offline = { lo: [v4('127.0.0.1', true)] };

describe('advertisedTrackerUrl', () => {
  it.each([
    ['auto, listening everywhere: the first network address', 'auto', '0.0.0.0', lan, 'udp://192.0.2.7:6969'],
    ['auto, listening everywhere, no network: loopback', 'auto', '0.0.0.0', offline, 'udp://127.0.0.1:6969'],
    ['auto, listening on one address: that address', 'auto', '127.0.0.1', lan, 'udp://127.0.0.1:6969'],
    ['auto, listening on :: : the first network address', 'auto', '::', lan, 'udp://192.0.2.7:6969'],
    ['a set host wins over everything', 'box.lan', '127.0.0.1', lan, 'udp://box.lan:6969'],
    ['a set IPv6 host is bracketed', '2001:db8::9', '0.0.0.0', lan, 'udp://[2001:db8::9]:6969'],
    [
      'auto, on 0.0.0.0 with IPv6 only: loopback, not an address it cannot serve',
      'auto',
      '0.0.0.0',
      { eth0: [v6('2001:db8::5')] },
      'udp://127.0.0.1:6969',
    ],
    [
      'auto, on :: with IPv6 only: the IPv6 address',
      'auto',
      '::',
      { eth0: [v6('2001:db8::5')] },
      'udp://[2001:db8::5]:6969',
    ],
  ])('%s', (_label, advertiseHost, bindHost, interfaces, expected) => {
    expect(advertisedTrackerUrl({ port: 6969, advertiseHost, bindHost, interfaces })).toBe(expected);
  });
});

describe('localTrackerUrl', () => {
  it.each([
    ['0.0.0.0', 'udp://127.0.0.1:7000'],
    ['::', 'udp://127.0.0.1:7000'],
    ['10.0.0.3', 'udp://10.0.0.3:7000'],
  ])('listening on %s: %s', (bindHost, expected) => {
    expect(localTrackerUrl(7000, bindHost)).toBe(expected);
  });
});

describe('ownTrackerAlias', () => {
  const alias = ownTrackerAlias({
    port: 6969,
    bindHost: '0.0.0.0',
    advertisedUrl: 'udp://box.lan:6969',
    interfaces: lan,
  });
  it.each([
    ['the advertised URL', 'udp://box.lan:6969', 'udp://127.0.0.1:6969'],
    ['the advertised URL, other case, with a path', 'UDP://BOX.LAN:6969/announce', 'udp://127.0.0.1:6969'],
    ['another address of this machine', 'udp://192.0.2.7:6969', 'udp://127.0.0.1:6969'],
    ['this machine over IPv6', 'udp://[2001:db8::5]:6969', 'udp://127.0.0.1:6969'],
    ['loopback itself', 'udp://127.0.0.1:6969', 'udp://127.0.0.1:6969'],
    ['our host, another port: someone else', 'udp://192.0.2.7:6970', 'udp://192.0.2.7:6970'],
    ['another host', 'udp://192.0.2.8:6969', 'udp://192.0.2.8:6969'],
    [
      'http on our host and port: not our (UDP) tracker',
      'http://192.0.2.7:6969/announce',
      'http://192.0.2.7:6969/announce',
    ],
    ['not a URL', 'box.lan:6969', 'box.lan:6969'],
  ])('%s', (_label, url, expected) => {
    expect(alias(url)).toBe(expected);
  });
});

describe('advertisedHost', () => {
  it.each([
    ['auto', '0.0.0.0', '192.0.2.7'],
    ['auto', '127.0.0.1', '127.0.0.1'],
    ['2001:db8::9', '0.0.0.0', '2001:db8::9'],
    ['box.lan', '0.0.0.0', 'box.lan'],
  ])('%s, listening on %s: %s', (advertiseHost, bindHost, expected) => {
    expect(advertisedHost({ advertiseHost, bindHost, interfaces: lan })).toBe(expected);
  });
});
