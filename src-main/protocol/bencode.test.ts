import { describe, expect, it } from 'vitest';
import { bdecode, bdecodePrefix, bencode, asDict, asInt, asString } from './bencode.ts';
import { ProtocolError } from './protocol-error.ts';

const enc = (s: string) => new TextEncoder().encode(s);

describe('bencode wrapper', () => {
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

describe('bencode wrapper on hostile input', () => {
  it('rejects a negative string length instead of hanging (the library loops on it)', () => {
    expect(() => bdecode(enc('l-3:abce'))).toThrow(ProtocolError);
    expect(() => bdecodePrefix(enc('l-3:abce'))).toThrow(ProtocolError);
  });

  it('rejects nesting deeper than the bound instead of overflowing the stack', () => {
    expect(() => bdecode(enc('l'.repeat(100_000) + 'e'.repeat(100_000)))).toThrow(ProtocolError);
  });
});
