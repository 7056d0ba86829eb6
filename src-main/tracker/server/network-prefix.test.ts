import { describe, expect, it } from 'vitest';
import { networkPrefix } from './network-prefix.ts';

describe('networkPrefix', () => {
  it('names the /24 of an IPv4 address', () => {
    expect(networkPrefix('192.0.2.77', 4)).toBe('192.0.2.0/24');
    expect(networkPrefix('192.0.2.1', 4)).toBe(networkPrefix('192.0.2.254', 4));
    expect(networkPrefix('192.0.3.1', 4)).not.toBe(networkPrefix('192.0.2.1', 4));
  });

  it('names the /64 of an IPv6 address', () => {
    expect(networkPrefix('2001:db8:1:2:aaaa::1', 6)).toBe('2001:db8:1:2::/64');
    expect(networkPrefix('2001:db8:1:2::ffff', 6)).toBe(networkPrefix('2001:db8:1:2:1:2:3:4', 6));
    expect(networkPrefix('2001:db8:1:3::1', 6)).not.toBe(networkPrefix('2001:db8:1:2::1', 6));
    expect(networkPrefix('::1', 6)).toBe('0:0:0:0::/64');
  });
});
