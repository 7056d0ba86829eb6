import { describe, expect, it } from 'vitest';
import { baseName, shareNameProblem, suggestShareName } from './share-name.ts';

describe('suggestShareName', () => {
  it('names items picked in one folder after that folder', () => {
    expect(suggestShareName(['/home/ana/Holiday 2026/a.jpg', '/home/ana/Holiday 2026/b.jpg'])).toBe(
      'Holiday 2026',
    );
    expect(suggestShareName(['/home/ana/Music/album/x.flac', '/home/ana/Music/single.flac'])).toBe('Music');
  });

  it('uses the first name and a count when the common folder says nothing (home, root, drive)', () => {
    expect(suggestShareName(['/home/ana/a.bin', '/home/ana/b.txt', '/home/ana/c'])).toBe('a.bin and 2 more');
    expect(suggestShareName(['/srv/a.bin', '/tmp/b.txt'])).toBe('a.bin and 1 more');
    expect(suggestShareName(['C:\\a.bin', 'C:\\b.bin'])).toBe('a.bin and 1 more');
  });

  it('uses the first name and a count for a browser drop (names, no paths)', () => {
    expect(suggestShareName(['a.bin', 'album', 'b.txt'])).toBe('a.bin and 2 more');
  });

  it('never suggests a date', () => {
    expect(suggestShareName(['x', 'y'])).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('is the item itself for one item', () => {
    expect(suggestShareName(['/home/ana/a.bin'])).toBe('a.bin');
    expect(baseName('C:\\Users\\ana\\b.txt')).toBe('b.txt');
  });
});

describe('shareNameProblem', () => {
  it.each([[''], ['   '], ['a/b'], ['a\\b'], ['..'], ['. .']])('refuses %j', (name) => {
    expect(shareNameProblem(name)).not.toBeNull();
  });

  it('accepts an ordinary name', () => {
    expect(shareNameProblem(' Holiday pack ')).toBeNull();
  });
});
