// A network namespace joined to this one by a veth pair, and `tc netem` on its outside
// end to delay and drop the packets leaving through it: a slow, lossy path between two
// processes of one machine. Only the two ends of the link have addresses (10.214.N.1
// outside, 10.214.N.2 inside, a /30); nothing is routed anywhere else. The bench creates
// it, runs one figure across it and removes it. Needs root, iproute2 (`ip`) and `tc`;
// netem also needs a kernel built with it (`addNetem` says when it is not).
import { execFileSync } from 'node:child_process';
import { findTool } from '../../harness/tools.ts';

export interface NetemLink {
  readonly name: string;
  /** Our end: packets leaving through it (towards the namespace) get the netem treatment. */
  readonly outsideIp: string;
  /** The namespace's end. */
  readonly insideIp: string;
  /** `command args…` run inside the namespace: the argv for a spawn. */
  wrap(command: string, args: string[]): { command: string; args: string[] };
  /** Deletes the link and the namespace. Idempotent, never throws. */
  remove(): void;
  /** Adds netem to the outside end; throws (with tc's words) when the kernel has no netem. */
  addNetem(netem: NetemSpec): void;
}

export interface NetemSpec {
  /** One-way delay added to every packet leaving the outside end. */
  delayMs: number;
  /** Share of those packets dropped, in percent. */
  lossPercent: number;
}

/** Why a netem link cannot be made here, or undefined. */
export function netemUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespaces and tc need root';
  if (!findTool('ip')) return 'ip (Debian package iproute2) not found';
  if (!findTool('tc')) return 'tc (Debian package iproute2) not found';
  return undefined;
}

/** `prefix` starts the namespace and device names, so parallel users do not clash. */
export function createNetemLink(prefix: string): NetemLink {
  const n = 1 + Math.floor(Math.random() * 250);
  const suffix = `${n}${Math.random().toString(36).slice(2, 6)}`;
  const name = `${prefix}-${suffix}`;
  const outsideDev = `${prefix}o${suffix}`.slice(0, 15);
  const insideDev = `${prefix}i${suffix}`.slice(0, 15);
  const outsideIp = `10.214.${n}.1`;
  const insideIp = `10.214.${n}.2`;
  const run = (tool: string, ...args: string[]) =>
    execFileSync(tool, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    try {
      // Deleting one end of a veth pair deletes both, and the qdisc with it.
      run('ip', 'link', 'del', outsideDev);
    } catch {
      // already gone with the namespace
    }
    try {
      run('ip', 'netns', 'del', name);
    } catch {
      // never created
    }
  };
  try {
    run('ip', 'netns', 'add', name);
    run('ip', 'link', 'add', outsideDev, 'type', 'veth', 'peer', 'name', insideDev);
    run('ip', 'link', 'set', insideDev, 'netns', name);
    run('ip', 'addr', 'add', `${outsideIp}/30`, 'dev', outsideDev);
    run('ip', 'link', 'set', outsideDev, 'up');
    run('ip', 'netns', 'exec', name, 'ip', 'addr', 'add', `${insideIp}/30`, 'dev', insideDev);
    run('ip', 'netns', 'exec', name, 'ip', 'link', 'set', insideDev, 'up');
    run('ip', 'netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  } catch (err) {
    remove();
    throw err;
  }
  const addNetem = (netem: NetemSpec): void => {
    // netem's default queue (1000 packets) would cap the link at ~28 MB/s with 50 ms of
    // delay; 10000 leaves the loss and the delay as the only limits.
    run(
      'tc',
      'qdisc',
      'add',
      'dev',
      outsideDev,
      'root',
      'netem',
      'delay',
      `${netem.delayMs}ms`,
      'loss',
      `${netem.lossPercent}%`,
      'limit',
      '10000',
    );
  };
  return {
    name,
    outsideIp,
    insideIp,
    wrap: (command, args) => ({ command: 'ip', args: ['netns', 'exec', name, command, ...args] }),
    remove,
    addNetem,
  };
}
