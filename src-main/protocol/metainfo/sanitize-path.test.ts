import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../protocol-error.ts';
import { pathComponentProblem, sanitizeName, sanitizePath } from './sanitize-path.ts';

function badPath(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe('bad-path');
    return err as ProtocolError;
  }
  return expect.unreachable('expected a bad-path ProtocolError');
}

describe('sanitizePath', () => {
  it('accepts ordinary paths, unicode and dots inside names', () => {
    expect(sanitizePath(['music', 'Å – b.flac'], 'p')).toEqual(['music', 'Å – b.flac']);
    expect(sanitizePath(['.hidden', 'a..b', 'console.log', 'com10', 'CONSOLE'], 'p')).toHaveLength(5);
    expect(sanitizeName('My Folder')).toBe('My Folder');
  });

  it.each([
    [[], 'empty path'],
    [['a', ''], 'empty component'],
    [['..', 'etc', 'passwd'], "'..'"],
    [['a', '.', 'b'], "'.'"],
    [['a/../../b'], 'separator'],
    [['/etc/passwd'], 'separator'],
    [['a\\..\\b'], 'separator'],
    [['a\0b'], 'NUL'],
    [['a\nb'], 'control'],
    [['C:', 'Windows'], 'drive letter'],
    [['c:evil'], 'drive letter'],
    [['...'], 'dots and spaces'],
    [['. .'], 'dots and spaces'],
    [['CON'], 'device'],
    [['con.txt'], 'device'],
    [['x', 'Nul.tar.gz'], 'device'],
    [['prn'], 'device'],
    [['AUX'], 'device'],
    [['COM1'], 'device'],
    [['com9.log'], 'device'],
    [['LPT1'], 'device'],
    [['lpt9'], 'device'],
    [['CON. '], 'device'],
    [['a'.repeat(256)], '255 bytes'],
    [Array.from({ length: 65 }, () => 'd'), 'levels deep'],
  ])('refuses %j (%s)', (components, why) => {
    const err = badPath(() => sanitizePath(components, 'file path'));
    expect(err.message).toContain(why);
  });

  it('names the offending path in the message', () => {
    const err = badPath(() => sanitizePath(['docs', '..', '..', 'x'], 'file path'));
    expect(err.message).toContain('"docs/../../x"');
  });

  it('checks the name as one component', () => {
    badPath(() => sanitizeName('../x'));
    badPath(() => sanitizeName(''));
    badPath(() => sanitizeName('aux'));
  });

  it('reports no problem for a plain component', () => {
    expect(pathComponentProblem('file.bin')).toBeUndefined();
  });
});
