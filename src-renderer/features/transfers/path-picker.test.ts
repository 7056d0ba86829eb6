import { describe, expect, it } from 'vitest';
import { joinHostPath, nextSelection, pageIsLocal } from './path-picker.tsx';

describe('path picker helpers', () => {
  it('joins with the separator the host uses', () => {
    expect(joinHostPath('/home/me', 'a.bin')).toBe('/home/me/a.bin');
    expect(joinHostPath('/', 'tmp')).toBe('/tmp');
    expect(joinHostPath('C:\\Users\\me', 'a.bin')).toBe('C:\\Users\\me\\a.bin');
  });

  it('treats only loopback pages as being on the daemon machine', () => {
    expect(['127.0.0.1', 'localhost', '[::1]', '127.0.0.2'].map(pageIsLocal)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['192.0.2.4', 'example.com', 'localhost.example.com'].map(pageIsLocal)).toEqual([
      false,
      false,
      false,
    ]);
  });
});

describe('nextSelection (picking several entries)', () => {
  const names = ['a', 'b', 'c', 'd'];
  const plain = { toggle: false, range: false };
  it('a plain click picks one entry alone', () => {
    expect(nextSelection(['a', 'b'], names, 'c', plain)).toEqual(['c']);
  });
  it('Ctrl/Cmd-click adds an entry, or takes it out again', () => {
    expect(nextSelection(['a'], names, 'c', { toggle: true, range: false })).toEqual(['a', 'c']);
    expect(nextSelection(['a', 'c'], names, 'a', { toggle: true, range: false })).toEqual(['c']);
  });
  it('Shift-click adds the entries between the last pick and this one', () => {
    expect(nextSelection(['b'], names, 'd', { toggle: false, range: true })).toEqual(['b', 'c', 'd']);
    expect(nextSelection(['d'], names, 'b', { toggle: false, range: true })).toEqual(['d', 'b', 'c']);
    expect(nextSelection([], names, 'b', { toggle: false, range: true })).toEqual(['b']);
  });
});
