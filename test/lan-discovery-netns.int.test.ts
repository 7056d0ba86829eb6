// Finding peers and shares with no tracker at all, on a LAN made of network namespaces on
// a bridge (test/support/lan-netns.ts): two `swarmdrop` machines see each other's shares
// in the LAN catalog and download by name; LSD (BEP 14) alone finds the peers of an
// info-hash; and python3-libtorrent, with LSD as its only source of peers, downloads
// from us and seeds to us. Multicast stays inside the namespaces.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TrackedChild } from '../harness/tracked-child.ts';
import { SYSTEM_PYTHON, libtorrentVersion } from '../harness/clients/libtorrent-client.ts';
import { expectSamePayload, makeSingleFilePayload, type InteropPayload } from './support/interop-payload.ts';
import { createNetnsLan, type LanMachine, type NetnsLan } from './support/lan-netns.ts';
import { netnsUnavailable } from './support/netns.ts';
import { buildCliFor, type BuiltCli } from './support/swarmdrop-cli.ts';
import { makeTempDir } from './support/temp-dir.ts';
import { repoRoot } from './support/interop-harness.ts';

const run = promisify(execFile);
const MIB = 1024 * 1024;
const noNetns = netnsUnavailable();
if (noNetns) console.warn(`SKIPPED: ${noNetns}`);
const cli = await buildCliFor(!noNetns, 'share', 'get', 'list');
const libtorrent = libtorrentVersion();
if (!libtorrent) console.warn(`SKIPPED: ${SYSTEM_PYTHON} cannot import libtorrent (python3-libtorrent)`);

// This file builds its own LAN of namespaces: LSD and the LAN catalog use every interface
// there, not the loopback-only interface the rest of the suite pins (vitest.config.ts).
// Every process started below inherits this.
delete process.env.SWARMDROP_LAN_INTERFACE;

