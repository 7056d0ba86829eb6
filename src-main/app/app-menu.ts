/**
 * The application menu. Windows and Linux get none (the UI has its own controls and
 * shortcuts). macOS always shows a menu bar, and without an Edit menu holding the edit
 * roles, Cmd+C / Cmd+V / Cmd+A do nothing in text fields, so it gets the standard
 * application, Edit and Window menus built from Electron's roles.
 */
import type { MenuItemConstructorOptions } from 'electron';

export function appMenuTemplate(platform: NodeJS.Platform): MenuItemConstructorOptions[] | null {
  if (platform !== 'darwin') return null;
  return [{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }];
}
