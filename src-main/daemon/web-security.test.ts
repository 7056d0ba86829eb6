import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  hostAllowed,
  hostnameOf,
  isLoopbackHost,
  isPlainHost,
  makeToken,
  originAllowed,
  socketRefusal,
  TOKEN_PATTERN,
  tokenMatches,
  tokenOf,
  tokenRefusal,
} from './web-security.ts';

const loopback = { loopbackOnly: true, token: 'secret-token' };
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

  it.each(['127.0.0.1:9080', 'localhost', '[::1]:9080', 'my-pc.lan:80', '192.168.1.2'])(
    'accepts the plain Host %j',
    (h) => expect(isPlainHost(h)).toBe(true),
  );

  it.each([
    '',
    '127.0.0.1:9080; script-src *',
    "127.0.0.1:9080 'unsafe-inline'",
    'a b',
    'host:99999',
    'host:',
    'host/path',
    'user@host',
    '[::1',
    'évil.example',
    '-host',
    'host\r\nX: y',
  ])('refuses the Host %j', (h) => {
    expect(isPlainHost(h)).toBe(false);
    expect(hostAllowed(lan, h)).toBe(false);
  });

  it('on loopback, refuses other Host names (DNS rebinding)', () => {
    expect(hostAllowed(loopback, '127.0.0.1:9080')).toBe(true);
    expect(hostAllowed(loopback, 'attacker.example:9080')).toBe(false);
    expect(hostAllowed(loopback, undefined)).toBe(false);
    expect(hostAllowed(lan, '192.168.1.2:9080')).toBe(true);
  });

  it('an Origin must match the server in scheme, host and port', () => {
    expect(originAllowed('127.0.0.1:9080', 'http://127.0.0.1:9080')).toBe(true);
    expect(originAllowed('[::1]:9080', 'http://[::1]:9080')).toBe(true);
    expect(originAllowed('127.0.0.1:80', 'http://127.0.0.1')).toBe(true);
    expect(originAllowed('127.0.0.1:9080', 'https://127.0.0.1:9080')).toBe(false);
    expect(originAllowed('127.0.0.1:9080', 'ws://127.0.0.1:9080')).toBe(false);
    expect(originAllowed('127.0.0.1:9080', 'http://127.0.0.1:9081')).toBe(false);
    expect(originAllowed('127.0.0.1:9080', 'http://localhost:9080')).toBe(false);
    expect(originAllowed('127.0.0.1:9080', 'http://evil.example')).toBe(false);
    expect(originAllowed('127.0.0.1:9080', 'http://127.0.0.1:9080/path')).toBe(false);
    expect(originAllowed('127.0.0.1:9080', 'null')).toBe(false);
    expect(originAllowed('127.0.0.1:9080', 'not a url')).toBe(false);
    // Not a browser (no Origin at all): the token decides.
    expect(originAllowed('127.0.0.1:9080', undefined)).toBe(true);
  });

  it('a socket needs a plain Host, its own origin and the token, loopback included', () => {
    const ok = 'http://127.0.0.1:9080';
    expect(socketRefusal(loopback, '127.0.0.1:9080', ok, 'secret-token')).toBeNull();
    expect(socketRefusal(loopback, '127.0.0.1:9080', ok, null)).toEqual({
      status: 401,
      reason: expect.any(String),
    });
    expect(socketRefusal(loopback, '127.0.0.1:9080', ok, 'wrong')).toEqual({
      status: 403,
      reason: expect.any(String),
    });
    expect(socketRefusal(loopback, '127.0.0.1:9080', 'https://127.0.0.1:9080', 'secret-token')?.status).toBe(
      403,
    );
    expect(
      socketRefusal(loopback, 'evil.example:9080', 'http://evil.example:9080', 'secret-token')?.status,
    ).toBe(403);
    expect(socketRefusal(lan, '192.168.1.2:9080', 'http://192.168.1.2:9080', 'secret-token')).toBeNull();
    expect(socketRefusal(lan, '192.168.1.2:9080', 'http://192.168.1.2:9080', '')?.status).toBe(401);
  });

  it('tokenRefusal: 401 without, 403 wrong, null right', () => {
    expect(tokenRefusal(lan, null)?.status).toBe(401);
    expect(tokenRefusal(lan, 'secret-tokeN')?.status).toBe(403);
    expect(tokenRefusal(lan, 'secret-token')).toBeNull();
  });

  it('compares tokens exactly', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abcd')).toBe(false);
    expect(tokenMatches('abc', 'ab')).toBe(false);
    expect(tokenMatches('abc', '')).toBe(false);
    expect(tokenMatches('abc', null)).toBe(false);
    expect(tokenMatches('abc', 'x'.repeat(10_000))).toBe(false);
  });

  it('makes long random tokens of the documented shape', () => {
    const a = makeToken();
    expect(a).toMatch(TOKEN_PATTERN);
    expect(a.length).toBeGreaterThanOrEqual(43);
    expect(makeToken()).not.toBe(a);
  });

  it('reads the token from the header, a Bearer header or the query', () => {
    expect(tokenOf({ headers: { 'x-swarmdrop-token': 'h' }, url: '/api/access?token=q' })).toBe('h');
    expect(tokenOf({ headers: { authorization: 'Bearer b' }, url: '/api/access' })).toBe('b');
    expect(tokenOf({ headers: {}, url: '/ws?token=q' })).toBe('q');
    expect(tokenOf({ headers: {}, url: '/ws' })).toBeNull();
  });

  it('the CSP allows only our own scripts and our own socket', () => {
    const csp = contentSecurityPolicy('127.0.0.1:9080');
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:9080");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
  });

  it('a Host that is not a plain host:port never reaches the CSP', () => {
    const csp = contentSecurityPolicy("127.0.0.1:9080; script-src 'unsafe-inline'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("connect-src 'self';");
  });
});
