/**
 * The platform's folder for app data (resume data, saved torrents, settings), overridable
 * with SWARMDROP_DATA_DIR (tests, portable installs, several instances on one machine).
 */
import os from 'node:os';
import path from 'node:path';

export interface DataDirEnvironment {
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  homeDir?: string;
}

export function defaultDataDir(environment: DataDirEnvironment = {}): string {
  const env = environment.env ?? process.env;
  const platform = environment.platform ?? process.platform;
  const home = environment.homeDir ?? os.homedir();
  const pathFor = platform === 'win32' ? path.win32 : path.posix;
  if (env.SWARMDROP_DATA_DIR) return pathFor.resolve(env.SWARMDROP_DATA_DIR);
  switch (platform) {
    case 'win32':
      return pathFor.join(env.APPDATA || pathFor.join(home, 'AppData', 'Roaming'), 'Swarmdrop');
    case 'darwin':
      return pathFor.join(home, 'Library', 'Application Support', 'Swarmdrop');
    default:
      // XDG Base Directory spec: only an absolute XDG_DATA_HOME counts.
      return pathFor.join(
        env.XDG_DATA_HOME && pathFor.isAbsolute(env.XDG_DATA_HOME)
          ? env.XDG_DATA_HOME
          : pathFor.join(home, '.local', 'share'),
        'swarmdrop',
      );
  }
}
