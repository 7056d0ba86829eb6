import { describe, expect, it } from 'vitest';
import { defaultDataDir } from './default-data-dir.ts';

describe('defaultDataDir', () => {
  it.each([
    ['linux, XDG_DATA_HOME', 'linux', { XDG_DATA_HOME: '/xdg' }, '/home/u', '/xdg/swarmdrop'],
    [
      'linux, relative XDG ignored',
      'linux',
      { XDG_DATA_HOME: 'rel' },
      '/home/u',
      '/home/u/.local/share/swarmdrop',
    ],
    ['linux default', 'linux', {}, '/home/u', '/home/u/.local/share/swarmdrop'],
    ['freebsd like linux', 'freebsd', {}, '/home/u', '/home/u/.local/share/swarmdrop'],
    [
      'macOS',
      'darwin',
      { XDG_DATA_HOME: '/xdg' },
      '/Users/u',
      '/Users/u/Library/Application Support/Swarmdrop',
    ],
    [
      'windows APPDATA',
      'win32',
      { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' },
      'C:\\Users\\u',
      'C:\\Users\\u\\AppData\\Roaming\\Swarmdrop',
    ],
    ['windows without APPDATA', 'win32', {}, 'C:\\Users\\u', 'C:\\Users\\u\\AppData\\Roaming\\Swarmdrop'],
    ['override', 'linux', { SWARMDROP_DATA_DIR: '/data/sd', XDG_DATA_HOME: '/xdg' }, '/home/u', '/data/sd'],
    ['override on windows', 'win32', { SWARMDROP_DATA_DIR: 'D:\\sd' }, 'C:\\Users\\u', 'D:\\sd'],
  ] as const)('%s', (_label, platform, env, homeDir, expected) => {
    expect(defaultDataDir({ platform, env, homeDir })).toBe(expected);
  });

  it('uses the real environment by default', () => {
    expect(defaultDataDir().length).toBeGreaterThan(0);
  });
});
