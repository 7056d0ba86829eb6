// Payloads for the interop tests: random bytes (so a misplaced block can never hash the
// same), their SHA-256 to prove a download byte-identical, and .torrent files written by
// a real client (transmission-create) rather than by the code under test.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { sha256File } from '../../harness/payload.ts';
import { parseTorrent } from '../../src-main/protocol/metainfo/parse-torrent.ts';

export { sha256File };

const run = promisify(execFile);

export interface PayloadFile {
  /** Path below the payload root, e.g. `album/cd1/a.bin` (or just the file name). */
  relativePath: string;
  lengthBytes: number;
  sha256Hex: string;
}

export interface InteropPayload {
  /** Folder the payload's top-level name lives in (a client's download/save dir). */
  parentDir: string;
  /** The torrent name: the single file's or the folder's name. */
  name: string;
  /** `parentDir/name`: what `share` is given. */
  root: string;
  files: PayloadFile[];
}

/** One file of `lengthBytes` random bytes at `parentDir/name`. */
export async function makeSingleFilePayload(
  parentDir: string,
  name: string,
  lengthBytes: number,
): Promise<InteropPayload> {
  return makeFolderPayload(parentDir, name, { '': lengthBytes });
}

/**
 * A folder `parentDir/name` holding `layout` (relative path → size), or, when `layout`
 * is `{ '': n }`, a single file named `name`.
 */
export async function makeFolderPayload(
  parentDir: string,
  name: string,
  layout: Record<string, number>,
): Promise<InteropPayload> {
  const root = path.join(parentDir, name);
  const files: PayloadFile[] = [];
  for (const [rel, lengthBytes] of Object.entries(layout)) {
    const file = rel === '' ? root : path.join(root, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, randomBytes(lengthBytes));
    files.push({
      relativePath: rel === '' ? name : path.join(name, rel),
      lengthBytes,
      sha256Hex: await sha256File(file),
    });
  }
  return { parentDir, name, root, files };
}

/**
 * Throws unless every file of `payload` exists below `downloadDir` with the same SHA-256,
 * naming the first file that differs.
 */
export async function expectSamePayload(payload: InteropPayload, downloadDir: string): Promise<void> {
  for (const f of payload.files) {
    const got = await sha256File(path.join(downloadDir, f.relativePath)).catch(
      (err: Error) => `missing (${err.message})`,
    );
    if (got !== f.sha256Hex)
      throw new Error(`${f.relativePath}: SHA-256 ${got} differs from the source ${f.sha256Hex}`);
  }
}

/** Writes a .torrent for `payload` with transmission-create (Debian transmission-cli). */
export async function transmissionCreate(
  tool: string,
  payload: InteropPayload,
  announceUrl: string,
  torrentFile: string,
  pieceKiB = 256,
): Promise<void> {
  await run(tool, ['-s', String(pieceKiB), '-t', announceUrl, '-o', torrentFile, payload.root], {
    timeout: 30_000,
  });
}

/** The lower-case hex info-hash of a .torrent file. */
export async function torrentInfoHashHex(torrentFile: string): Promise<string> {
  return parseTorrent(new Uint8Array(await readFile(torrentFile))).infoHashHex;
}

/** A magnet link (BEP 9) with the info-hash, a display name and one tracker, nothing else. */
export function magnetLink(infoHashHex: string, name: string, announceUrl: string): string {
  return `magnet:?xt=urn:btih:${infoHashHex}&dn=${encodeURIComponent(name)}&tr=${encodeURIComponent(announceUrl)}`;
}
