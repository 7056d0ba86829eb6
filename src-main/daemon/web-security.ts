/**
 * Who may talk to the daemon. Everyone who reaches the port is a stranger until they
 * show the access token, loopback included: other users of this machine reach a
 * loopback port as easily as we do. On top of the token, the Host header must be a
 * plain host[:port] (and a loopback name on a loopback bind, against DNS rebinding),
 * and a WebSocket opened by a browser must come from a page of this very server
 * (Origin = http://Host, scheme, host and port).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** 32 random bytes, base64url: what travels in the printed address. */
export function makeToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The shape of a token we made (also what the token file must hold). */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,128}$/;

/**
 * Constant-time comparison. Both sides are hashed first so neither the time nor an
 * early length mismatch tells a guesser how close they came.
 */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 512) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/** Header scripts use; the page sends the token in it too (the WebSocket uses `?token=`). */
export const TOKEN_HEADER = 'x-swarmdrop-token';

/**
 * The request target as a URL, or null when it is not one (`GET http://[ HTTP/1.1`
 * passes Node's parser but makes `new URL` throw, which must not take the daemon down).
 */
export function requestUrl(req: Pick<IncomingMessage, 'url'>): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://x');
  } catch {
    return null;
  }
}

/** The token a request carries: the `X-Swarmdrop-Token` header, a Bearer token, or `?token=`. */
export function tokenOf(req: Pick<IncomingMessage, 'headers' | 'url'>): string | null {
  const header = req.headers[TOKEN_HEADER];
  if (typeof header === 'string') return header;
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = auth.match(/^Bearer ([^\s]+)$/i);
    if (m) return m[1]!;
  }
  return requestUrl(req)?.searchParams.get('token') ?? null;
}

/**
 * A Host header we accept: a DNS name, an IPv4 address or a bracketed IPv6 address,
 * then an optional port. Anything else (spaces, `;`, quotes, paths) is refused, so the
 * header can be written into the CSP as it is.
 */
const PLAIN_HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(?::(\d{1,5}))?$/;

export function isPlainHost(hostHeader: string): boolean {
  const m = PLAIN_HOST.exec(hostHeader);
  return m !== null && (m[1] === undefined || Number(m[1]) <= 65_535);
}

/** The hostname part of a Host header (`[::1]:9080` → `::1`). */
export function hostnameOf(hostHeader: string): string {
  const m = hostHeader.match(/^\[([^\]]+)\](?::\d+)?$/) ?? hostHeader.match(/^([^:]+)(?::\d+)?$/);
  return m?.[1] ?? hostHeader;
}

export interface AccessPolicy {
  /** Required on every API request and WebSocket, loopback included. */
  token: string;
  /** Bound to loopback: only loopback Host names are accepted. */
  loopbackOnly: boolean;
}

/** Host header check: plain host[:port]; on a loopback bind, a loopback name. */
export function hostAllowed(
  policy: Pick<AccessPolicy, 'loopbackOnly'>,
  hostHeader: string | undefined,
): hostHeader is string {
  if (!hostHeader || !isPlainHost(hostHeader)) return false;
  return !policy.loopbackOnly || isLoopbackHost(hostnameOf(hostHeader));
}

/**
 * Origin check for the WebSocket: a browser always sends Origin, and it must be this
 * server's own origin, scheme included (`https://host:port` is another origin than
 * `http://host:port`). Clients that are not browsers send none; the token still applies.
 */
export function originAllowed(hostHeader: string, origin: string | undefined): boolean {
  if (origin === undefined) return true;
  let own: URL;
  let given: URL;
  try {
    own = new URL(`http://${hostHeader}`);
    given = new URL(origin);
  } catch {
    return false;
  }
  // `given.origin === origin` refuses anything that is not a bare origin (a path, user info).
  return given.origin === origin.toLowerCase() && given.origin === own.origin;
}

export type Refusal = { status: 401 | 403; reason: string } | null;

/** Why a WebSocket upgrade is refused, or null to accept it. */
export function socketRefusal(
  policy: AccessPolicy,
  hostHeader: string | undefined,
  origin: string | undefined,
  token: string | null,
): Refusal {
  if (!hostAllowed(policy, hostHeader)) return { status: 403, reason: 'forbidden host' };
  if (!originAllowed(hostHeader, origin)) return { status: 403, reason: 'forbidden origin' };
  return tokenRefusal(policy, token);
}

/** 401 without a token, 403 with a wrong one, null with the right one. */
export function tokenRefusal(policy: AccessPolicy, token: string | null): Refusal {
  if (token === null || token === '') return { status: 401, reason: 'access token required' };
  return tokenMatches(policy.token, token) ? null : { status: 403, reason: 'wrong access token' };
}

/**
 * The page's Content-Security-Policy: only our own scripts and styles, no inline
 * script, no plugins, no framing, and the WebSocket back to this server only. The host
 * must have passed `hostAllowed` (a plain host[:port]); anything else gets no socket.
 */
export function contentSecurityPolicy(hostHeader: string): string {
  const socket = isPlainHost(hostHeader) ? ` ws://${hostHeader}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self'",
    "font-src 'self'",
    `connect-src 'self'${socket}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
