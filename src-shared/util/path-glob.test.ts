import { describe, expect, it } from 'vitest';
import { mulberry32 } from './mulberry32.ts';
import { compileGlob, GlobError, matchesAny } from './path-glob.ts';

describe('compileGlob', () => {
  it.each([
    ['*.mkv', 'movie.mkv', true],
    ['*.mkv', 'season 1/e01.mkv', true], // no '/': the file name, in any folder
    ['*.mkv', 'movie.mkv.part', false],
    ['season 1/*.mkv', 'season 1/e01.mkv', true],
    ['season 1/*.mkv', 'season 2/e01.mkv', false],
    ['season 1/*.mkv', 'season 1/extra/e01.mkv', false], // '*' stays in one segment
    ['docs/**', 'docs/a.txt', true],
    ['docs/**', 'docs/deep/er/b.txt', true],
    ['docs/**', 'other/a.txt', false],
    ['**/b.txt', 'b.txt', true],
    ['**/b.txt', 'x/y/b.txt', true],
    ['a/**/z.txt', 'a/z.txt', true],
    ['a/**/z.txt', 'a/b/c/z.txt', true],
    ['e0?.mkv', 'e01.mkv', true],
    ['e0?.mkv', 'e010.mkv', false],
    ['e0[1-3].mkv', 'e02.mkv', true],
    ['e0[1-3].mkv', 'e04.mkv', false],
    ['e0[!1-3].mkv', 'e04.mkv', true],
    ['e0[!1-3].mkv', 'e02.mkv', false],
    ['\\*.txt', '*.txt', true],
    ['\\*.txt', 'a.txt', false],
    ['a.b', 'axb', false], // '.' is literal
    ['(x)+.txt', '(x)+.txt', true],
    ['Movie.MKV', 'movie.mkv', false], // case-sensitive
  ])('%s against %s → %s', (pattern, path, expected) => {
    expect(compileGlob(pattern).matches(path)).toBe(expected);
  });

  it('rejects bad patterns with a typed error', () => {
    for (const bad of ['', 'a[bc', 'oops\\', '[z-a].txt', 'x'.repeat(5000)]) {
      let err: unknown;
      try {
        compileGlob(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(GlobError);
      expect((err as GlobError).code).toBe('bad-glob');
    }
  });

  it('no globs select everything; several are OR-ed', () => {
    expect(matchesAny([], 'anything')).toBe(true);
    const globs = [compileGlob('*.txt'), compileGlob('media/**')];
    expect(matchesAny(globs, 'a/b.txt')).toBe(true);
    expect(matchesAny(globs, 'media/x.bin')).toBe(true);
    expect(matchesAny(globs, 'other/x.bin')).toBe(false);
  });

  it('fuzz: random patterns compile or throw GlobError, and never match across "/" with "*"', () => {
    const random = mulberry32(17);
    const alphabet = ['a', 'b', '/', '*', '?', '[', ']', '!', '\\', '-', '.', '**'];
    for (let n = 0; n < 5000; n++) {
      let pattern = '';
      const len = 1 + Math.floor(random() * 12);
      for (let i = 0; i < len; i++) pattern += alphabet[Math.floor(random() * alphabet.length)];
      try {
        const glob = compileGlob(pattern);
        glob.matches('a/b/ab.b');
      } catch (err) {
        expect(err).toBeInstanceOf(GlobError);
      }
    }
    expect(compileGlob('a*b').matches('a/b')).toBe(false);
  });
});
