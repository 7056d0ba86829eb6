// Port mapping against a real router: Debian's miniupnpd in a network namespace between a
// "lan" namespace, where Swarmdrop runs, and a "wan" one standing for the internet
// (test/support/nat-router.ts). The mapping is read from the router's own state (its
// lease file and its nftables DNAT rules), a peer in "wan" dials the mapped address to
// prove reachability, and nothing leaves the namespaces.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TrackedChild } from '../harness/tracked-child.ts';
import { repoRoot } from './support/interop-harness.ts';
import {
  createNatRouter,
  natRouterUnavailable,
  UPNP_HTTP_PORT,
  type NatRouter,
} from './support/nat-router.ts';
import { buildCliFor } from './support/swarmdrop-cli.ts';
import { makeTempDir } from './support/temp-dir.ts';

const unavailable = natRouterUnavailable();
if (unavailable) {
  if (process.env.CI && process.getuid?.() === 0) throw new Error(unavailable);
  console.warn(`SKIPPED: ${unavailable}`);
}
const cli = await buildCliFor(!unavailable, 'share');
const PEER_PORT = 6881;

/** Children inherit SWARMDROP_PORT_MAPPING=off from the test config; these tests want it on. */
function mappingEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.SWARMDROP_PORT_MAPPING;
  return env;
}

