// Opening a transfer from the daemon: the opener each platform uses, a real program
// started (a recording stand-in for xdg-open, found on PATH like the real one), and the
// gate that only lets a client on this machine ask for it.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/temp-dir.ts';
import { AppService } from './app-service.ts';
import { desktopInvocation, desktopOpenCommand } from './desktop-open.ts';
import { realServiceDeps } from './real-deps.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tempDir(): Promise<string> {
  const t = await makeTempDir();
  cleanups.push(() => t.remove());
  return t.dir;
}

/** Puts a stand-in `xdg-open` first on PATH that writes its arguments to `record`. */
async function recordingOpener(dir: string, record: string): Promise<void> {
  const bin = path.join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  const script = path.join(bin, 'xdg-open');
  await writeFile(script, `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\n`);
  await chmod(script, 0o755);
  const before = process.env.PATH;
  process.env.PATH = `${bin}:${before ?? ''}`;
  cleanups.push(() => {
    process.env.PATH = before;
  });
}

async function waitForFile(file: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text) return text;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${file} never written`);
}

describe('opening a transfer from the daemon', () => {
  it('each platform uses its own opener; Linux shows a file by opening its folder', () => {
    expect(desktopInvocation('darwin', '/d/a.bin', true, false)).toEqual({
      program: 'open',
      args: ['-R', '/d/a.bin'],
    });
    expect(desktopInvocation('darwin', '/d/a.bin', false, false)).toEqual({
      program: 'open',
      args: ['/d/a.bin'],
    });
    expect(desktopInvocation('win32', 'C:\\d\\a.bin', true, false)).toEqual({
      program: 'explorer.exe',
      args: ['/select,C:\\d\\a.bin'],
    });
    expect(desktopInvocation('linux', '/d/a.bin', true, false)).toEqual({
      program: 'xdg-open',
      args: ['/d'],
    });
    expect(desktopInvocation('linux', '/d/album', true, true)).toEqual({
      program: 'xdg-open',
      args: ['/d/album'],
    });
    expect(desktopInvocation('linux', '/d/a.bin', false, false)).toEqual({
      program: 'xdg-open',
      args: ['/d/a.bin'],
    });
  });

  it('starts the opener with the transfer path, and with its folder for "show in folder"', async () => {
    const dir = await tempDir();
    const record = path.join(dir, 'opened.txt');
    await recordingOpener(dir, record);
    await writeFile(path.join(dir, 'movie.webm'), 'x');
    const open = desktopOpenCommand(() => ({ savePath: dir, name: 'movie.webm' }), 'linux');
    await open({ id: 'a'.repeat(40), reveal: false });
    expect((await waitForFile(record)).trim()).toBe(path.join(dir, 'movie.webm'));
    await writeFile(record, '');
    await open({ id: 'a'.repeat(40), reveal: true });
    expect((await waitForFile(record)).trim()).toBe(dir);
  });

  it('opens one file of a torrent, or shows its folder, by the file index', async () => {
    const dir = await tempDir();
    const record = path.join(dir, 'opened.txt');
    await recordingOpener(dir, record);
    await mkdir(path.join(dir, 'trip', 'day 2'), { recursive: true });
    await writeFile(path.join(dir, 'trip', 'day 2', 'map.txt'), 'x');
    const files = [
      { index: 0, path: ['route.gpx'] },
      { index: 1, path: ['day 2', 'map.txt'] },
    ];
    const open = desktopOpenCommand(() => ({ savePath: dir, name: 'trip', files }), 'linux');
    await open({ id: 'a'.repeat(40), reveal: false, fileIndex: 1 });
    expect((await waitForFile(record)).trim()).toBe(path.join(dir, 'trip', 'day 2', 'map.txt'));
    await writeFile(record, '');
    await open({ id: 'a'.repeat(40), reveal: true, fileIndex: 1 });
    expect((await waitForFile(record)).trim()).toBe(path.join(dir, 'trip', 'day 2'));
    // Not downloaded (skipped, or not there yet), and an index the torrent does not have.
    await expect(open({ id: 'a'.repeat(40), reveal: false, fileIndex: 0 })).rejects.toMatchObject({
      code: 'file-not-found',
    });
    await expect(open({ id: 'a'.repeat(40), reveal: false, fileIndex: 7 })).rejects.toMatchObject({
      code: 'file-not-found',
    });
  });

  it('a transfer whose files are gone is file-not-found; no opener installed is no-file-opener', async () => {
    const dir = await tempDir();
    const open = desktopOpenCommand(() => ({ savePath: dir, name: 'gone.bin' }), 'linux');
    await expect(open({ id: 'a'.repeat(40), reveal: false })).rejects.toMatchObject({
      code: 'file-not-found',
    });
    await writeFile(path.join(dir, 'here.bin'), 'x');
    const before = process.env.PATH;
    process.env.PATH = path.join(dir, 'no-programs-here');
    cleanups.push(() => {
      process.env.PATH = before;
    });
    const openHere = desktopOpenCommand(() => ({ savePath: dir, name: 'here.bin' }), 'linux');
    await expect(openHere({ id: 'a'.repeat(40), reveal: false })).rejects.toMatchObject({
      code: 'no-file-opener',
      detail: 'xdg-open is not installed on this machine',
    });
  });

  it('the service opens files only for a client on this machine', async () => {
    const dir = await tempDir();
    const record = path.join(dir, 'opened.txt');
    await recordingOpener(dir, record);
    const service = await AppService.open(
      {
        host: 'daemon',
        version: 'test',
        dataDir: dir,
        defaultDownloadDir: path.join(dir, 'downloads'),
        overrides: { bindHost: '127.0.0.1', advertiseHost: '127.0.0.1', peerPort: 0, embeddedTracker: 'off' },
        log: () => undefined,
        hostCommands: { openPath: desktopOpenCommand((id) => service.session.detail(id).summary, 'linux') },
      },
      realServiceDeps(),
    );
    cleanups.push(() => service.close());
    const file = path.join(dir, 'notes.txt');
    await writeFile(file, 'y'.repeat(50_000));
    const local = service.connect(() => undefined);
    const shared = await local.invoke('share', { paths: [file] });
    expect(shared.ok).toBe(true);
    const id = (shared as { response: { id: string } }).response.id;

    const remote = service.connect(() => undefined, { onThisMachine: false });
    expect(await remote.invoke('openPath', { id, reveal: false })).toMatchObject({
      ok: false,
      error: { code: 'not-on-this-machine' },
    });
    expect(await readFile(record, 'utf8').catch(() => 'never started')).toBe('never started');

    expect(await local.invoke('openPath', { id, reveal: false })).toEqual({ ok: true, response: null });
    expect((await waitForFile(record)).trim()).toBe(file);
  });

  it('the daemon opens one file of a multi-file share for a client on this machine, and for no other', async () => {
    const dir = await tempDir();
    const record = path.join(dir, 'opened.txt');
    await recordingOpener(dir, record);
    const service = await AppService.open(
      {
        host: 'daemon',
        version: 'test',
        dataDir: dir,
        defaultDownloadDir: path.join(dir, 'downloads'),
        overrides: { bindHost: '127.0.0.1', advertiseHost: '127.0.0.1', peerPort: 0, embeddedTracker: 'off' },
        log: () => undefined,
        // What the daemon passes (cli/daemon-command.ts): the summary and the file list.
        hostCommands: {
          openPath: desktopOpenCommand((id) => {
            const detail = service.session.detail(id);
            return { ...detail.summary, files: detail.files };
          }, 'linux'),
        },
      },
      realServiceDeps(),
    );
    cleanups.push(() => service.close());
    const album = path.join(dir, 'album');
    await mkdir(path.join(album, 'raw'), { recursive: true });
    await writeFile(path.join(album, 'cover.txt'), 'c'.repeat(20_000));
    await writeFile(path.join(album, 'raw', 'take 1.txt'), 't'.repeat(30_000));
    const local = service.connect(() => undefined);
    const shared = await local.invoke('share', { paths: [album] });
    expect(shared.ok).toBe(true);
    const id = (shared as { response: { id: string } }).response.id;
    const take = service.session.detail(id).files.find((f) => f.path.join('/') === 'raw/take 1.txt')!;

    const remote = service.connect(() => undefined, { onThisMachine: false });
    for (const reveal of [false, true])
      expect(await remote.invoke('openPath', { id, reveal, fileIndex: take.index })).toMatchObject({
        ok: false,
        error: { code: 'not-on-this-machine' },
      });
    expect(await readFile(record, 'utf8').catch(() => 'never started')).toBe('never started');

    expect(await local.invoke('openPath', { id, reveal: false, fileIndex: take.index })).toEqual({
      ok: true,
      response: null,
    });
    expect((await waitForFile(record)).trim()).toBe(path.join(album, 'raw', 'take 1.txt'));
    await writeFile(record, '');
    expect(await local.invoke('openPath', { id, reveal: true, fileIndex: take.index })).toEqual({
      ok: true,
      response: null,
    });
    expect((await waitForFile(record)).trim()).toBe(path.join(album, 'raw'));
  });
});
