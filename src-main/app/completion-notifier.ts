/**
 * Desktop notifications for finished downloads (the service's `notification` event),
 * when the user wants them and the platform has them. Clicking one brings the window
 * back, since the app may be running in the tray.
 */
import type { AppNotification } from '../../src-shared/types/notification.ts';

export interface DesktopNotification {
  on(event: 'click', listener: () => void): unknown;
  show(): void;
}

export interface CompletionNotifierOptions {
  isSupported(): boolean;
  create(options: { title: string; body: string }): DesktopNotification;
  enabled(): boolean;
  showWindow(): void;
}

export function notifyCompletion(o: CompletionNotifierOptions, n: AppNotification): boolean {
  if (n.kind !== 'download-complete' || !o.enabled() || !o.isSupported()) return false;
  const shown = o.create({ title: 'Download complete', body: n.name });
  shown.on('click', o.showWindow);
  shown.show();
  return true;
}
