// A home router in network namespaces, for the port-mapping tests: Debian's miniupnpd
// (UPnP IGD and NAT-PMP, nftables backend) between a "lan" namespace, where Swarmdrop
// runs, and a "wan" namespace that stands for the internet. Three namespaces named
// pm-<suffix>-{lan,rtr,wan}, joined by two veth pairs:
//
//   lan 192.168.<n>.2 ── 192.168.<n>.1 rtr 20.0.<n>.1 ── 20.0.<n>.2 wan
//
// The router's outside address must look public, or miniupnpd refuses to map anything
// ("Reserved / private IP address on ext interface"); 20.0.<n>.0/24 is one, and it exists
// only between these namespaces: nothing here is linked to the host's network, so no
// packet leaves them. The router forwards (ip_forward) but does no masquerading, so a
// connection from wan to the mapped port arrives at lan with wan's address.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findTool } from './external-tool.ts';

export const MINIUPNPD = '/usr/sbin/miniupnpd';
/** miniupnpd's HTTP port (its device description is http://<router>:<port>/rootDesc.xml). */
export const UPNP_HTTP_PORT = 5000;

export interface NatRouterOptions {
  upnp: boolean;
  natPmp: boolean;
}

export interface NatRouter {
  readonly lanNs: string;
  readonly wanNs: string;
  readonly routerNs: string;
  readonly lanIp: string;
  readonly routerLanIp: string;
  readonly externalIp: string;
  readonly wanIp: string;
  /** `command args…` run inside a namespace: the argv for a spawn. */
  wrap(ns: string, command: string, args: string[]): { command: string; args: string[] };
  /** Starts miniupnpd in the router namespace; resolves once it listens. */
  startMiniupnpd(options: NatRouterOptions): Promise<void>;
  stopMiniupnpd(): Promise<void>;
  /** miniupnpd's lease file: one `PROTO:EXTPORT:IP:PORT:EXPIRES:DESC` line per mapping. */
  leases(): Lease[];
  /** The router's nftables DNAT rules miniupnpd added (`nft list chain`), one per mapping. */
  dnatRules(): string[];
  /** miniupnpd's log so far (for failure messages). */
  log(): string;
  /** Stops miniupnpd, deletes the namespaces and links. Idempotent, never throws. */
  remove(): Promise<void>;
}

export interface Lease {
  protocol: 'TCP' | 'UDP';
  externalPort: number;
  internalHost: string;
  internalPort: number;
  /** Epoch seconds the lease ends (miniupnpd writes it in the lease file). */
  expiresSec: number;
  description: string;
}

/** Why the router cannot be built here, or undefined. */
export function natRouterUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  if (!findTool('ip')) return 'ip (iproute2) not found';
  if (!findTool(MINIUPNPD)) return 'miniupnpd not found (Debian package miniupnpd; .ci/run installs it)';
  if (!findTool('nft')) return 'nft not found (Debian package nftables; .ci/run installs it)';
  return undefined;
}

// The chains miniupnpd's nftables backend adds its rules to (its defaults: table inet
// "filter", chains "miniupnpd", "prerouting_miniupnpd", "postrouting_miniupnpd"); Debian
// ships an nft_init.sh for this that needs iptables, so the test writes them itself. Like
// a home router, forwarding lets the LAN out and answers back in; from outside only what
// miniupnpd opens gets through.
function nftInit(lanDevice: string): string {
  return `table inet filter {
  chain forward {
    type filter hook forward priority 0; policy drop;
    ct state established,related accept
    iifname "${lanDevice}" accept
    jump miniupnpd
  }
  chain miniupnpd { }
  chain prerouting { type nat hook prerouting priority -100; policy accept; jump prerouting_miniupnpd; }
  chain postrouting { type nat hook postrouting priority 100; policy accept; jump postrouting_miniupnpd; }
  chain prerouting_miniupnpd { }
  chain postrouting_miniupnpd { }
}
`;
}

