import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, hostAllowed, hostnameOf, isLoopbackHost, socketAllowed, tokenMatches } from './web-security.ts';

const loopback = { loopbackOnly: true, token: null };
const lan = { loopbackOnly: false, token: 'secret-token' };

describe('web security', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.1', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['192.168.1.2', false],
    ['evil.example', false],
  ])('isLoopbackHost(%s) = %s', (h, ok) => expect(isLoopbackHost(h)).toBe(ok));

  it('reads the hostname of a Host header', () => {
    expect(hostnameOf('127.0.0.1:9080')).toBe('127.0.0.1');
    expect(hostnameOf('[::1]:9080')).toBe('::1');
    expect(hostnameOf('localhost')).toBe('localhost');
  });

  it('on loopback, refuses other Host names (DNS rebinding)', () => {
    expect(hostAllowed(loopback, '127.0.0.1:9080')).toBe(true);
    expect(hostAllowed(loopback, 'attacker.example:9080')).toBe(false);
    expect(hostAllowed(loopback, undefined)).toBe(false);
    expect(hostAllowed(lan, '192.168.1.2:9080')).toBe(true);
  });

  it('a socket needs a same-origin page and, beyond loopback, the token', () => {
    expect(socketAllowed(loopback, '127.0.0.1:9080', 'http://127.0.0.1:9080', null)).toBe(true);
    expect(socketAllowed(loopback, '127.0.0.1:9080', 'http://evil.example', null)).toBe(false);
    expect(socketAllowed(loopback, '127.0.0.1:9080', 'not a url', null)).toBe(false);
    expect(socketAllowed(lan, '192.168.1.2:9080', 'http://192.168.1.2:9080', null)).toBe(false);
    expect(socketAllowed(lan, '192.168.1.2:9080', 'http://192.168.1.2:9080', 'wrong')).toBe(false);
    expect(socketAllowed(lan, '192.168.1.2:9080', 'http://192.168.1.2:9080', 'secret-token')).toBe(true);
  });

  it('compares tokens exactly', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abcd')).toBe(false);
    expect(tokenMatches('abc', null)).toBe(false);
  });

  it('the CSP allows only our own scripts and our own socket', () => {
    const csp = contentSecurityPolicy('127.0.0.1:9080');
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain('connect-src \'self\' ws://127.0.0.1:9080');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
  });
});
