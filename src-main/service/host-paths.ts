/**
 * Default folders. The data folder (the engine's defaultDataDir) holds settings, resume
 * data and browser uploads; downloads go to the user's Downloads folder, or inside an explicit
 * `--data-dir` (so a test or a second instance never writes into the home folder).
 */
import os from 'node:os';
import path from 'node:path';

export { defaultDataDir } from '../engine/default-data-dir.ts';

export function defaultDownloadDir(explicitDataDir: string | undefined, home = os.homedir()): string {
  return explicitDataDir
    ? path.join(explicitDataDir, 'downloads')
    : path.join(home, 'Downloads', 'Swarmdrop');
}
