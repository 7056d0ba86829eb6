import { describe, expect, it } from 'vitest';
import { clientNameFromPeerId, generatePeerId } from './peer-id.ts';
import { mulberry32 } from '../../../src-shared/util/mulberry32.ts';

const id = (s: string) => Uint8Array.from(Buffer.from(s.padEnd(20, 'x'), 'latin1'));

describe('peer id (BEP 20)', () => {
  it('generates -SW0100- plus 12 printable random bytes', () => {
    const a = generatePeerId(undefined, mulberry32(1));
    const b = generatePeerId(undefined, mulberry32(2));
    const text = Buffer.from(a).toString('latin1');
    expect(a.length).toBe(20);
    expect(text).toMatch(/^-SW0100-[0-9A-Za-z]{12}$/);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(Buffer.from(generatePeerId('-XY1234-')).toString('latin1')).toMatch(/^-XY1234-/);
    expect(() => generatePeerId('x'.repeat(21))).toThrow(RangeError);
  });

  it.each([
    ['-TR3000-', 'Transmission 3.00'],
    ['-TR2940-', 'Transmission 2.94'],
    ['-TR4060-', 'Transmission 4.0.6'],
    ['-qB4250-', 'qBittorrent 4.2.5'],
    ['-lt0D80-', 'libtorrent (rakshasa) 0.13.8'],
    ['-LT1220-', 'libtorrent (Rasterbar) 1.2.2'],
    ['-WW0105-', 'WebTorrent 1.5'],
    ['-UT355W-', 'µTorrent 3.5.5'],
    ['-DE13F0-', 'Deluge 1.3.15'],
    ['-SW0100-', 'Swarmdrop 0.1'],
    ['-SD0100-', 'Xunlei 0.1'],
    ['-AZ5770-', 'Vuze 5.7.7'],
    ['-BT7a5W-', 'BitTorrent'],
    ['-ZZ1000-', 'Unknown (ZZ)'],
    ['S58B-----', 'Shadow 5.8.11'],
    ['T03I-----', 'BitTornado 0.3.18'],
    ['M4-3-6--', 'Mainline 4.3.6'],
    ['\u0000\u0001garbage', 'Unknown'],
  ])('names %j as %s', (prefix, name) => {
    expect(clientNameFromPeerId(id(prefix))).toBe(name);
  });

  it('returns Unknown for a peer id of the wrong length', () => {
    expect(clientNameFromPeerId(new Uint8Array(5))).toBe('Unknown');
  });
});
