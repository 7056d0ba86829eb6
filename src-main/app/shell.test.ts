// The desktop shell's behaviours, each module driven through the fake Electron surface.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MenuItemConstructorOptions } from 'electron';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResultEnvelope } from '../../src-shared/contract/client.ts';
import { appMenuTemplate } from './app-menu.ts';
import { installCloseToTray } from './close-to-tray.ts';
import { notifyCompletion } from './completion-notifier.ts';
import { FakeApp, FakeIpcMain, FakeNotification, FakeTrayIcon, FakeWindow } from './fake-electron.ts';
import { IPC_EVENT, IPC_INVOKE } from './ipc-channels.ts';
import { attachIpc } from './ipc-host.ts';
import { LaunchHandOff } from './launch-hand-off.ts';
import { runOncePerDataDir } from './once-marker.ts';
import { installQuitGate } from './quit-gate.ts';
import { shellCommands } from './shell-commands.ts';
import { AppTray } from './tray.ts';

const tick = () => new Promise((r) => setTimeout(r, 0));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  FakeNotification.shown.length = 0;
});

describe('quit gate', () => {
  it('holds the quit until the service has closed, then exits 0', async () => {
    const app = new FakeApp();
    let finish!: () => void;
    const closing = new Promise<void>((r) => (finish = r));
    let closeCalls = 0;
    const gate = installQuitGate({ app, close: () => (closeCalls++, closing), timeoutMs: 10_000 });
    app.quit();
    app.quit(); // a second Quit while closing: still held, no second close
    expect(gate.quitting).toBe(true);
    expect(closeCalls).toBe(1);
    expect(app.exitCodes).toEqual([]);
    finish();
    await tick();
    expect(app.exitCodes).toEqual([0]);
  });

  it('exits anyway (code 1) when closing outlasts the time limit', async () => {
    const app = new FakeApp();
    const problems: string[] = [];
    installQuitGate({
      app,
      close: () => new Promise(() => {}),
      timeoutMs: 20,
      onProblem: (p) => problems.push(p),
    });
    app.quit();
    await new Promise((r) => setTimeout(r, 60));
    expect(app.exitCodes).toEqual([1]);
    expect(problems).toEqual(['close-timed-out']);
  });

  it('exits (code 1) and says why when closing fails', async () => {
    const app = new FakeApp();
    const problems: string[] = [];
    installQuitGate({
      app,
      close: () => Promise.reject(new Error('disk gone')),
      timeoutMs: 1000,
      onProblem: (p) => problems.push(p),
    });
    app.quit();
    await tick();
    expect(app.exitCodes).toEqual([1]);
    expect(problems).toEqual(['close-failed']);
  });
});

describe('closing the window', () => {
  function setup(over: { keepSharing?: boolean; hasTray?: boolean } = {}) {
    const app = new FakeApp();
    const window = new FakeWindow();
    const gate = installQuitGate({ app, close: async () => {}, timeoutMs: 1000 });
    let notices = 0;
    installCloseToTray({
      window,
      keepSharing: () => over.keepSharing ?? true,
      hasTray: () => over.hasTray ?? true,
      quitting: () => gate.quitting,
      quit: () => app.quit(),
      noticeOnce: () => notices++,
    });
    return { app, window, notices: () => notices };
  }

  it('hides the window and keeps sharing, with the notice', () => {
    const { app, window, notices } = setup();
    const event = window.userCloses();
    expect(event.defaultPrevented).toBe(true);
    expect(window.hidden).toBe(true);
    expect(notices()).toBe(1);
    expect(app.quitCalls).toBe(0);
  });

  it('quits through the quit gate when keeping on sharing is turned off', async () => {
    const { app, window } = setup({ keepSharing: false });
    window.userCloses();
    expect(app.quitCalls).toBe(1);
    await tick();
    expect(app.exitCodes).toEqual([0]);
  });

  it('quits when there is no tray to come back through', () => {
    const { app, window } = setup({ hasTray: false });
    window.userCloses();
    expect(window.hidden).toBe(false);
    expect(app.quitCalls).toBe(1);
  });

  it('lets the window close for real once a quit is under way', () => {
    const { app, window } = setup();
    app.quit();
    const event = window.userCloses();
    expect(event.defaultPrevented).toBe(false);
    expect(window.destroyed).toBe(true);
  });

  it('shows the notice once per data folder, across restarts', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'swarmdrop-once-'));
    dirs.push(dir);
    let shown = 0;
    runOncePerDataDir(dir, 'close-to-tray-notice', () => shown++);
    runOncePerDataDir(dir, 'close-to-tray-notice', () => shown++);
    expect(shown).toBe(1);
    expect(readdirSync(dir)).toEqual(['close-to-tray-notice.done']);
  });
});