/** A process whose stdout and stderr lines are kept, to wait for one of them. */
class Watched {
  readonly lines: { stream: 'out' | 'err'; line: string; atMs: number }[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  constructor(command: string, args: string[]) {
    this.child = spawn(command, args, { env: mappingEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of ['out', 'err'] as const) {
      const input = stream === 'out' ? this.child.stdout! : this.child.stderr!;
      createInterface({ input }).on('line', (line) => this.lines.push({ stream, line, atMs: Date.now() }));
    }
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.lines.find((l) => pattern.test(l.line));
      if (hit) return hit.line;
      if (Date.now() > end)
        throw new Error(
          `no line matching ${pattern} in ${timeoutMs} ms:\n${this.lines.map((l) => l.line).join('\n')}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  indexOf(pattern: RegExp): number {
    return this.lines.findIndex((l) => pattern.test(l.line));
  }
  async stop(): Promise<number | null> {
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// A BitTorrent peer in "wan": dials the mapped address, sends a handshake for the
// info-hash, and exits 0 once the handshake comes back (BEP 3: 68 bytes).
const DIALER = `
import net from 'node:net';
const [host, port, infoHash] = process.argv.slice(2);
const hs = Buffer.concat([Buffer.from([19]), Buffer.from('BitTorrent protocol'), Buffer.alloc(8),
  Buffer.from(infoHash, 'hex'), Buffer.from('-XX0000-outsidepeer0')]);
const s = net.connect(Number(port), host, () => s.write(hs));
let got = Buffer.alloc(0);
s.on('data', (d) => { got = Buffer.concat([got, d]); if (got.length >= 68) { console.log('handshake'); s.destroy(); process.exit(0); } });
s.on('error', (e) => { console.error(e.message); process.exit(1); });
setTimeout(() => { console.error('no handshake'); process.exit(1); }, 20000);
`;

describe.skipIf(!cli)('port mapping: miniupnpd as the router in a network namespace', () => {
  let router: NatRouter;
  let temp: { dir: string; remove(): Promise<void> };
  let childScript = '';
  const running: Watched[] = [];

  beforeAll(async () => {
    router = createNatRouter();
    temp = await makeTempDir('swarmdrop-portmap-');
    await writeFile(path.join(temp.dir, 'payload.bin'), randomBytes(256 * 1024));
    await writeFile(path.join(temp.dir, 'dialer.mjs'), DIALER);
    // The PortMapper child, bundled below node_modules so its packages resolve.
    const dir = path.join(repoRoot, 'node_modules/.cache', `swarmdrop-portmap-${process.pid}`);
    await mkdir(dir, { recursive: true });
    childScript = path.join(dir, 'port-mapper-child.mjs');
    await build({
      entryPoints: [path.join(repoRoot, 'test/support/port-mapper-child.ts')],
      outfile: childScript,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      packages: 'external',
      logLevel: 'error',
    });
  });
  afterEach(async () => {
    await Promise.allSettled(running.splice(0).map((c) => c.stop()));
    await router.stopMiniupnpd();
  });
  afterAll(async () => {
    await router?.remove();
    await temp?.remove();
    await cli?.remove();
    if (childScript) await rm(path.dirname(childScript), { recursive: true, force: true });
  });

  function share(tag: string, extra: string[] = []): Watched {
    const w = router.wrap(router.lanNs, process.execPath, [
      cli!.script,
      'share',
      path.join(temp.dir, 'payload.bin'),
      '--port',
      String(PEER_PORT),
      '--data-dir',
      path.join(temp.dir, `${tag}-data`),
      ...extra,
    ]);
    const child = new Watched(w.command, w.args);
    running.push(child);
    return child;
  }

  function dialFromOutside(infoHash: string): Promise<number | null> {
    const w = router.wrap(router.wanNs, process.execPath, [
      path.join(temp.dir, 'dialer.mjs'),
      router.externalIp,
      String(PEER_PORT),
      infoHash,
    ]);
    return new Watched(w.command, w.args).exited;
  }

  function mappedToUs(): string[] {
    return router
      .leases()
      .filter((l) => l.internalHost === router.lanIp && l.internalPort === PEER_PORT)
      .map((l) => `${l.protocol}:${l.externalPort}`)
      .sort();
  }

  it('UPnP: `share` maps TCP and UDP, says "mapped" until an outside peer comes in, then "yes"; Ctrl-C removes both', async () => {
    await router.startMiniupnpd({ upnp: true, natPmp: false });
    const child = share('upnp');
    const magnet = await child.waitFor(/^magnet:/, 60_000);
    const infoHash = /xt=urn:btih:([0-9a-f]{40})/i.exec(magnet)![1]!;
    await child.waitFor(
      new RegExp(
        `port mapped by the router via UPnP \\(${router.externalIp.replaceAll('.', '\\.')}:${PEER_PORT}\\)`,
      ),
      30_000,
    );
    expect(mappedToUs()).toEqual([`TCP:${PEER_PORT}`, `UDP:${PEER_PORT}`]);
    expect(router.dnatRules()).toHaveLength(2);
    expect(child.indexOf(/reachable from outside: yes/)).toBe(-1);

    expect(await dialFromOutside(infoHash)).toBe(0);
    await child.waitFor(/reachable from outside: yes \(20\.0\.\d+\.1:6881\)/, 30_000);

    expect(await child.stop()).toBe(0);
    expect(mappedToUs()).toEqual([]);
    expect(router.dnatRules()).toEqual([]);
  });

  it("NAT-PMP at the default route's gateway: `share` maps TCP and UDP and removes both at exit", async () => {
    await router.startMiniupnpd({ upnp: false, natPmp: true });
    const child = share('pmp');
    await child.waitFor(/^magnet:/, 60_000);
    await child.waitFor(/port mapped by the router via NAT-PMP \(20\.0\.\d+\.1:6881\)/, 30_000);
    expect(mappedToUs()).toEqual([`TCP:${PEER_PORT}`, `UDP:${PEER_PORT}`]);
    expect(router.dnatRules()).toHaveLength(2);
    expect(await child.stop()).toBe(0);
    expect(mappedToUs()).toEqual([]);
    expect(router.dnatRules()).toEqual([]);
  });

  it('--nat-gateway names the router: NAT-PMP at that address', async () => {
    await router.startMiniupnpd({ upnp: false, natPmp: true });
    const child = share('named', ['--nat-gateway', router.routerLanIp]);
    await child.waitFor(/port mapped by the router via NAT-PMP/, 30_000);
    expect(mappedToUs()).toEqual([`TCP:${PEER_PORT}`, `UDP:${PEER_PORT}`]);
    expect(await child.stop()).toBe(0);
    expect(mappedToUs()).toEqual([]);
  });

  it('--nat-gateway with a UPnP description URL uses that device', async () => {
    await router.startMiniupnpd({ upnp: true, natPmp: false });
    const child = share('named-upnp', [
      '--nat-gateway',
      `http://${router.routerLanIp}:${UPNP_HTTP_PORT}/rootDesc.xml`,
    ]);
    await child.waitFor(/port mapped by the router via UPnP/, 30_000);
    expect(mappedToUs()).toEqual([`TCP:${PEER_PORT}`, `UDP:${PEER_PORT}`]);
    expect(await child.stop()).toBe(0);
    expect(mappedToUs()).toEqual([]);
  });

