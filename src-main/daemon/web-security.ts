/**
 * Who may talk to the daemon. On loopback (the default) anyone on this machine may,
 * but only through a Host header naming loopback (DNS rebinding) and, for the
 * WebSocket, an Origin of this very server (a web page elsewhere cannot drive it).
 * Bound beyond loopback, a random token is also required (DESIGN: security model).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export function makeToken(): string {
  return randomBytes(18).toString('base64url');
}

export function tokenMatches(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The hostname part of a Host header (`[::1]:9080` → `::1`). */
export function hostnameOf(hostHeader: string): string {
  const m = hostHeader.match(/^\[([^\]]+)\](?::\d+)?$/) ?? hostHeader.match(/^([^:]+)(?::\d+)?$/);
  return m?.[1] ?? hostHeader;
}

export interface AccessPolicy {
  /** null on loopback. */
  token: string | null;
  loopbackOnly: boolean;
}

/** Host header check: on a loopback bind only loopback names are accepted. */
export function hostAllowed(policy: AccessPolicy, hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  return !policy.loopbackOnly || isLoopbackHost(hostnameOf(hostHeader));
}

/** WebSocket check: same-origin page (Origin host = Host) and, if required, the token. */
export function socketAllowed(policy: AccessPolicy, hostHeader: string | undefined, origin: string | undefined, token: string | null): boolean {
  if (!hostAllowed(policy, hostHeader)) return false;
  if (origin !== undefined) {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return false;
    }
    if (originHost !== hostHeader) return false;
  }
  return policy.token === null || tokenMatches(policy.token, token);
}

/**
 * The page's Content-Security-Policy: only our own scripts and styles, no inline
 * script, no plugins, no framing, and the WebSocket back to this server only.
 */
export function contentSecurityPolicy(hostHeader: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ws://${hostHeader}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
