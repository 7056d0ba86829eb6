import { describe, expect, it } from 'vitest';
import { formatIpv6, ipFamily, isLoopbackIp, normalizeIp, parseIpv4, parseIpv6 } from './ip-address.ts';

const code = (c: string) => expect.objectContaining({ name: 'ProtocolError', code: c });

describe('ip-address', () => {
  it('parses and refuses IPv4', () => {
    expect([...parseIpv4('192.0.2.1')]).toEqual([192, 0, 2, 1]);
    for (const bad of ['256.0.0.1', '1.2.3', '01.2.3.4', 'a.b.c.d', '1.2.3.4 ']) {
      expect(() => parseIpv4(bad), bad).toThrow(code('bad-value'));
    }
  });

  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['fe80::', 'fe80::'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
  ])('parses %s and formats it as %s (RFC 5952)', (text, canonical) => {
    expect(formatIpv6(parseIpv6(text))).toBe(canonical);
  });

  it('refuses malformed IPv6', () => {
    for (const bad of [
      ':::',
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      '12345::',
      'g::',
      '1:2:3',
      '',
      '::1.2.3',
      '1.2.3.4',
    ]) {
      expect(() => parseIpv6(bad), bad).toThrow(code('bad-value'));
    }
  });

  it('normalises mapped addresses and detects loopback', () => {
    expect(normalizeIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeIp('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(isLoopbackIp('127.3.4.5')).toBe(true);
    expect(isLoopbackIp('::1')).toBe(true);
    expect(isLoopbackIp('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackIp('10.0.0.1')).toBe(false);
    expect(ipFamily('10.0.0.1')).toBe(4);
    expect(ipFamily('::1')).toBe(6);
    expect(ipFamily('example.org')).toBeUndefined();
  });
});
