/**
 * Something the app does once per data folder (the close-to-tray notice): a marker file
 * remembers it across restarts. A marker that cannot be written only means the notice may
 * show again, so write errors are swallowed.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function runOncePerDataDir(dataDir: string, name: string, action: () => void): void {
  const marker = path.join(dataDir, `${name}.done`);
  if (existsSync(marker)) return;
  action();
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(marker, '', { mode: 0o600 });
  } catch {
    // Shown again next time; nothing else depends on the marker.
  }
}