describe('application menu', () => {
  it('gives macOS the Edit role (copy and paste) and other platforms no menu', () => {
    const mac = appMenuTemplate('darwin');
    expect(mac?.map((m) => m.role)).toContain('editMenu');
    expect(appMenuTemplate('linux')).toBeNull();
    expect(appMenuTemplate('win32')).toBeNull();
  });
});

describe('second launch hand-off', () => {
  function recorder(reply: ResultEnvelope = { ok: true, response: {} }) {
    const calls: unknown[] = [];
    return { calls, invoke: async (_c: 'add', request: unknown) => (calls.push(request), reply) };
  }

  it('queues magnets and .torrent files until the service is up, then adds them in order', async () => {
    const refused: string[] = [];
    const handOff = new LaunchHandOff({
      readFile: async () => new Uint8Array([100, 101]),
      onRefused: (w) => refused.push(w),
    });
    await handOff.handle([
      '--data-dir',
      '/x',
      'magnet:?xt=urn:btih:' + 'a'.repeat(40),
      '/tmp/a.torrent',
      'notes.txt',
    ]);
    const target = recorder();
    await handOff.attach(target);
    expect(target.calls).toEqual([
      { source: { kind: 'magnet', uri: 'magnet:?xt=urn:btih:' + 'a'.repeat(40) } },
      { source: { kind: 'torrent-file', bytesBase64: 'ZGU=', fileName: 'a.torrent' } },
    ]);
    expect(refused).toEqual([]);
  });

  it('reports an unreadable .torrent and a refused add instead of dropping them silently', async () => {
    const refused: string[] = [];
    const handOff = new LaunchHandOff({
      readFile: async () => {
        throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      },
      onRefused: (w, why) => refused.push(`${w}: ${why}`),
    });
    await handOff.attach(recorder({ ok: false, error: { code: 'bad-magnet', message: 'not a magnet' } }));
    await handOff.handle(['/gone.torrent', 'magnet:?xt=urn:btih:zz']);
    expect(refused).toEqual([
      'magnet:?xt=urn:btih:zz: not a magnet',
      '/gone.torrent: cannot be read (ENOENT)',
    ]);
  });
});

describe('notifications', () => {
  function options(enabled: boolean, supported = true) {
    let shownWindow = 0;
    return {
      o: {
        isSupported: () => supported,
        create: (opts: { title: string; body: string }) => new FakeNotification(opts),
        enabled: () => enabled,
        showWindow: () => shownWindow++,
      },
      shownWindow: () => shownWindow,
    };
  }

  it('notifies a completed download; clicking it shows the window', () => {
    const { o, shownWindow } = options(true);
    expect(notifyCompletion(o, { kind: 'download-complete', torrentId: 't', name: 'movie.mkv' })).toBe(true);
    expect(FakeNotification.shown.map((n) => n.options)).toEqual([
      { title: 'Download complete', body: 'movie.mkv' },
    ]);
    FakeNotification.shown[0]!.emit('click');
    expect(shownWindow()).toBe(1);
  });

  it('stays quiet when turned off, unsupported, or for other notifications', () => {
    expect(notifyCompletion(options(false).o, { kind: 'download-complete', torrentId: 't', name: 'x' })).toBe(
      false,
    );
    expect(
      notifyCompletion(options(true, false).o, { kind: 'download-complete', torrentId: 't', name: 'x' }),
    ).toBe(false);
    expect(
      notifyCompletion(options(true).o, { kind: 'shared', torrentId: 't', name: 'x', published: true }),
    ).toBe(false);
    expect(FakeNotification.shown).toEqual([]);
  });
});

describe('tray', () => {
  it('shows rates and peers, and its menu shows the window or quits', () => {
    const icon = new FakeTrayIcon<MenuItemConstructorOptions[]>();
    let shows = 0;
    let quits = 0;
    const tray = new AppTray(
      { createTray: () => icon, buildMenu: (t) => t, platform: 'darwin' },
      '/icon.png',
      () => shows++,
      () => quits++,
    );
    tray.update({ downRateBps: 2048, upRateBps: 0, connectedPeers: 1 } as Parameters<typeof tray.update>[0]);
    expect(icon.toolTip).toContain('1 peer');
    expect(icon.toolTip).not.toContain('1 peers');
    expect(icon.title).toContain('↓');
    const items = icon.menu!;
    items.find((i) => i.label === 'Quit Swarmdrop')!.click!(
      undefined as never,
      undefined,
      undefined as never,
    );
    icon.emit('click');
    expect([shows, quits]).toEqual([1, 1]);
    tray.close();
    expect(icon.destroyed).toBe(true);
  });

  it('is absent, not fatal, when the icon file is missing', () => {
    const tray = new AppTray(
      { createTray: () => null, buildMenu: (t) => t, platform: 'linux' },
      '/missing.png',
      () => {},
      () => {},
    );
    expect(tray.present).toBe(false);
    tray.update({ downRateBps: 0, upRateBps: 0, connectedPeers: 0 } as Parameters<typeof tray.update>[0]);
  });
});

