import { describe, expect, it } from 'vitest';
import type { NetworkInterfaceInfo } from 'node:os';
import { shareAddresses } from './share-addresses.ts';

const v4 = (address: string, internal = false): NetworkInterfaceInfo =>
  ({ address, family: 'IPv4', internal, netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: null }) as NetworkInterfaceInfo;
const v6 = (address: string, internal = false): NetworkInterfaceInfo =>
  ({ address, family: 'IPv6', internal, netmask: 'ffff::', mac: '00:00:00:00:00:00', cidr: null, scopeid: 0 }) as NetworkInterfaceInfo;

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

  it('falls back to loopback when the machine has no external interface', () => {
    expect(shareAddresses(7000, { lo: [v4('127.0.0.1', true)] })).toEqual(['udp://127.0.0.1:7000']);
  });
});