describe.skipIf(!cli)('LAN discovery with no tracker (namespaces on a bridge)', () => {
  let lan: NetnsLan;
  let temp: { dir: string; remove(): Promise<void> };
  let built: BuiltCli;
  const running: TrackedChild[] = [];

  beforeAll(async () => {
    built = cli!;
    lan = createNetnsLan(3);
    temp = await makeTempDir('swarmdrop-lan-netns-');
  });
  afterEach(async () => {
    await Promise.allSettled(running.splice(0).map((c) => c.stop()));
  });
  afterAll(async () => {
    lan?.remove();
    await cli?.remove();
    await temp?.remove();
  });

  const cliArgs = (machine: LanMachine, tag: string) => [
    '--host',
    machine.ip,
    '--port',
    '6881',
    '--data-dir',
    path.join(temp.dir, `${tag}-data`),
  ];

  function spawnIn(machine: LanMachine, name: string, command: string, args: string[]): TrackedChild {
    const argv = machine.wrap(command, args);
    const child = new TrackedChild(name, argv.command, argv.args, {
      // Inside the namespaces' own LAN: every interface (the suite's loopback-only setting cleared).
      env: { ...process.env, SWARMDROP_DEBUG: '1', SWARMDROP_LAN_INTERFACE: '' },
    });
    running.push(child);
    return child;
  }

  async function shareOn(machine: LanMachine, tag: string, payload: InteropPayload, extra: string[] = []) {
    const child = spawnIn(machine, `share on ${tag}`, process.execPath, [
      built.script,
      'share',
      payload.root,
      ...cliArgs(machine, tag),
      ...extra,
    ]);
    const line = await child.waitFor((e) => /^magnet:\?/.test(e.line.trim()), 30_000, 'magnet link');
    return /xt=urn:btih:([0-9a-f]{40})/.exec(line.line)![1]!;
  }

  async function cliIn(machine: LanMachine, args: string[]): Promise<string> {
    const argv = machine.wrap(process.execPath, [built.script, ...args]);
    const { stdout } = await run(argv.command, argv.args, { timeout: 120_000 });
    return stdout;
  }

  it("lists another machine's share in the LAN catalog and downloads it by name", async () => {
    const [a, b] = lan.machines as [LanMachine, LanMachine];
    const payload = await makeSingleFilePayload(
      path.join(temp.dir, 'a-files'),
      'holiday-photos.bin',
      3 * MIB,
    );
    const hidden = await makeSingleFilePayload(path.join(temp.dir, 'a-files'), 'private-notes.bin', 1000);
    const infoHash = await shareOn(a, 'a', payload);
    await shareOn(a, 'a2', hidden, ['--unlisted', '--port', '6882']);

    const listed = JSON.parse(await cliIn(b, ['list', '--json'])) as {
      name: string;
      infoHash: string;
      sizeBytes: number;
      who: string;
      peer: string;
    }[];
    expect(listed).toEqual([
      expect.objectContaining({
        name: 'holiday-photos.bin',
        infoHash,
        sizeBytes: 3 * MIB,
        peer: `${a.ip}:6881`,
      }),
    ]);
    expect(listed[0]!.who.length).toBeGreaterThan(0);

    const out = path.join(temp.dir, 'b-downloads');
    await cliIn(b, [
      'get',
      'holiday-photos.bin',
      '--out',
      out,
      '--no-seed',
      '--timeout',
      '90',
      ...cliArgs(b, 'b'),
    ]);
    await expectSamePayload(payload, out);
  });

  it('a name nobody on the LAN shares is an error in words, after asking the LAN', async () => {
    const [, b] = lan.machines as [LanMachine, LanMachine];
    const argv = b.wrap(process.execPath, [
      built.script,
      'get',
      'no-such-share',
      '--out',
      path.join(temp.dir, 'nothing'),
      ...cliArgs(b, 'nothing'),
    ]);
    const failed = await run(argv.command, argv.args, { timeout: 60_000 }).then(
      () => null,
      (err: { code?: number; stderr?: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/nothing named 'no-such-share' on the LAN/);
  });

  it('finds the peers of an info-hash by LSD alone (no catalog, no tracker, no magnet peers)', async () => {
    const [a, b] = lan.machines as [LanMachine, LanMachine];
    const payload = await makeSingleFilePayload(path.join(temp.dir, 'lsd-files'), 'lsd-only.bin', 2 * MIB);
    const infoHash = await shareOn(a, 'lsd-a', payload, ['--unlisted']);
    const out = path.join(temp.dir, 'lsd-b-downloads');
    await cliIn(b, ['get', infoHash, '--out', out, '--no-seed', '--timeout', '90', ...cliArgs(b, 'lsd-b')]);
    await expectSamePayload(payload, out);
  });

  it.skipIf(!libtorrent)('libtorrent with LSD only downloads from `swarmdrop share`', async () => {
    const [a, , c] = lan.machines as [LanMachine, LanMachine, LanMachine];
    const payload = await makeSingleFilePayload(
      path.join(temp.dir, 'lt-files'),
      'to-libtorrent.bin',
      2 * MIB,
    );
    const infoHash = await shareOn(a, 'lt-a', payload);
    const save = path.join(temp.dir, 'lt-c-downloads');
    const peer = spawnIn(c, 'libtorrent leecher', SYSTEM_PYTHON, [
      path.join(repoRoot, 'harness/peers/libtorrent_lsd_peer.py'),
      '--info-hash',
      infoHash,
      '--save',
      save,
      '--listen',
      c.ip,
    ]);
    await peer.waitFor((e) => e.json?.event === 'finished', 90_000, 'download finished');
    await expectSamePayload(payload, save);
  });

  it.skipIf(!libtorrent)('`swarmdrop get` downloads from libtorrent found by LSD only', async () => {
    const [, b, c] = lan.machines as [LanMachine, LanMachine, LanMachine];
    const payload = await makeSingleFilePayload(
      path.join(temp.dir, 'lt-seed'),
      'from-libtorrent.bin',
      2 * MIB,
    );
    const torrent = path.join(temp.dir, 'from-libtorrent.torrent');
    const infoHash = (
      JSON.parse(
        (await run(process.execPath, [built.script, 'create', payload.root, '-o', torrent, '--json'])).stdout,
      ) as { infoHash: string }
    ).infoHash;
    const seeder = spawnIn(c, 'libtorrent seeder', SYSTEM_PYTHON, [
      path.join(repoRoot, 'harness/peers/libtorrent_lsd_peer.py'),
      '--torrent',
      torrent,
      '--save',
      payload.parentDir,
      '--listen',
      c.ip,
    ]);
    await seeder.waitFor((e) => e.json?.event === 'seeding', 60_000, 'seeding');
    const out = path.join(temp.dir, 'from-lt-b');
    await cliIn(b, [
      'get',
      infoHash,
      '--out',
      out,
      '--no-seed',
      '--timeout',
      '90',
      ...cliArgs(b, 'from-lt-b'),
    ]);
    await expectSamePayload(payload, out);
  });
});
