// A network namespace joined to this one by a veth pair, for tests that need a peer at a
// non-loopback address (Transmission ignores 127.x peers from a tracker, so it only dials
// someone outside loopback). Names start with `mse-` plus a random suffix and addresses
// are 10.213.N.1 (this side) / 10.213.N.2 (inside); nothing is routed anywhere else.
// Needs root and iproute2; `available()` says why not otherwise.
import { execFileSync } from 'node:child_process';
import { findTool } from './external-tool.ts';

export interface NetnsLink {
  readonly name: string;
  /** Our end of the link. */
  readonly outsideIp: string;
  /** The namespace's end. */
  readonly insideIp: string;
  /** `command args…` run inside the namespace: the argv for a spawn. */
  wrap(command: string, args: string[]): { command: string; args: string[] };
  /**
   * Writes `value` to the namespace's own /proc/sys/`key` (a per-namespace setting such as
   * net/ipv4/ip_local_port_range). Through /proc rather than sysctl(8): iproute2 is the
   * only package the namespaces need.
   */
  setSysctl(key: string, value: string): void;
  /** Deletes the link and the namespace. Idempotent, never throws. */
  remove(): void;
}

export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  if (!findTool('ip')) return 'ip (iproute2) not found';
  return undefined;
}

export function createNetnsLink(prefix = 'mse'): NetnsLink {
  return createLink(prefix, (n) => ({
    family: '-4',
    outsideIp: `10.213.${n}.1`,
    insideIp: `10.213.${n}.2`,
    prefixLength: 30,
    extra: [],
  }));
}

/**
 * Like `createNetnsLink`, but the link carries IPv6 only: unique local addresses
 * fd00:76:N::1 (this side) and fd00:76:N::2 (inside), no IPv4 on it. `nodad` makes the
 * addresses usable at once instead of after duplicate address detection.
 */
export function createNetnsLink6(prefix = 'v6p'): NetnsLink {
  return createLink(prefix, (n) => ({
    family: '-6',
    outsideIp: `fd00:76:${n.toString(16)}::1`,
    insideIp: `fd00:76:${n.toString(16)}::2`,
    prefixLength: 64,
    extra: ['nodad'],
  }));
}

interface LinkAddressing {
  family: '-4' | '-6';
  outsideIp: string;
  insideIp: string;
  prefixLength: number;
  /** Trailing words for `ip addr add`. */
  extra: string[];
}

/** A namespace and a veth pair into it, addressed by `addressing(n)` for a random n in 1..250. */
function createLink(prefix: string, addressing: (n: number) => LinkAddressing): NetnsLink {
  const n = 1 + Math.floor(Math.random() * 250);
  const suffix = `${n}${Math.random().toString(36).slice(2, 6)}`;
  const name = `${prefix}-${suffix}`;
  const outsideDev = `${prefix}o${suffix}`.slice(0, 15);
  const insideDev = `${prefix}i${suffix}`.slice(0, 15);
  const { family, outsideIp, insideIp, prefixLength, extra } = addressing(n);
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const inside = (...args: string[]) => ip('netns', 'exec', name, 'ip', ...args);
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    try {
      ip('link', 'del', outsideDev);
    } catch {
      // already gone with the namespace
    }
    try {
      ip('netns', 'del', name);
    } catch {
      // never created
    }
  };
  try {
    ip('netns', 'add', name);
    ip('link', 'add', outsideDev, 'type', 'veth', 'peer', 'name', insideDev);
    ip('link', 'set', insideDev, 'netns', name);
    ip(family, 'addr', 'add', `${outsideIp}/${prefixLength}`, 'dev', outsideDev, ...extra);
    ip('link', 'set', outsideDev, 'up');
    inside(family, 'addr', 'add', `${insideIp}/${prefixLength}`, 'dev', insideDev, ...extra);
    inside('link', 'set', insideDev, 'up');
    inside('link', 'set', 'lo', 'up');
  } catch (err) {
    remove();
    throw err;
  }
  return {
    name,
    outsideIp,
    insideIp,
    wrap: (command, args) => ({ command: 'ip', args: ['netns', 'exec', name, command, ...args] }),
    setSysctl: (key, value) =>
      execFileSync('ip', ['netns', 'exec', name, 'sh', '-c', `echo '${value}' > /proc/sys/${key}`], {
        stdio: ['ignore', 'ignore', 'pipe'],
      }),
    remove,
  };
}
