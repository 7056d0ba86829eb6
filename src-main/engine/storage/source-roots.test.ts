import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commonParentOf, pathUnderRoots } from './source-roots.ts';
import { isStorageError } from './storage.ts';

const roots = [
  { name: 'a.bin', path: '/home/u/x/a.bin' },
  { name: 'album', path: '/srv/music/album' },
];

const escapeCode = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return isStorageError(err) ? err.code : 'not a StorageError';
  }
  return undefined;
};

describe('pathUnderRoots', () => {
  it('maps a top-level file to its own path and a folder entry below its folder', () => {
    expect(pathUnderRoots(roots, ['a.bin'])).toBe(path.resolve('/home/u/x/a.bin'));
    expect(pathUnderRoots(roots, ['album', 'cd1', '01.flac'])).toBe(
      path.resolve('/srv/music/album/cd1/01.flac'),
    );
  });

  it.each([
    ['a top-level entry no root holds', ['other.bin']],
    ['a path climbing out of its root', ['album', '..', '..', 'etc', 'passwd']],
    ['a NUL byte', ['album', 'a\0b']],
  ])('refuses %s with path-escape', (_label, filePath) => {
    expect(escapeCode(() => pathUnderRoots(roots, filePath))).toBe('path-escape');
  });

  it('refuses a root that is not an absolute path', () => {
    expect(escapeCode(() => pathUnderRoots([{ name: 'a', path: 'relative/a' }], ['a']))).toBe('path-escape');
  });
});

describe('commonParentOf', () => {
  it('is the folder all roots are in', () => {
    expect(
      commonParentOf([
        { name: 'a', path: '/home/u/x/a' },
        { name: 'b', path: '/home/u/y/z/b' },
      ]),
    ).toBe('/home/u');
    expect(commonParentOf([{ name: 'a', path: '/home/u/x/a' }])).toBe('/home/u/x');
  });

  it('is the file-system root when they share nothing else', () => {
    expect(
      commonParentOf([
        { name: 'a', path: '/home/a' },
        { name: 'b', path: '/srv/b' },
      ]),
    ).toBe('/');
  });
});
