import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../../test/support/temp-dir.ts';
import { parseTorrent } from '../protocol/metainfo/parse-torrent.ts';
import { createCommand, parseSize } from './create-command.ts';

let temp: { dir: string; remove(): Promise<void> };
beforeAll(async () => {
  temp = await makeTempDir('swarmdrop-create-cli-');
  await mkdir(path.join(temp.dir, 'share'));
  await writeFile(path.join(temp.dir, 'share', 'a.txt'), 'hello world');
});
afterAll(() => temp.remove());
afterEach(() => vi.restoreAllMocks());

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return { out, err };
}

describe('swarmdrop create', () => {
  it('writes the .torrent and prints exactly the JSON summary', async () => {
    const { out } = capture();
    const output = path.join(temp.dir, 'share.torrent');
    const share = path.join(temp.dir, 'share');
    const code = await createCommand.run([
      share,
      '-o',
      output,
      '-t',
      'udp://127.0.0.1:6969',
      '-l',
      '16K',
      '--private',
      '--json',
    ]);
    expect(code).toBe(0);
    const m = parseTorrent(await readFile(output));
    expect(m.private).toBe(true);
    expect(JSON.parse(out.join(''))).toEqual({
      infoHash: m.infoHashHex,
      magnet: `magnet:?xt=urn:btih:${m.infoHashHex}&dn=share&tr=udp%3A%2F%2F127.0.0.1%3A6969`,
      name: 'share',
      sizeBytes: 11,
      pieceLengthBytes: 16384,
      pieceCount: 1,
    });
  });

  it('prints help with exit code 0', async () => {
    const { out } = capture();
    expect(await createCommand.run(['--help'])).toBe(0);
    expect(out.join('')).toMatch(/usage: swarmdrop create <path>/);
  });

  it.each([
    [[], /missing <path>/],
    [['a', 'b'], /several paths make one torrent: give it a name with --name/],
    [['x', '-w', 'ftp://127.0.0.1/x'], /web seed must be an http:\/\/ or https:\/\/ URL/],
    [['x', '-w', 'not a url'], /web seed must be/],
    [['x', '--bogus'], /bogus/],
    [['x', '-t', 'not a url'], /not a tracker URL/],
    [['x', '-t', 'ftp://127.0.0.1/'], /udp:\/\//],
    [['x', '-l', 'big'], /not a size/],
  ])('refuses %j with usage and exit code 2', async (argv, message) => {
    const { err } = capture();
    expect(await createCommand.run(argv)).toBe(2);
    expect(err.join('\n')).toMatch(message);
  });

  it('refuses to write the .torrent inside the folder being hashed', async () => {
    capture();
    const share = path.join(temp.dir, 'share');
    await expect(createCommand.run([share, '-o', path.join(share, 'x.torrent')])).rejects.toThrow(
      /inside the folder/,
    );
  });

  it('parses sizes with K and M suffixes', () => {
    expect(parseSize('262144')).toBe(262144);
    expect(parseSize('256K')).toBe(262144);
    expect(parseSize('256KiB')).toBe(262144);
    expect(parseSize('4m')).toBe(4 * 1024 * 1024);
  });
});
