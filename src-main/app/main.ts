/**
 * The Electron main process: one instance, one window, the real engine through the
 * service, IPC as the contract's transport, tray, notifications, magnet/.torrent
 * hand-off. The only electron importer besides its siblings (docs/ARCHITECTURE.md).
 * Each behaviour lives in its own module with Electron passed in, so it is unit-tested
 * against a small fake; this file only wires the real Electron objects to them.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, Notification, shell, Tray } from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppService } from '../service/app-service.ts';
import { parseHostFlags } from '../service/host-flags.ts';
import { realServiceDeps } from '../service/real-deps.ts';
import type { StatusInfo } from '../../src-shared/types/app-info.ts';
import type { AppNotification } from '../../src-shared/types/notification.ts';
import { appMenuTemplate } from './app-menu.ts';
import { installCloseToTray } from './close-to-tray.ts';
import { notifyCompletion } from './completion-notifier.ts';
import { attachIpc } from './ipc-host.ts';
import { LaunchHandOff } from './launch-hand-off.ts';
import { createMainWindow, installSessionPolicy, lockDownContents } from './main-window.ts';
import { runOncePerDataDir } from './once-marker.ts';
import { installQuitGate } from './quit-gate.ts';
import { shellCommands } from './shell-commands.ts';
import { AppTray } from './tray.ts';
import { StreamServer } from '../service/stream-server.ts';

// dist/app/main.cjs → dist/renderer, assets/ beside dist/.
const distDir = path.resolve(__dirname, '..');
const rendererIndex = path.join(distDir, 'renderer', 'index.html');
const preload = path.join(__dirname, 'preload.cjs');
const iconPath = path.join(distDir, '..', 'assets', 'icon.png');
/** Where the file streams are served: loopback only (stream-server.ts). */
const STREAM_HOST = process.env.SWARMDROP_STREAM_HOST ?? '127.0.0.1';
let streamServer: StreamServer | null = null;

/** How long a quit waits for stopped announces and the last resume save. */
const QUIT_TIMEOUT_MS = 8_000;

let win: BrowserWindow | null = null;
let service: AppService | null = null;
let tray: AppTray<Electron.Menu> | null = null;

const handOff = new LaunchHandOff({
  readFile: (file) => readFile(file),
  onRefused: (what, reason) => console.error(`swarmdrop: could not add ${what}: ${reason}`),
});

function showWindow(): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

async function start(dataDir: string): Promise<void> {
  installSessionPolicy();
  app.on('web-contents-created', (_e, contents) =>
    lockDownContents(contents, pathToFileURL(rendererIndex).href),
  );
  const template = appMenuTemplate(process.platform);
  Menu.setApplicationMenu(template ? Menu.buildFromTemplate(template) : null);
  const opened = await AppService.open(
    {
      host: 'electron',
      version: app.getVersion(),
      dataDir,
      defaultDownloadDir: launchFlags.dataDir
        ? path.join(launchFlags.dataDir, 'downloads')
        : path.join(app.getPath('downloads'), 'Swarmdrop'),
      overrides: launchFlags.overrides,
      verbose: launchFlags.verbose,
      hostCommands: shellCommands(
        {
          showOpenDialog: (options) =>
            win ? dialog.showOpenDialog(win, options) : Promise.resolve({ canceled: true, filePaths: [] }),
          showItemInFolder: (p) => shell.showItemInFolder(p),
          openPath: (p) => shell.openPath(p),
        },
        (id) => {
          const detail = opened.session.detail(id);
          return { ...detail.summary, files: detail.files };
        },
      ),
    },
    realServiceDeps(),
  );
  service = opened;
  // The player's URLs (file-stream.ts): a loopback server with its own token; the renderer
  // gets each URL through the contract's streamUrl.
  const streams = await StreamServer.start(opened.session, { host: STREAM_HOST });
  streamServer = streams;
  opened.streamLinks = (id, fileIndex) => streams.urlFor(id, fileIndex);
  tray = new AppTray<Electron.Menu>(
    {
      createTray(file) {
        const image = nativeImage.createFromPath(file);
        return image.isEmpty() ? null : new Tray(image.resize({ width: 18, height: 18 }));
      },
      buildMenu: (t) => Menu.buildFromTemplate(t),
      platform: process.platform,
    },
    iconPath,
    showWindow,
    () => app.quit(),
  );
  const window = createMainWindow({ preload, rendererIndex, icon: iconPath });
  win = window;
  window.on('closed', () => {
    win = null;
  });
  installCloseToTray({
    window,
    keepSharing: () => opened.settings.keepSharingWhenClosed,
    hasTray: () => tray?.present ?? false,
    quitting: () => quitGate.quitting,
    quit: () => app.quit(),
    noticeOnce: () =>
      runOncePerDataDir(dataDir, 'close-to-tray-notice', () => {
        if (!Notification.isSupported()) return;
        new Notification({
          title: 'Swarmdrop is still sharing',
          body: 'It keeps running in the tray. Choose Quit there to stop sharing (Settings: "Keep sharing when the window is closed").',
        }).show();
      }),
  });
  attachIpc(ipcMain, opened, window, rendererIndex);
  // The window is up and its IPC answers: now the saved torrents (the status bar shows progress).
  opened.startRestore();
  const host = opened.connect((event, payload) => {
    if (event === 'status') tray?.update(payload as StatusInfo);
    if (event === 'notification') {
      notifyCompletion(
        {
          isSupported: () => Notification.isSupported(),
          create: (options) => new Notification(options),
          enabled: () => opened.settings.notifyOnComplete,
          showWindow,
        },
        payload as AppNotification,
      );
    }
  });
  await handOff.attach(host);
}

// One instance per data folder: `--data-dir` makes a separate instance (tests run two).
const launchFlags = parseHostFlags(process.argv.slice(1), process.env);
if (launchFlags.dataDir) app.setPath('userData', launchFlags.dataDir);

const quitGate = installQuitGate({
  app,
  close: async () => {
    tray?.close();
    await streamServer?.close();
    await service?.close();
  },
  timeoutMs: QUIT_TIMEOUT_MS,
  onProblem: (problem, err) => console.error(`swarmdrop: quit: ${problem}`, err ?? ''),
});

if (!app.requestSingleInstanceLock()) {
  // Another Swarmdrop runs on this data folder: it receives our argv through
  // 'second-instance', so a magnet or .torrent opened here lands there.
  app.exit(0);
} else {
  app.on('second-instance', (_e, argv) => {
    showWindow();
    void handOff.handle(argv);
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    void handOff.handle([url]);
  });
  app.on('open-file', (event, file) => {
    event.preventDefault();
    void handOff.handle([file]);
  });
  // The window hides instead of closing while sharing goes on (close-to-tray.ts); when
  // it does close for real, quitting goes through the quit gate.
  app.on('window-all-closed', () => app.quit());
  app.on('activate', showWindow);
  app.setAsDefaultProtocolClient('magnet');
  void handOff.handle(process.argv.slice(1));
  app
    .whenReady()
    .then(() => start(launchFlags.dataDir ?? app.getPath('userData')))
    .catch((err: unknown) => {
      console.error('swarmdrop: could not start:', err);
      app.exit(1);
    });
}
