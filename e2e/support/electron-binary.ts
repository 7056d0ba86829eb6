/** Where the Electron binary is, if the electron package (a devDependency) has downloaded it. */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export function electronBinary(): string | null {
  const require = createRequire(import.meta.url);
  try {
    const dir = path.dirname(require.resolve('electron/package.json'));
    const rel = readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
    const bin = path.join(dir, 'dist', rel);
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

export const ELECTRON_SKIP_LINE = 'SKIPPED electron: binary not installed';
