// What the CLI says when something is wrong, run as people run it (the built CLI, real
// files, a real UDP port that never answers): each message names the problem and, where
// one is at fault, the file or flag.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild } from './support/prebuilt.ts';

const CLI = path.resolve('bin/swarmdrop.mjs');

function run(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('CLI words', () => {
  let dir = '';
  beforeAll(async () => {
    requireBuild('dist/cli/main.js');
    dir = await mkdtemp(path.join(tmpdir(), 'swarmdrop-cli-words-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('an unknown flag is named plainly, with a pointer to --help', async () => {
    const r = await run(['get', 'x', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      'swarmdrop get: unknown option --bogus (see --help for the options)',
    );
  });

  it('--prefer-utp with --no-utp is refused as a contradiction', async () => {
    const r = await run([
      'get',
      'a'.repeat(40),
      '--out',
      dir,
      '--no-utp',
      '--prefer-utp',
      '--no-dht',
      '--no-lsd',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--prefer-utp and --no-utp contradict each other');
  });

  it('create refuses a .torrent destination in a missing folder before hashing anything', async () => {
    const file = path.join(dir, 'data.bin');
    await writeFile(file, Buffer.alloc(1024));
    const r = await run(['create', file, '-o', path.join(dir, 'missing', 'x.torrent')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `cannot write the .torrent: folder ${path.join(dir, 'missing')} does not exist`,
    );
    expect(r.stderr + r.stdout).not.toContain('hashing');
  });

  it('a bad .torrent error names the file', async () => {
    const bad = path.join(dir, 'bad.torrent');
    await writeFile(bad, 'not bencode at all');
    const r = await run(['get', bad, '--out', path.join(dir, 'out'), '--data-dir', path.join(dir, 'data')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:`);
  });

  it('a name looked up with no catalog answering says so, not "nothing named"', async () => {
    // Port 9 (discard) on loopback: nothing answers there.
    const r = await run([
      'get',
      'holiday',
      '--tracker',
      'udp://127.0.0.1:9',
      '--out',
      path.join(dir, 'out'),
      '--data-dir',
      path.join(dir, 'data'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("could not look up 'holiday': no tracker's catalog answered");
    expect(r.stderr).not.toContain('nothing named');
  });
});
