/**
 * Finished downloads as system notifications in the web UI, through the browser's
 * Notification API. The desktop app's main process shows its own (Electron's
 * Notification), so this runs only for a page served by the daemon. A page the person is
 * looking at already shows a toast; the notification is for a tab in the background.
 */
import type { AppNotification } from '../../src-shared/types/notification.ts';

export type BrowserPermission = 'granted' | 'denied' | 'default' | 'unsupported';

/** The part of the browser this module uses (a test or another host can hand in its own). */
export interface NotificationSurface {
  permission(): BrowserPermission;
  requestPermission(): Promise<BrowserPermission>;
  show(title: string, body: string): void;
  /** The person is looking at this page. */
  pageInView(): boolean;
}

export function browserNotificationSurface(): NotificationSurface {
  // Looked up at each use: the page's global can change (and does, in the e2e tests).
  const api = () => (typeof Notification === 'undefined' ? null : Notification);
  return {
    permission: () => api()?.permission ?? 'unsupported',
    requestPermission: async () => (await api()?.requestPermission()) ?? 'unsupported',
    show: (title, body) => {
      const Api = api();
      if (!Api) return;
      const shown = new Api(title, { body, tag: `swarmdrop:${body}` });
      shown.onclick = () => {
        globalThis.focus?.();
        shown.close();
      };
    },
    pageInView: () =>
      typeof document !== 'undefined' && document.visibilityState === 'visible' && document.hasFocus(),
  };
}

/** Shows `n` when the person wants it, the browser allows it and the page is out of view. */
export function notifyInBrowser(surface: NotificationSurface, n: AppNotification, wanted: boolean): boolean {
  if (n.kind !== 'download-complete' || !wanted) return false;
  if (surface.permission() !== 'granted' || surface.pageInView()) return false;
  surface.show('Download complete', n.name);
  return true;
}
