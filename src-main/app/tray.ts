/** The tray icon: total rates in the tooltip (and title on macOS), show / quit menu. */
import { Menu, Tray, nativeImage } from 'electron';
import type { StatusInfo } from '../../src-shared/types/app-info.ts';
import { formatRate } from '../../src-shared/util/format.ts';

export class AppTray {
  private readonly tray: Tray | null;

  constructor(iconPath: string, onShow: () => void, onQuit: () => void) {
    const image = nativeImage.createFromPath(iconPath);
    // A missing icon (unpacked dev tree) must not stop the app: no tray then.
    this.tray = image.isEmpty() ? null : new Tray(image.resize({ width: 18, height: 18 }));
    this.tray?.setToolTip('Swarmdrop');
    this.tray?.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Show Swarmdrop', click: onShow },
        { type: 'separator' },
        { label: 'Quit', click: onQuit },
      ]),
    );
    this.tray?.on('click', onShow);
  }

  update(status: StatusInfo): void {
    const text = `↓ ${formatRate(status.downRateBps)}  ↑ ${formatRate(status.upRateBps)}`;
    this.tray?.setToolTip(`Swarmdrop — ${text} — ${status.connectedPeers} peers`);
    if (process.platform === 'darwin') this.tray?.setTitle(text);
  }

  close(): void {
    this.tray?.destroy();
  }
}
