// Adding a .torrent: its copy in the data folder is written while the torrent starts, and
// the resume record that restores the torrent waits for it (ResumeStore.save).
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.ts';
import { bencode } from '../../protocol/bencode.ts';
import type { Session } from '../session-api.ts';
import { openSession } from './open-session.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A one-piece torrent whose payload is nowhere: adding it starts a download. */
function torrentBytes(): { bytes: Uint8Array; infoHashHex: string } {
  const payload = Buffer.alloc(16 * 1024, 7);
  const info = {
    length: payload.length,
    name: Buffer.from('absent.bin'),
    'piece length': payload.length,
    pieces: createHash('sha1').update(payload).digest(),
  };
  return {
    bytes: bencode({ info }),
    infoHashHex: createHash('sha1').update(bencode(info)).digest('hex'),
  };
}

async function setup(): Promise<{ session: Session; dataDir: string }> {
  const t = await makeTempDir();
  cleanups.push(() => t.remove());
  const dataDir = path.join(t.dir, 'engine');
  const session = await openSession({
    dataDir,
    downloadDir: path.join(t.dir, 'downloads'),
    peerHost: '127.0.0.1',
    peerPort: 0,
  });
  cleanups.push(() => session.close());
  return { session, dataDir };
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const hasRecord = (dataDir: string, id: string) => () =>
  readdir(path.join(dataDir, 'resume')).then(
    (names) => names.includes(`${id}.json`),
    () => false,
  );

describe('adding a .torrent', () => {
  it('resolves with its copy on disk, and its resume record follows', async () => {
    const { session, dataDir } = await setup();
    const { bytes, infoHashHex } = torrentBytes();
    const added = await session.add({ kind: 'metainfo', bytes });
    expect(added.id).toBe(infoHashHex);
    expect(new Uint8Array(await readFile(path.join(dataDir, 'torrents', `${infoHashHex}.torrent`)))).toEqual(
      bytes,
    );
    await until(hasRecord(dataDir, infoHashHex), 'the resume record');
  });

  it('fails when its copy cannot be written, and leaves no torrent and no resume record', async () => {
    const { session, dataDir } = await setup();
    const { bytes, infoHashHex } = torrentBytes();
    // A file where the torrents/ folder goes: the copy cannot be written.
    await rm(path.join(dataDir, 'torrents'), { recursive: true, force: true });
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dataDir, 'torrents'), 'not a folder');
    await expect(session.add({ kind: 'metainfo', bytes })).rejects.toThrow();
    expect(session.list()).toEqual([]);
    // Given the time the torrent's own first save takes when it succeeds.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await hasRecord(dataDir, infoHashHex)()).toBe(false);
    // Nothing stuck: once the folder can be written, the same add works.
    await rm(path.join(dataDir, 'torrents'));
    expect((await session.add({ kind: 'metainfo', bytes })).id).toBe(infoHashHex);
    await until(hasRecord(dataDir, infoHashHex), 'the resume record');
  });
});