export function createNatRouter(): NatRouter {
  const n = 1 + Math.floor(Math.random() * 250);
  const suffix = `${n}${Math.random().toString(36).slice(2, 5)}`;
  const lanNs = `pm-${suffix}-lan`;
  const routerNs = `pm-${suffix}-rtr`;
  const wanNs = `pm-${suffix}-wan`;
  const dev = (tag: string) => `pm${tag}${suffix}`.slice(0, 15);
  const [lanDev, rLanDev, rWanDev, wanDev] = [dev('l'), dev('rl'), dev('rw'), dev('w')];
  const lanIp = `192.168.${n}.2`;
  const routerLanIp = `192.168.${n}.1`;
  const externalIp = `20.0.${n}.1`;
  const wanIp = `20.0.${n}.2`;
  const dir = mkdtempSync(path.join(tmpdir(), 'swarmdrop-natrouter-'));
  const leaseFile = path.join(dir, 'leases');
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const inNs = (ns: string, command: string, ...args: string[]) =>
    execFileSync('ip', ['netns', 'exec', ns, command, ...args], {
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  let daemon: ChildProcess | null = null;
  let daemonLog = '';
  let removed = false;

  const stopMiniupnpd = async () => {
    const d = daemon;
    daemon = null;
    if (!d || d.exitCode !== null || d.signalCode !== null) return;
    const gone = new Promise((resolve) => d.once('exit', resolve));
    d.kill('SIGTERM');
    const timer = setTimeout(() => d.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  };

  const remove = async () => {
    if (removed) return;
    removed = true;
    await stopMiniupnpd();
    for (const ns of [lanNs, routerNs, wanNs]) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // never created
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    for (const ns of [lanNs, routerNs, wanNs]) ip('netns', 'add', ns);
    ip('link', 'add', lanDev, 'type', 'veth', 'peer', 'name', rLanDev);
    ip('link', 'set', lanDev, 'netns', lanNs);
    ip('link', 'set', rLanDev, 'netns', routerNs);
    ip('link', 'add', rWanDev, 'type', 'veth', 'peer', 'name', wanDev);
    ip('link', 'set', rWanDev, 'netns', routerNs);
    ip('link', 'set', wanDev, 'netns', wanNs);
    const setUp = (ns: string, device: string, cidr: string) => {
      ip('-n', ns, 'addr', 'add', cidr, 'dev', device);
      ip('-n', ns, 'link', 'set', device, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    };
    setUp(lanNs, lanDev, `${lanIp}/24`);
    setUp(routerNs, rLanDev, `${routerLanIp}/24`);
    setUp(routerNs, rWanDev, `${externalIp}/24`);
    setUp(wanNs, wanDev, `${wanIp}/24`);
    ip('-n', lanNs, 'route', 'add', 'default', 'via', routerLanIp);
    inNs(routerNs, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');
    execFileSync('ip', ['netns', 'exec', routerNs, 'nft', '-f', '-'], {
      input: nftInit(rLanDev),
      stdio: ['pipe', 'ignore', 'pipe'],
    });
  } catch (err) {
    void remove();
    throw err;
  }

  return {
    lanNs,
    wanNs,
    routerNs,
    lanIp,
    routerLanIp,
    externalIp,
    wanIp,
    wrap: (ns, command, args) => ({ command: 'ip', args: ['netns', 'exec', ns, command, ...args] }),
    async startMiniupnpd({ upnp, natPmp }) {
      await stopMiniupnpd();
      writeFileSync(leaseFile, '');
      const conf = path.join(dir, 'miniupnpd.conf');
      writeFileSync(
        conf,
        [
          `ext_ifname=${rWanDev}`,
          `listening_ip=${rLanDev}`,
          `http_port=${UPNP_HTTP_PORT}`,
          `enable_upnp=${upnp ? 'yes' : 'no'}`,
          `enable_natpmp=${natPmp ? 'yes' : 'no'}`,
          'secure_mode=yes',
          'system_uptime=yes',
          'force_igd_desc_v1=no',
          `lease_file=${leaseFile}`,
          `uuid=f712c412-ac87-4ece-80b2-${String(n).padStart(12, '0')}`,
          `allow 1024-65535 192.168.${n}.0/24 1024-65535`,
          'deny 0-65535 0.0.0.0/0 0-65535',
          '',
        ].join('\n'),
      );
      daemonLog = '';
      const d = spawn(
        'ip',
        ['netns', 'exec', routerNs, MINIUPNPD, '-d', '-f', conf, '-P', path.join(dir, 'pid')],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      daemon = d;
      const ready = natPmp ? /Listening for NAT-PMP/ : /HTTP listening on port/;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`miniupnpd did not start: ${daemonLog}`)), 15_000);
        const onData = (chunk: Buffer) => {
          daemonLog += chunk.toString();
          if (ready.test(daemonLog)) {
            clearTimeout(timer);
            resolve();
          }
        };
        d.stdout?.on('data', onData);
        d.stderr?.on('data', onData);
        d.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`miniupnpd exited (${code}): ${daemonLog}`));
        });
      });
    },
    stopMiniupnpd,
    leases() {
      let text: string;
      try {
        text = readFileSync(leaseFile, 'utf8');
      } catch {
        return [];
      }
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [protocol, externalPort, internalHost, internalPort, expires, ...description] =
            line.split(':');
          return {
            protocol: protocol as 'TCP' | 'UDP',
            externalPort: Number(externalPort),
            internalHost: internalHost!,
            internalPort: Number(internalPort),
            expiresSec: Number(expires),
            description: description.join(':'),
          };
        });
    },
    dnatRules() {
      const out = inNs(routerNs, 'nft', 'list', 'chain', 'inet', 'filter', 'prerouting_miniupnpd');
      return out.split('\n').filter((l) => l.includes('dnat'));
    },
    log: () => daemonLog,
    remove,
  };
}
