// `swarmdrop get --only GLOB --sequential` as a process, from a real seeder over loopback.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from './support/temp-dir.ts';
import {
  buildCli,
  exitOrTimeout,
  loopbackPeerFlags,
  spawnCli,
  type BuiltCli,
} from './support/swarmdrop-cli.ts';
import { cleanupAfterEach, sha256File, startEngineEnv, writeRandomFile } from './engine-harness.ts';

const run = promisify(execFile);

describe('swarmdrop get --only', () => {
  let cli: BuiltCli;
  beforeAll(async () => {
    cli = await buildCli();
  }, 60_000);
  afterAll(async () => {
    await cli?.remove();
  });
  const defer = cleanupAfterEach();

  it('downloads only the files matching the globs (in order with --sequential); the others are never created', async () => {
    const { dir, open } = await startEngineEnv(defer);
    const show = path.join(dir, 'src', 'show');
    await writeRandomFile(path.join(show, 'season 1', 'e01.mkv'), 300_000);
    await writeRandomFile(path.join(show, 'season 1', 'e01.srt'), 2_000);
    await writeRandomFile(path.join(show, 'season 2', 'e01.mkv'), 300_000);
    await writeRandomFile(path.join(show, 'season 2', 'e01.srt'), 2_100);
    const seeder = await open('seeder');
    const shared = await seeder.share([show], { pieceLengthBytes: 32 * 1024 });
    const torrentFile = path.join(dir, 'show.torrent');
    await writeFile(torrentFile, shared.torrentBytes);
    const out = path.join(dir, 'out');
    const get = spawnCli(cli, 'get', [
      'get',
      torrentFile,
      '--out',
      out,
      '--only',
      'season 1/**',
      '--only',
      '*.srt',
      '--sequential',
      '--no-seed',
      '--json',
      ...loopbackPeerFlags(path.join(dir, 'cli')),
    ]);
    defer(() => get.stop());
    const outcome = await exitOrTimeout(get, 60_000);
    expect(outcome === 'timeout' ? `timeout: ${get.stderr()}` : outcome.code).toBe(0);
    const doc = get.allEvents().find((e) => e.json)!.json as { selectedSizeBytes: number; sizeBytes: number };
    expect(doc.selectedSizeBytes).toBe(300_000 + 2_000 + 2_100);
    expect(doc.sizeBytes).toBe(604_100);
    for (const f of ['season 1/e01.mkv', 'season 1/e01.srt', 'season 2/e01.srt'])
      expect(await sha256File(path.join(out, 'show', f))).toBe(await sha256File(path.join(show, f)));
    expect(existsSync(path.join(out, 'show', 'season 2', 'e01.mkv'))).toBe(false);
  });

  it('a bad glob is a usage error before anything is downloaded', async () => {
    const tmp = await makeTempDir();
    defer(tmp.remove);
    const args = [cli.script, 'get', 'a'.repeat(40), '--out', tmp.dir, '--only', 'e0[1-', '--no-seed'];
    const failure = await run(process.execPath, args, { timeout: 20_000 }).then(
      () => null,
      (err: { code?: number; stderr?: string }) => err,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain('--only: unterminated [ in glob: e0[1-');
  });
});
