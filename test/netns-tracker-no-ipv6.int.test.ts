// `swarmdrop tracker` on its default listen address in a network namespace whose IPv6 is
// switched off (every interface's disable_ipv6 set), joined to ours by an IPv4 veth link
// (test/support/netns.ts). The default is dual-stack: the tracker must still serve IPv4
// clients across the link, over UDP and over its HTTP face, and list them as IPv4 peers.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTrackerClient } from '../src-main/tracker/client/http-tracker-client.ts';
import { UdpTrackerClient } from '../src-main/tracker/client/udp-tracker-client.ts';
import { createNetnsLink, netnsUnavailable, type NetnsLink } from './support/netns.ts';
import { requireBuild } from './support/prebuilt.ts';

const noNetns = netnsUnavailable();
if (noNetns) console.warn(`SKIPPED: ${noNetns}`);

describe.skipIf(noNetns)('swarmdrop tracker, default listen address, in a namespace without IPv6', () => {
  let link: NetnsLink | undefined;
  let child: ChildProcess | undefined;
  let exited: Promise<number | null> | undefined;

  beforeAll(() => {
    requireBuild('dist/cli/main.js');
    link = createNetnsLink('v6t');
    for (const key of ['all', 'default', 'lo']) link.setSysctl(`net/ipv6/conf/${key}/disable_ipv6`, '1');
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    link?.remove();
  });

  it('serves IPv4 clients across the link over UDP and HTTP', async () => {
    const { command, args } = link!.wrap(process.execPath, [
      'bin/swarmdrop.mjs',
      'tracker',
      '--port',
      '0',
      '--http',
      '--stats-interval',
      '0',
    ]);
    child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const started = child;
    exited = new Promise((resolve) => started.once('exit', (code) => resolve(code)));
    const lines: string[] = [];
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line: ${lines.join('\n')}`)), 20_000);
      createInterface({ input: started.stdout! }).on('line', (line) => {
        lines.push(line);
        const m = /^tracker listening on (udp:\/\/\S+)$/.exec(line);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      void exited!.then((code) => reject(new Error(`tracker exited with ${code}: ${lines.join('\n')}`)));
    });
    const port = Number(/:(\d+)$/.exec(url)![1]);
    const params = (peerPort: number) => ({
      infoHash: new Uint8Array(20).fill(0x5c),
      peerId: new Uint8Array(20).fill(0x5d),
      port: peerPort,
      uploaded: 0,
      downloaded: 0,
      left: 1,
      event: 'started' as const,
      numWant: 10,
    });
    const udp = new UdpTrackerClient(`udp://${link!.insideIp}:${port}`, { baseTimeoutMs: 1000 });
    const http = new HttpTrackerClient(`http://${link!.insideIp}:${port}/announce`);
    try {
      expect((await udp.announce(params(7101))).peers).toEqual([]);
      expect((await http.announce(params(7102))).peers).toEqual([{ host: link!.outsideIp, port: 7101 }]);
    } finally {
      udp.close();
      http.close();
    }
    started.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 40_000);
});
