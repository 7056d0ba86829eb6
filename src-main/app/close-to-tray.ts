/**
 * Closing the window keeps sharing: the window hides and the engine goes on seeding from
 * the tray, as desktop file sharers do, unless the user turned "keep sharing when the
 * window is closed" off or there is no tray to come back through (then closing quits).
 * The first time it happens a notice says where Swarmdrop went.
 */

/** The part of a BrowserWindow the policy uses. */
export interface ClosableWindow {
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
  hide(): void;
}

export interface CloseToTrayOptions {
  window: ClosableWindow;
  /** The user's setting, read at each close. */
  keepSharing(): boolean;
  /** Whether a tray icon exists to show the window again. */
  hasTray(): boolean;
  /** True once a real quit is under way (the tray's Quit, Cmd+Q): the window closes. */
  quitting(): boolean;
  /** Ends the app (when the window closes for real and nothing keeps it alive). */
  quit(): void;
  /** Shows the "still sharing in the tray" notice unless it was shown before. */
  noticeOnce(): void;
}

export function installCloseToTray(o: CloseToTrayOptions): void {
  o.window.on('close', (event) => {
    if (o.quitting()) return;
    if (o.keepSharing() && o.hasTray()) {
      event.preventDefault();
      o.window.hide();
      o.noticeOnce();
      return;
    }
    // Closing the only window without a tray to come back through: quit properly (the
    // quit gate then closes the service before the process ends).
    event.preventDefault();
    o.quit();
  });
}
