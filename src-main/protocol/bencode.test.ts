import { describe, expect, it } from 'vitest';
import { bdecode, bdecodePrefix, bencode, asDict, asInt, asString, latin1Key } from './bencode.ts';
import { ProtocolError } from './protocol-error.ts';

const enc = (s: string) => new TextEncoder().encode(s);

describe('bencode codec', () => {
  it('round-trips a dictionary', () => {
    const bytes = bencode({ name: 'a.txt', length: 5, list: [1, 'x'] });
    const d = asDict(bdecode(bytes), 'root');
    expect(asString(d.name, 'name')).toBe('a.txt');
    expect(asInt(d.length, 'length')).toBe(5);
  });

  it.each([
    ['empty', '', 'truncated'],
    ['string past the end', '10:abc', 'truncated'],
    ['trailing garbage', 'i1ei2e', 'bad-value'],
    ['garbage', 'x', 'bad-value'],
  ])('rejects %s with a ProtocolError', (_name, input, code) => {
    try {
      bdecode(enc(input));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ProtocolError);
      expect((err as ProtocolError).code).toBe(code);
    }
  });

  it('refuses input over the size bound before parsing', () => {
    expect(() => bdecode(new Uint8Array(100), { maxLengthBytes: 10 })).toThrow(/exceeds/);
  });

  it('reports the prefix length so trailing payload can follow (BEP 9)', () => {
    const r = bdecodePrefix(enc('d1:ai1eeRAW'));
    expect(r.lengthBytes).toBe(8);
  });

  it('names the field when a type is wrong', () => {
    expect(() => asInt(enc('x'), 'piece length')).toThrow(/piece length must be an integer/);
  });
});

describe('bencode codec on hostile input', () => {
  it('rejects a negative string length instead of hanging', () => {
    expect(() => bdecode(enc('l-3:abce'))).toThrow(ProtocolError);
    expect(() => bdecodePrefix(enc('l-3:abce'))).toThrow(ProtocolError);
  });

  it('rejects nesting deeper than the bound instead of overflowing the stack', () => {
    expect(() => bdecode(enc('l'.repeat(100_000) + 'e'.repeat(100_000)))).toThrow(ProtocolError);
  });
});

const protoKeyCodes = (fn: () => unknown): string => {
  try {
    fn();
    return 'accepted';
  } catch (err) {
    return err instanceof ProtocolError ? err.code : `foreign ${String(err)}`;
  }
};

describe('bencode dictionaries are read as libtorrent reads them', () => {
  it('keeps `__proto__` as an ordinary key, not the prototype', () => {
    const d = asDict(bdecode(enc('d9:__proto__3:abc4:name1:xe')), 'root');
    expect(Object.getPrototypeOf(d)).toBeNull();
    expect(Object.keys(d)).toEqual(['__proto__', 'name']);
    expect(d['__proto__']).toEqual(enc('abc'));
  });

  it('keeps `__proto__` holding a dictionary, a list or an integer as an ordinary key', () => {
    for (const value of ['de', 'le', 'i1e', 'd4:name3:abce']) {
      const d = asDict(bdecode(enc(`d9:__proto__${value}e`)), 'root');
      expect(Object.keys(d)).toEqual(['__proto__']);
      expect(d.name).toBeUndefined();
    }
  });

  it('does not inherit keys such as `constructor` or `toString`', () => {
    const d = asDict(bdecode(enc('de')), 'root');
    expect(d['constructor']).toBeUndefined();
    expect(d['toString']).toBeUndefined();
    expect(protoKeyCodes(() => asInt(d['constructor'], 'constructor'))).toBe('bad-type');
  });

  it('a repeated key: the first occurrence wins (libtorrent dict_find)', () => {
    const d = asDict(bdecode(enc('d4:name3:abc4:name3:xyze')), 'root');
    expect(asString(d.name, 'name')).toBe('abc');
  });

  it('binary keys stay distinct: one character per byte, never a hex spelling', () => {
    const d = asDict(bdecode(Uint8Array.of(...enc('d2:'), 0xff, 0xfe, ...enc('i1e4:fffei2ee'))), 'root');
    expect(d[latin1Key(Uint8Array.of(0xff, 0xfe))]).toBe(1);
    expect(d.fffe).toBe(2);
  });

  it('encodes a decoded binary key back to the same bytes', () => {
    const bytes = Uint8Array.of(...enc('d2:'), 0xff, 0xfe, ...enc('i1ee'));
    expect(bencode(bdecode(bytes))).toEqual(bytes);
  });

  it('decodes integers past 2^53 as exact bigints and refuses those beyond 64 bits', () => {
    expect(bdecode(enc('i9223372036854775807e'))).toBe(9223372036854775807n);
    expect(bdecode(enc('i-9223372036854775808e'))).toBe(-9223372036854775808n);
    expect(bdecode(enc('i9007199254740991e'))).toBe(9007199254740991);
    expect(protoKeyCodes(() => bdecode(enc('i9223372036854775808e')))).toBe('too-large');
    expect(protoKeyCodes(() => bdecode(enc(`i${'9'.repeat(5000)}e`)))).toBe('too-large');
    expect(protoKeyCodes(() => asInt(bdecode(enc('i9007199254740992e')), 'n'))).toBe('too-large');
  });

  it.each([
    ['a leading zero', 'i03e', 'bad-value'],
    ['negative zero', 'i-0e', 'bad-value'],
    ['an integer key', 'di1ei1ee', 'bad-type'],
    ['a key without a value', 'd1:ae', 'bad-value'],
    ['an unterminated dictionary', 'd1:ai1e', 'truncated'],
  ])('refuses %s', (_name, input, code) => {
    expect(protoKeyCodes(() => bdecode(enc(input)))).toBe(code);
  });

  it('encodes keys in byte order and leaves out undefined values', () => {
    expect(new TextDecoder().decode(bencode({ b: 1, a: 'x', c: undefined, B: [true, false] }))).toBe(
      'd1:Bli1ei0ee1:a1:x1:bi1ee',
    );
  });

  it('refuses to encode what bencode cannot hold', () => {
    expect(() => bencode(1.5)).toThrow(RangeError);
    expect(() => bencode({ 'é\u0100': 1 })).toThrow(RangeError);
  });

  it('decoded byte strings are copies, never views that pin the input', () => {
    const input = Buffer.from('l3:abce');
    const [s] = bdecode(input) as Uint8Array[];
    expect(s!.buffer).not.toBe(input.buffer);
    expect(s!.byteLength).toBe(s!.buffer.byteLength);
  });
});
