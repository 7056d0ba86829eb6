import { describe, expect, it } from 'vitest';
import { joinHostPath, pageIsLocal } from './path-picker.tsx';

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
