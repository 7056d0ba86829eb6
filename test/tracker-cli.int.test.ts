// `swarmdrop tracker` and `swarmdrop list` as a user runs them: the built CLI in child
// processes on 127.0.0.1, a torrent published through our client in between.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishToCatalog } from '../src-main/tracker/client/catalog-client.ts';
import { HttpTrackerClient } from '../src-main/tracker/client/http-tracker-client.ts';
import { UdpTrackerClient } from '../src-main/tracker/client/udp-tracker-client.ts';
import { requireBuild } from './support/prebuilt.ts';

const run = promisify(execFile);
const cli = (args: string[]) => run(process.execPath, ['bin/swarmdrop.mjs', ...args], { timeout: 30_000 });

interface RunningTracker {
  child: ChildProcess;
  url: string;
  lines: string[];
  exited: Promise<number | null>;
}

/** Starts `swarmdrop tracker`, resolves with its URL once it printed the listening line. */
async function startTracker(args: string[]): Promise<RunningTracker> {
  const child = spawn(process.execPath, ['bin/swarmdrop.mjs', 'tracker', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no listening line in 20 s: ${lines.join('\n')}`)),
      20_000,
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      const m = /^tracker listening on (udp:\/\/\S+)$/.exec(line);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((code) => reject(new Error(`tracker exited with ${code}: ${lines.join('\n')}`)));
  });
  return { child, url, lines, exited };
}

describe('swarmdrop tracker + swarmdrop list', () => {
  let tracker: RunningTracker | undefined;
  const clients: UdpTrackerClient[] = [];

  beforeAll(() => {
    requireBuild('dist/cli/main.js');
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    if (tracker && tracker.child.exitCode === null) {
      tracker.child.kill('SIGKILL');
      await tracker.exited;
    }
  });

  it('serves, publishes, lists, summarises and stops on SIGTERM', async () => {
    tracker = await startTracker([
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--interval',
      '15',
      '--stats-interval',
      '1',
    ]);
    expect(tracker.url).toMatch(/^udp:\/\/127\.0\.0\.1:\d+$/);
    expect(tracker.lines.filter((l) => l.startsWith('tracker listening on'))).toHaveLength(1);

    const torrents = [
      {
        infoHash: Buffer.alloc(20, 0xa1),
        name: 'Holiday Photos 2024',
        totalSizeBytes: 3 * 1024 * 1024,
        fileCount: 42,
      },
      {
        infoHash: Buffer.alloc(20, 0xb2),
        name: 'debian-12.iso',
        totalSizeBytes: 600 * 1024 * 1024,
        fileCount: 1,
      },
    ];
    const seeder = new UdpTrackerClient(`${tracker.url}/announce`, { baseTimeoutMs: 500 });
    clients.push(seeder);
    for (const t of torrents) {
      await seeder.announce({
        infoHash: t.infoHash,
        peerId: Buffer.alloc(20, 1),
        port: 6881,
        uploaded: 0,
        downloaded: 0,
        left: 0,
        event: 'started',
      });
      expect(await publishToCatalog(tracker.url, t, { baseTimeoutMs: 500 })).toBe('added');
    }

    const all = JSON.parse((await cli(['list', '--tracker', tracker.url, '--json'])).stdout) as Record<
      string,
      unknown
    >[];
    expect(all).toEqual([
      {
        name: 'debian-12.iso',
        infoHash: 'b2'.repeat(20),
        sizeBytes: 600 * 1024 * 1024,
        fileCount: 1,
        seeders: 1,
        leechers: 0,
        completed: 0,
        magnet: `magnet:?xt=urn:btih:${'b2'.repeat(20)}&dn=debian-12.iso&tr=${encodeURIComponent(tracker.url)}`,
      },
      expect.objectContaining({
        name: 'Holiday Photos 2024',
        infoHash: 'a1'.repeat(20),
        fileCount: 42,
        seeders: 1,
      }),
    ]);

    const found = await cli(['list', '--tracker', tracker.url, '--search', 'PHOTOS']);
    expect(found.stdout).toContain('Holiday Photos 2024');
    expect(found.stdout).toContain('a1'.repeat(20));
    expect(found.stdout).toContain('magnet:?xt=urn:btih:' + 'a1'.repeat(20));
    expect(found.stdout).not.toContain('debian');
    const none = JSON.parse(
      (await cli(['list', '--tracker', tracker.url, '--search', 'nothing', '--json'])).stdout,
    ) as unknown[];
    expect(none).toEqual([]);

    // a summary line with the swarm and peer counts (bounded wait: --stats-interval 1)
    const deadline = Date.now() + 10_000;
    while (!tracker.lines.some((l) => /2 swarms, 2 peers/.test(l)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(tracker.lines.find((l) => /2 swarms, 2 peers/.test(l))).toMatch(/announces\/s/);

    tracker.child.kill('SIGTERM');
    expect(await tracker.exited).toBe(0);
  });

  it('exits 1 with one clear line when the port is taken', async () => {
    const first = await startTracker(['--host', '127.0.0.1', '--port', '0', '--stats-interval', '0']);
    try {
      const port = new URL(first.url).port;
      const second = await cli(['tracker', '--host', '127.0.0.1', '--port', port]).catch(
        (e: { code: number; stderr: string; stdout: string }) => e,
      );
      expect('code' in second && second.code).toBe(1);
      expect(second.stderr.trim().split('\n')).toEqual([
        `swarmdrop tracker: udp port ${port} on 127.0.0.1 is already in use`,
      ]);
    } finally {
      first.child.kill('SIGINT');
      expect(await first.exited).toBe(0);
    }
  });

  it('with no --host, listens on IPv6 and IPv4 (UDP and --http): answers 127.0.0.1 and ::1 in their own family', async () => {
    const t = await startTracker(['--port', '0', '--stats-interval', '0', '--http']);
    try {
      expect(t.url).toMatch(/^udp:\/\/\[::\]:\d+$/);
      const port = Number(new URL(t.url).port);
      const params = (peerPort: number) => ({
        infoHash: new Uint8Array(20).fill(0x6a),
        peerId: new Uint8Array(20).fill(0x6b),
        port: peerPort,
        uploaded: 0,
        downloaded: 0,
        left: 1,
        event: 'started' as const,
        numWant: 10,
      });
      const v4 = new UdpTrackerClient(`udp://127.0.0.1:${port}`, { baseTimeoutMs: 1000 });
      const v6 = new UdpTrackerClient(`udp://[::1]:${port}`, { baseTimeoutMs: 1000 });
      const http4 = new HttpTrackerClient(`http://127.0.0.1:${port}/announce`);
      const http6 = new HttpTrackerClient(`http://[::1]:${port}/announce`);
      clients.push(v4, v6);
      try {
        await v4.announce(params(7001));
        await v6.announce(params(7002));
        expect((await http4.announce(params(7003))).peers).toEqual([{ host: '127.0.0.1', port: 7001 }]);
        expect((await http6.announce(params(7004))).peers).toEqual([{ host: '::1', port: 7002 }]);
      } finally {
        http4.close();
        http6.close();
      }
    } finally {
      t.child.kill('SIGINT');
      expect(await t.exited).toBe(0);
    }
  });

  it('list refuses a tracker that is not udp:// (the catalog is a UDP extension): usage, exit 2', async () => {
    const err = await cli(['list', '--tracker', 'http://127.0.0.1:1/announce']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect('code' in err && err.code).toBe(2);
    expect(err.stderr).toContain('--tracker must be a udp:// URL');
  });
});
