import { describe, expect, it } from 'vitest';
import { MAX_DISPLAY_NAME_LENGTH, safeDisplayName, stripControlCharacters } from './display-name.ts';
import { formatMagnet, parseMagnet } from './magnet.ts';

const HEX = '0123456789abcdef0123456789abcdef01234567';
const magnetWithName = (dn: string) => `magnet:?xt=urn:btih:${HEX}&dn=${encodeURIComponent(dn)}`;

describe('display names from the network', () => {
  it("a magnet's dn=../../.. is no name at all (the info-hash is shown instead)", () => {
    expect(parseMagnet(`magnet:?xt=urn:btih:${HEX}&dn=../../..`).name).toBeUndefined();
    expect(parseMagnet(magnetWithName('..\\..\\')).name).toBeUndefined();
    expect(parseMagnet(magnetWithName(' . / . ')).name).toBeUndefined();
  });

  it('path separators inside a dn are shown as _', () => {
    expect(parseMagnet(magnetWithName('../../etc/passwd')).name).toBe('.._.._etc_passwd');
    expect(parseMagnet(magnetWithName('C:\\Windows\\system32')).name).toBe('C:_Windows_system32');
    expect(parseMagnet(magnetWithName('a//b')).name).toBe('a_b');
  });

  it('control characters (terminal escapes, newlines forging log lines) and bidi overrides are removed', () => {
    expect(parseMagnet(magnetWithName('evil\u001b[2J\u001b]0;owned\u0007.iso')).name).toBe(
      'evil[2J]0;owned.iso',
    );
    expect(parseMagnet(magnetWithName('a\nswarmdrop get: complete')).name).toBe('aswarmdrop get: complete');
    expect(parseMagnet(magnetWithName('photo\u202egpj.exe')).name).toBe('photogpj.exe');
    expect(parseMagnet(magnetWithName('tab\there\u0085\u009b\u007f')).name).toBe('tabhere');
  });

  it('ordinary names pass unchanged, spaces, dots and non-Latin letters included', () => {
    for (const name of [
      'My Film é.mkv',
      'a & b=c?.txt',
      'holiday photos',
      '.hidden',
      'Ωμέγα 日本語 ✓',
      'v1.2.3',
    ])
      expect(parseMagnet(magnetWithName(name)).name).toBe(name);
  });

  it('a name made only of control characters or white space is dropped', () => {
    expect(parseMagnet(magnetWithName('\u0000\u0001 \t')).name).toBeUndefined();
    expect(safeDisplayName('   ')).toBeUndefined();
    expect(safeDisplayName(undefined)).toBeUndefined();
  });

  it('long names are cut to 255 characters', () => {
    expect(safeDisplayName('x'.repeat(5000))).toHaveLength(MAX_DISPLAY_NAME_LENGTH);
  });

  it('a magnet we write carries the safe name and reads back the same', () => {
    const name = parseMagnet(magnetWithName('../x/y\u0007'))!.name!;
    expect(name).toBe('.._x_y');
    expect(parseMagnet(formatMagnet({ infoHashHex: HEX, name, trackers: [] })).name).toBe(name);
  });

  it('stripControlCharacters keeps separators (client names like libtorrent/2.0)', () => {
    expect(stripControlCharacters(' libtorrent/2.0\u001b[0m ')).toBe('libtorrent/2.0[0m');
  });

  it('never returns a name with a separator or a control character (random input)', () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const alphabet = ['/', '\\', '.', ' ', '\u0000', '\u001b', '\u202e', 'a', 'é', '\n', '_', '\u009b'];
    for (let i = 0; i < 2000; i++) {
      let raw = '';
      for (let n = next() % 20; n > 0; n--) raw += alphabet[next() % alphabet.length];
      const out = safeDisplayName(raw);
      if (out === undefined) continue;
      // eslint-disable-next-line no-control-regex -- checking exactly for them
      expect(out).not.toMatch(/[/\\\u0000-\u001f\u007f-\u009f\u202e]/);
      expect(out).toMatch(/[^.\s_]/);
    }
  });
});
