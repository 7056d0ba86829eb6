/** The tray icon: total rates in the tooltip (and title on macOS), show / quit menu. */
import type { MenuItemConstructorOptions } from 'electron';
import type { StatusInfo } from '../../src-shared/types/app-info.ts';
import { formatRate } from '../../src-shared/util/format.ts';

/** The parts of Electron's Tray, Menu and nativeImage the tray uses. */
export interface TraySurface<M> {
  /** A tray icon from the image file, or null when the file is missing or empty. */
  createTray(iconPath: string): TrayIcon<M> | null;
  buildMenu(template: MenuItemConstructorOptions[]): M;
  platform: NodeJS.Platform;
}

export interface TrayIcon<M> {
  setToolTip(text: string): void;
  setTitle(text: string): void;
  setContextMenu(menu: M): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export class AppTray<M> {
  private readonly tray: TrayIcon<M> | null;

  constructor(
    private readonly surface: TraySurface<M>,
    iconPath: string,
    onShow: () => void,
    onQuit: () => void,
  ) {
    // A missing icon (unpacked dev tree) must not stop the app: no tray then, and closing
    // the window quits (see close-to-tray.ts).
    this.tray = surface.createTray(iconPath);
    this.tray?.setToolTip('Swarmdrop');
    this.tray?.setContextMenu(
      surface.buildMenu([
        { label: 'Show Swarmdrop', click: onShow },
        { type: 'separator' },
        { label: 'Quit Swarmdrop', click: onQuit },
      ]),
    );
    this.tray?.on('click', onShow);
  }

  get present(): boolean {
    return this.tray !== null;
  }

  update(status: StatusInfo): void {
    const text = `↓ ${formatRate(status.downRateBps)}  ↑ ${formatRate(status.upRateBps)}`;
    const peers = `${status.connectedPeers} ${status.connectedPeers === 1 ? 'peer' : 'peers'}`;
    this.tray?.setToolTip(`Swarmdrop — ${text} — ${peers}`);
    if (this.surface.platform === 'darwin') this.tray?.setTitle(text);
  }

  close(): void {
    this.tray?.destroy();
  }
}
