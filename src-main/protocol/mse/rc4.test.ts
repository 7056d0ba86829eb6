import { describe, expect, it } from 'vitest';
import { Rc4 } from './rc4.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const ascii = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

describe('RC4', () => {
  it('matches the classic key/plaintext vectors', () => {
    expect(toHex(new Rc4(ascii('Key')).applyCopy(ascii('Plaintext')))).toBe('bbf316e8d940af0ad3');
    expect(toHex(new Rc4(ascii('Wiki')).applyCopy(ascii('pedia')))).toBe('1021bf0420');
    expect(toHex(new Rc4(ascii('Secret')).applyCopy(ascii('Attack at dawn')))).toBe(
      '45a01f645fc35b383552544b9bf5',
    );
  });

  // RFC 6229 keystreams, at offset 0 and at offset 1024 (where MSE starts using them).
  it.each([
    ['0102030405', 'b2396305f03dc027ccc3524a0a1118a8', '30abbcc7c20b01609f23ee2d5f6bb7df'],
    [
      '0102030405060708090a0b0c0d0e0f10',
      '9ac7cc9a609d1ef7b2932899cde41b97',
      'bdf0324e6083dcc6d3cedd3ca8c53c16',
    ],
  ])('matches RFC 6229 for key %s at offsets 0 and 1024', (key, at0, at1024) => {
    expect(toHex(new Rc4(hex(key)).applyCopy(new Uint8Array(16)))).toBe(at0);
    const rc4 = new Rc4(hex(key));
    rc4.discard(1024);
    expect(toHex(rc4.applyCopy(new Uint8Array(16)))).toBe(at1024);
  });

  it('gives the same stream whatever the chunking, and deciphers what it enciphered', () => {
    const data = Uint8Array.from({ length: 5000 }, (_, i) => (i * 31) & 0xff);
    const whole = new Rc4(ascii('k')).applyCopy(data);
    const chunked = new Rc4(ascii('k'));
    const pieces = new Uint8Array(data);
    for (let at = 0; at < pieces.length; at += 777) chunked.apply(pieces.subarray(at, at + 777));
    expect(pieces).toEqual(whole);
    expect(new Rc4(ascii('k')).apply(pieces)).toEqual(data);
  });

  it('gives the same bytes at any alignment, in place or into another buffer', () => {
    const data = Uint8Array.from({ length: 1031 }, (_, i) => (i * 7 + 3) & 0xff);
    const expected = new Rc4(ascii('align')).applyCopy(data);
    for (let offset = 0; offset < 4; offset++) {
      const backing = new Uint8Array(data.length + 8);
      const view = backing.subarray(offset, offset + data.length);
      view.set(data);
      expect(new Rc4(ascii('align')).apply(view)).toEqual(expected);
      const out = new Uint8Array(data.length + 8).subarray(3 - offset, 3 - offset + data.length);
      expect(new Rc4(ascii('align')).apply(data, out)).toEqual(expected);
    }
    expect(data[5]).toBe((5 * 7 + 3) & 0xff);
  });

  it('refuses an empty or oversized key', () => {
    expect(() => new Rc4(new Uint8Array(0))).toThrow(RangeError);
    expect(() => new Rc4(new Uint8Array(257))).toThrow(RangeError);
  });
});
