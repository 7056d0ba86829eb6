import type os from 'node:os';
import { describe, expect, it } from 'vitest';
import { MAX_UTP_PAYLOAD_BYTES, PathMtu, payloadForMtu, systemLinks, type LinkSource } from './path-mtu.ts';

const BASE = 1400;

function info(address: string, cidr: string, family: 'IPv4' | 'IPv6'): os.NetworkInterfaceInfo {
  return {
    address,
    cidr,
    family,
    netmask: '',
    mac: '00:00:00:00:00:00',
    internal: false,
  } as os.NetworkInterfaceInfo;
}

/** lo (65536), eth0 on 192.168.7.0/24 and 2001:db8:7::/64 (1500), jumbo on 10.9.0.0/16 (9000). */
function links(mtus: Record<string, number | undefined> = {}): LinkSource & { reads: number } {
  const source = {
    reads: 0,
    interfaces: () => {
      source.reads++;
      return {
        lo: [info('127.0.0.1', '127.0.0.1/8', 'IPv4'), info('::1', '::1/128', 'IPv6')],
        eth0: [
          info('192.168.7.2', '192.168.7.2/24', 'IPv4'),
          info('2001:db8:7::2', '2001:db8:7::2/64', 'IPv6'),
        ],
        jumbo: [info('10.9.0.1', '10.9.0.1/16', 'IPv4')],
      };
    },
    mtu: (name: string) => ({ lo: 65536, eth0: 1500, jumbo: 9000, ...mtus })[name],
  };
  return source;
}

describe('PathMtu', () => {
  it('gives loopback peers the largest payload we send', () => {
    const path = new PathMtu(BASE, links());
    expect(path.payloadCeiling('127.0.0.1')).toBe(MAX_UTP_PAYLOAD_BYTES);
    expect(path.payloadCeiling('127.3.4.5')).toBe(MAX_UTP_PAYLOAD_BYTES);
    expect(path.payloadCeiling('::1')).toBe(MAX_UTP_PAYLOAD_BYTES);
  });

  it("sizes packets to an on-link peer's link, never below the usual size", () => {
    const path = new PathMtu(BASE, links());
    expect(path.payloadCeiling('10.9.200.7')).toBe(payloadForMtu(9000));
    // 1500 bytes carry 1432 payload bytes, more than the usual size: a 1500 link gets that.
    expect(path.payloadCeiling('192.168.7.99')).toBe(payloadForMtu(1500));
    expect(path.payloadCeiling('2001:db8:7::99')).toBe(payloadForMtu(1500));
    const narrow = new PathMtu(BASE, links({ eth0: 1280 }));
    expect(narrow.payloadCeiling('192.168.7.99')).toBe(BASE);
  });

  it('keeps the usual size for peers behind a router, unknown MTUs and non-addresses', () => {
    const path = new PathMtu(BASE, links());
    expect(path.payloadCeiling('203.0.113.9')).toBe(BASE);
    expect(path.payloadCeiling('2001:db8:8::1')).toBe(BASE);
    expect(path.payloadCeiling('example.org')).toBe(BASE);
    expect(path.payloadCeiling('')).toBe(BASE);
    expect(new PathMtu(BASE, links({ jumbo: undefined })).payloadCeiling('10.9.0.5')).toBe(BASE);
  });

  it('survives a system that will not list its interfaces', () => {
    const path = new PathMtu(BASE, {
      interfaces: () => {
        throw new Error('not allowed');
      },
      mtu: () => 65536,
    });
    expect(path.payloadCeiling('127.0.0.1')).toBe(BASE);
  });

  it('reads the interfaces again only after a while', () => {
    let now = 0;
    const source = links();
    const path = new PathMtu(BASE, source, () => now);
    path.payloadCeiling('127.0.0.1');
    path.payloadCeiling('10.9.0.5');
    expect(source.reads).toBe(1);
    now += 60_000;
    path.payloadCeiling('127.0.0.1');
    expect(source.reads).toBe(2);
  });

  it.runIf(process.platform === 'linux')("reads this machine's loopback MTU from sysfs", () => {
    // The loopback MTU on Linux is 65536 (16436 on old kernels): wider than the usual size.
    expect(systemLinks.mtu('lo')).toBeGreaterThan(1500);
    expect(systemLinks.mtu('../../etc/passwd')).toBeUndefined();
    expect(new PathMtu(BASE).payloadCeiling('127.0.0.1')).toBeGreaterThan(BASE);
  });
});
