// A small LAN of network namespaces: one namespace holds a bridge (the switch), and each
// "machine" is a namespace joined to it by a veth pair, with an address on 10.214.N.0/24
// and a multicast route on that link only. Nothing is routed out of it: multicast (LSD,
// the LAN catalog) stays among the machines. Names start with `lsd-`. Needs root and
// iproute2; netnsUnavailable() (netns.ts) says why not otherwise.
import { execFileSync } from 'node:child_process';

export interface LanMachine {
  readonly name: string;
  readonly ip: string;
  /** `command args…` run inside the machine's namespace: the argv for a spawn. */
  wrap(command: string, args: string[]): { command: string; args: string[] };
}

export interface NetnsLan {
  readonly machines: LanMachine[];
  /** Deletes every namespace (and so every link). Idempotent, never throws. */
  remove(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

export function createNetnsLan(machineCount: number, prefix = 'lsd'): NetnsLan {
  const n = 1 + Math.floor(Math.random() * 250);
  const suffix = `${n}${Math.random().toString(36).slice(2, 5)}`;
  const switchNs = `${prefix}-${suffix}-sw`;
  const namespaces = [switchNs];
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    for (const ns of namespaces) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // never created
      }
    }
  };
  const machines: LanMachine[] = [];
  try {
    ip('netns', 'add', switchNs);
    ip('-n', switchNs, 'link', 'add', 'br0', 'type', 'bridge');
    // No IGMP snooping: every port gets every multicast datagram, like a plain switch.
    ip('-n', switchNs, 'link', 'set', 'br0', 'type', 'bridge', 'mcast_snooping', '0');
    ip('-n', switchNs, 'link', 'set', 'br0', 'up');
    for (let i = 0; i < machineCount; i++) {
      const name = `${prefix}-${suffix}-${i}`;
      const address = `10.214.${n}.${i + 1}`;
      namespaces.push(name);
      ip('netns', 'add', name);
      // Both ends are made in the machine's namespace, then one moves to the switch.
      ip('-n', name, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', `p${i}`);
      ip('-n', name, 'link', 'set', `p${i}`, 'netns', switchNs);
      ip('-n', switchNs, 'link', 'set', `p${i}`, 'master', 'br0');
      ip('-n', switchNs, 'link', 'set', `p${i}`, 'up');
      ip('-n', name, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
      ip('-n', name, 'link', 'set', 'eth0', 'up');
      ip('-n', name, 'link', 'set', 'lo', 'up');
      ip('-n', name, 'route', 'add', '224.0.0.0/4', 'dev', 'eth0');
      machines.push({
        name,
        ip: address,
        wrap: (command, args) => ({ command: 'ip', args: ['netns', 'exec', name, command, ...args] }),
      });
    }
  } catch (err) {
    remove();
    throw err;
  }
  return { machines, remove };
}