describe('IPC transport', () => {
  const rendererIndex = '/opt/swarmdrop/dist/renderer/index.html';
  function setup() {
    const ipc = new FakeIpcMain();
    const win = new FakeWindow();
    const invoked: [string, unknown][] = [];
    let closed = 0;
    let sink: ((e: string, p: unknown) => void) | null = null;
    attachIpc(
      ipc,
      {
        connect: (s) => {
          sink = s as (e: string, p: unknown) => void;
          return {
            invoke: async (c, r) => (invoked.push([c, r]), { ok: true, response: 'pong' }),
            close: () => void closed++,
          };
        },
      },
      win,
      rendererIndex,
    );
    return { ipc, win, invoked, closed: () => closed, sink: () => sink! };
  }
  const fromPage = {
    sender: { id: 7 },
    senderFrame: { url: pathToFileURL(rendererIndex).href + '#/transfers' },
  };

  it('runs commands from our page and forwards events to it', async () => {
    const { ipc, win, invoked, sink } = setup();
    const handler = ipc.handlers.get(IPC_INVOKE)!;
    expect(await handler(fromPage, 'getTorrents', {})).toEqual({ ok: true, response: 'pong' });
    expect(invoked).toEqual([['getTorrents', {}]]);
    sink()('status', { x: 1 });
    expect(win.sent).toEqual([[IPC_EVENT, 'status', { x: 1 }]]);
  });

  it('refuses other senders: another web contents, or another page in ours', async () => {
    const { ipc, invoked } = setup();
    const handler = ipc.handlers.get(IPC_INVOKE)!;
    const other = await handler({ sender: { id: 8 }, senderFrame: fromPage.senderFrame }, 'getTorrents', {});
    const elsewhere = await handler(
      { sender: { id: 7 }, senderFrame: { url: 'https://example.com/' } },
      'getTorrents',
      {},
    );
    expect([other.ok, elsewhere.ok]).toEqual([false, false]);
    expect(!other.ok && other.error.code).toBe('unauthorized');
    expect(invoked).toEqual([]);
  });

  it('lets go of the handler and the connection when the window closes', () => {
    const { ipc, win, closed } = setup();
    win.userCloses();
    expect(ipc.handlers.size).toBe(0);
    expect(closed()).toBe(1);
  });
});

describe('shell commands', () => {
  it('opens a finished transfer, shows it in its folder, and says so when it is gone', async () => {
    const opened: string[] = [];
    const shown: string[] = [];
    const commands = shellCommands(
      {
        showOpenDialog: async () => ({ canceled: false, filePaths: ['/a'] }),
        showItemInFolder: (p) => void shown.push(p),
        openPath: async (p) => (opened.push(p), p.includes('gone') ? 'Failed to open path' : ''),
      },
      (id) => ({ savePath: '/downloads', name: id }),
    );
    await commands.openPath!({ id: 'movie', reveal: false });
    await commands.openPath!({ id: 'movie', reveal: true });
    expect(opened).toEqual(['/downloads/movie']);
    expect(shown).toEqual(['/downloads/movie']);
    await expect(commands.openPath!({ id: 'gone', reveal: false })).rejects.toMatchObject({
      code: 'file-not-found',
    });
    expect(await commands.pickPaths!({ kind: 'files' })).toEqual({ paths: ['/a'] });
  });

  it('"Open with…" opens one file of a torrent: inside its folder, or the single file itself', async () => {
    const opened: string[] = [];
    const commands = shellCommands(
      {
        showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
        showItemInFolder: () => undefined,
        openPath: async (p) => (opened.push(p), ''),
      },
      (id) =>
        id === 'show'
          ? { savePath: '/dl', name: 'show', files: [{ index: 2, path: ['season 1', 'e01.webm'] }] }
          : { savePath: '/dl', name: 'clip.webm', files: [{ index: 0, path: ['clip.webm'] }] },
    );
    await commands.openPath!({ id: 'show', reveal: false, fileIndex: 2 });
    await commands.openPath!({ id: 'clip', reveal: false, fileIndex: 0 });
    expect(opened).toEqual(['/dl/show/season 1/e01.webm', '/dl/clip.webm']);
    await expect(commands.openPath!({ id: 'show', reveal: false, fileIndex: 9 })).rejects.toMatchObject({
      code: 'file-not-found',
    });
  });
});
