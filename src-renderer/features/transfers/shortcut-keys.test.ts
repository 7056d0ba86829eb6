import { describe, expect, it } from 'vitest';
import { shortcutFor, shortcutLabel, type KeyPress } from './shortcut-keys.ts';

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('shortcut keys', () => {
  it('desktop: the usual modifier shortcuts', () => {
    expect(shortcutFor('desktop', press('o', { ctrlKey: true }), false)).toBe('openTorrent');
    expect(shortcutFor('desktop', press('O', { ctrlKey: true, shiftKey: true }), false)).toBe('addFiles');
    expect(shortcutFor('desktop', press('2', { metaKey: true }), true)).toBe('viewNetwork');
    expect(shortcutFor('desktop', press('o'), false)).toBeNull();
  });

  it('browser: leaves Ctrl+O and Ctrl+1/2/3 to the browser, uses single keys outside text fields', () => {
    expect(shortcutFor('browser', press('o', { ctrlKey: true }), false)).toBeNull();
    expect(shortcutFor('browser', press('1', { ctrlKey: true }), false)).toBeNull();
    expect(shortcutFor('browser', press('o'), false)).toBe('openTorrent');
    expect(shortcutFor('browser', press('a'), false)).toBe('addFiles');
    expect(shortcutFor('browser', press('3'), false)).toBe('viewSettings');
    expect(shortcutFor('browser', press('m'), true)).toBeNull(); // typing an "m" in a field
  });

  it('labels say the same keys', () => {
    expect([shortcutLabel('desktop', 'magnet'), shortcutLabel('browser', 'magnet')]).toEqual(['Ctrl+M', 'M']);
  });
});
