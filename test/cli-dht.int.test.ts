// `swarmdrop share` and `swarmdrop get` as processes with no tracker at all: the magnet
// has no `tr=`, the two find each other through a DHT whose only node is started here on
// 127.0.0.1 (--dht-bootstrap); and the flags that refuse bad input or turn the DHT off.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client as DhtClient } from 'bittorrent-dht';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackedChild } from '../harness/tracked-child.ts';
import { makeTempDir } from './support/temp-dir.ts';
import {
  buildCli,
  exitOrTimeout,
  loopbackPeerFlags,
  spawnCli,
  type BuiltCli,
} from './support/swarmdrop-cli.ts';
import { cleanupAfterEach, sha256File, writeRandomFile } from './engine-harness.ts';

const run = promisify(execFile);

describe('swarmdrop share / get over the DHT, no tracker', () => {
  let cli: BuiltCli;
  beforeAll(async () => {
    cli = await buildCli();
  }, 60_000);
  afterAll(async () => {
    await cli?.remove();
  });
  const defer = cleanupAfterEach();

  function startCli(name: string, args: string[]): TrackedChild {
    const child = spawnCli(cli, name, args, true);
    defer(() => child.stop());
    return child;
  }

  async function bootstrapNode(): Promise<string> {
    const node = new DhtClient({ bootstrap: false });
    await new Promise<void>((resolve) => node.listen(0, resolve));
    defer(() => new Promise<void>((resolve) => node.destroy(resolve)));
    return `127.0.0.1:${(node as unknown as { address(): { port: number } }).address().port}`;
  }

  it('get of a magnet with no tracker downloads from a share found through the DHT', async () => {
    const tmp = await makeTempDir();
    defer(tmp.remove);
    const bootstrap = await bootstrapNode();
    const source = path.join(tmp.dir, 'src', 'dht only.bin');
    await writeRandomFile(source, 2 * 1024 * 1024 + 17);
    const share = startCli('share', [
      'share',
      source,
      '--dht-bootstrap',
      bootstrap,
      ...loopbackPeerFlags(path.join(tmp.dir, 'd1')),
    ]);
    const magnetLine = await share.waitFor((e) => e.line.startsWith('magnet:?'), 30_000, 'magnet link');
    expect(magnetLine.line).not.toContain('tr=');
    const get = startCli('get', [
      'get',
      magnetLine.line.trim(),
      '--out',
      path.join(tmp.dir, 'out'),
      '--no-seed',
      '--json',
      '--dht-bootstrap',
      bootstrap,
      ...loopbackPeerFlags(path.join(tmp.dir, 'd2')),
    ]);
    const outcome = await exitOrTimeout(get, 60_000);
    if (outcome === 'timeout') throw new Error(`get still running: ${get.stderr()}`);
    expect(outcome.code).toBe(0);
    const doc = get.allEvents().find((e) => e.json)?.json as { path: string };
    expect(await sha256File(doc.path)).toBe(await sha256File(source));
  });

  it('--dht-bootstrap without a port is a usage error that names the flag', async () => {
    const tmp = await makeTempDir();
    defer(tmp.remove);
    const args = ['get', 'c0ffee'.padEnd(40, '0'), '--out', path.join(tmp.dir, 'out')];
    const failure = await run(process.execPath, [
      cli.script,
      ...args,
      '--dht-bootstrap',
      'dht.example.org',
      ...loopbackPeerFlags(path.join(tmp.dir, 'd')),
    ]).then(
      () => null,
      (err: { code?: number; stderr?: string }) => err,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain(
      "swarmdrop get: --dht-bootstrap needs HOST:PORT, got 'dht.example.org'",
    );
  });
});
