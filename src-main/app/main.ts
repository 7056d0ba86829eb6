/**
 * The Electron main process: one instance, one window, the real engine through the
 * service, IPC as the contract's transport, tray, notifications, magnet/.torrent
 * hand-off. The only electron importer besides its siblings (docs/ARCHITECTURE.md).
 */
import { app, BrowserWindow, dialog, Menu, Notification, shell } from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppService } from '../service/app-service.ts';
import { parseHostFlags } from '../service/host-flags.ts';
import { realServiceDeps } from '../service/real-deps.ts';
import type { ServiceConnection } from '../service/service-connection.ts';
import { createMainWindow, installSessionPolicy, lockDownContents } from './main-window.ts';
import { attachIpc } from './ipc-host.ts';
import { launchRequests } from './launch-args.ts';
import { AppTray } from './tray.ts';

// dist/app/main.cjs → dist/renderer, assets/ beside dist/.
const distDir = path.resolve(__dirname, '..');
const rendererIndex = path.join(distDir, 'renderer', 'index.html');
const preload = path.join(__dirname, 'preload.cjs');
const iconPath = path.join(distDir, '..', 'assets', 'icon.png');

let win: BrowserWindow | null = null;
let service: AppService | null = null;
let host: ServiceConnection | null = null;
let tray: AppTray | null = null;
const pending: string[] = [];

function showWindow(): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

/** Magnets and .torrent files from argv go through the same contract as the UI's. */
async function handOff(argv: readonly string[]): Promise<void> {
  if (!host) {
    pending.push(...argv);
    return;
  }
  const { magnets, torrentFiles } = launchRequests(argv);
  for (const uri of magnets) await host.invoke('add', { source: { kind: 'magnet', uri } });
  for (const file of torrentFiles) {
    const bytes = await readFile(file).catch(() => null);
    if (bytes) await host.invoke('add', { source: { kind: 'torrent-file', bytesBase64: bytes.toString('base64'), fileName: path.basename(file) } });
  }
}

async function start(): Promise<void> {
  const flags = launchFlags;
  installSessionPolicy();
  app.on('web-contents-created', (_e, contents) => lockDownContents(contents, pathToFileURL(rendererIndex).href));
  Menu.setApplicationMenu(null);
  const dataDir = flags.dataDir ?? app.getPath('userData');
  service = await AppService.open(
    {
      host: 'electron',
      version: app.getVersion(),
      dataDir,
      defaultDownloadDir: flags.dataDir ? path.join(flags.dataDir, 'downloads') : path.join(app.getPath('downloads'), 'Swarmdrop'),
      overrides: flags.overrides,
      hostCommands: {
        async pickPaths({ kind }) {
          if (!win) return { paths: [] };
          const r = await dialog.showOpenDialog(win, {
            title: kind === 'torrent' ? 'Open a .torrent file' : kind === 'download-dir' ? 'Choose a folder' : 'Share',
            properties:
              kind === 'files' ? ['openFile', 'multiSelections'] : kind === 'torrent' ? ['openFile'] : ['openDirectory', 'createDirectory'],
            ...(kind === 'torrent' ? { filters: [{ name: 'Torrent files', extensions: ['torrent'] }] } : {}),
          });
          return { paths: r.canceled ? [] : r.filePaths };
        },
        async openPath({ id, reveal }) {
          const d = service!.session.detail(id);
          const target = path.join(d.summary.savePath, d.summary.name);
          if (reveal) shell.showItemInFolder(target);
          else await shell.openPath(target);
          return null;
        },
      },
    },
    realServiceDeps(),
  );
  win = createMainWindow({ preload, rendererIndex, icon: iconPath });
  win.on('closed', () => {
    win = null;
  });
  attachIpc(service, win, rendererIndex);
  tray = new AppTray(iconPath, showWindow, () => app.quit());
  host = service.connect((event, payload) => {
    if (event === 'status') tray?.update(payload as Parameters<AppTray['update']>[0]);
    if (event === 'notification' && Notification.isSupported() && service?.settings.notifyOnComplete) {
      const n = payload as { kind: string; name: string };
      if (n.kind === 'download-complete') new Notification({ title: 'Download complete', body: n.name }).show();
    }
  });
  await handOff(pending.splice(0));
}

// One instance per data folder: `--data-dir` makes a separate instance (tests run two).
const launchFlags = parseHostFlags(process.argv.slice(1));
if (launchFlags.dataDir) app.setPath('userData', launchFlags.dataDir);

if (!app.requestSingleInstanceLock()) {
  // Another Swarmdrop runs: it receives our argv through 'second-instance'.
  app.quit();
} else {
  app.on('second-instance', (_e, argv) => {
    showWindow();
    void handOff(argv);
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    void handOff([url]);
  });
  app.on('open-file', (event, file) => {
    event.preventDefault();
    void handOff([file]);
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => {
    tray?.close();
    void service?.close();
  });
  app.setAsDefaultProtocolClient('magnet');
  pending.push(...process.argv.slice(1));
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      console.error('swarmdrop: could not start:', err);
      app.exit(1);
    });
}