  it('`daemon` maps the peer port while it runs and removes the mapping when it stops', async () => {
    await router.startMiniupnpd({ upnp: true, natPmp: true });
    // The daemon as users run it: the built CLI and web UI (dist/, `node scripts/build.mjs`).
    const w = router.wrap(router.lanNs, process.execPath, [
      path.join(repoRoot, 'bin/swarmdrop.mjs'),
      'daemon',
      '--web',
      '127.0.0.1:0',
      '--embedded-tracker',
      'off',
      '--peer-port',
      String(PEER_PORT),
      '--data-dir',
      path.join(temp.dir, 'daemon-data'),
    ]);
    const daemon = new Watched(w.command, w.args);
    running.push(daemon);
    await daemon.waitFor(/web UI on http/, 30_000);
    await until(() => mappedToUs().length === 2, 30_000, 'mapping by the daemon');
    expect(mappedToUs()).toEqual([`TCP:${PEER_PORT}`, `UDP:${PEER_PORT}`]);
    expect(await daemon.stop()).toBe(0);
    expect(mappedToUs()).toEqual([]);
    expect(router.dnatRules()).toEqual([]);
  });

  it('--no-port-mapping asks the router nothing', async () => {
    await router.startMiniupnpd({ upnp: true, natPmp: true });
    const child = share('off', ['--no-port-mapping']);
    await child.waitFor(/seeding on port/, 60_000);
    // Long enough for a search and a mapping to have happened, were one started.
    await new Promise((r) => setTimeout(r, 5000));
    expect(mappedToUs()).toEqual([]);
    expect(child.indexOf(/reachable from outside/)).toBe(-1);
    expect(await child.stop()).toBe(0);
  });

  it('no router: `share` starts without waiting and says "unknown" within seconds', async () => {
    const child = share('none');
    await child.waitFor(/^magnet:/, 60_000);
    await child.waitFor(/reachable from outside: unknown \(no router answered for UPnP or NAT-PMP\)/, 30_000);
    // The magnet (the share is up) came before the search ended: start-up did not wait for it.
    expect(child.indexOf(/^magnet:/)).toBeLessThan(child.indexOf(/reachable from outside: unknown/));
    expect(await child.stop()).toBe(0);
  });

  it.each([
    ['UPnP', { upnp: true, natPmp: false }, 3600],
    ['NAT-PMP', { upnp: false, natPmp: true }, 120],
  ] as const)(
    '%s: the mapping is renewed on schedule, moving its lease end, and removed at close',
    async (method, kinds, leaseSec) => {
      await router.startMiniupnpd(kinds);
      const w = router.wrap(router.lanNs, process.execPath, [
        childScript,
        JSON.stringify({ port: PEER_PORT, leaseSec, renewAfterMs: 1500 }),
      ]);
      const child = new TrackedChild(`port mapper (${method})`, w.command, w.args, { env: mappingEnv() });
      try {
        await child.waitFor((e) => e.json?.state === 'mapped', 30_000, 'mapped status');
        const first = router.leases().find((l) => l.protocol === 'UDP')!;
        expect(first.expiresSec).toBeGreaterThan(Date.now() / 1000 + leaseSec - 60);
        // Renewed: the lease's end moves later, for TCP and for UDP.
        await until(
          () =>
            router.leases().length === 2 &&
            router.leases().every((l) => l.expiresSec >= first.expiresSec + 2),
          30_000,
          `renewed leases (${JSON.stringify(router.leases())})\n${router.log().slice(-2000)}`,
        );
        // The mapper reports each renewal too (its status line follows the router's answer).
        await until(
          () => child.allEvents().filter((e) => e.json?.state === 'mapped').length >= 2,
          30_000,
          'a second "mapped" status',
        );
      } finally {
        await child.stop(15_000);
      }
      expect(child.allEvents().some((e) => e.json?.event === 'closed')).toBe(true);
      expect(mappedToUs()).toEqual([]);
    },
  );
});
