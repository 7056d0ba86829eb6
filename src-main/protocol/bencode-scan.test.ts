import { describe, expect, it } from 'vitest';
import { ProtocolError } from './protocol-error.ts';
import { findTopLevelValue, MAX_BENCODE_DEPTH, scanBencode } from './bencode-scan.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array, span: { start: number; end: number }) =>
  new TextDecoder().decode(b.subarray(span.start, span.end));

describe('bencode scan', () => {
  it('finds the exact span of a top-level value', () => {
    const bytes = enc('d8:announce3:url4:infod4:name1:a6:lengthi3ee3:zzzi1ee');
    const span = findTopLevelValue(bytes, 'info');
    expect(span && text(bytes, span)).toBe('d4:name1:a6:lengthi3ee');
  });

  it('ignores a nested key of the same name', () => {
    const bytes = enc('d1:ad4:infoi1ee4:infoi2ee');
    const span = findTopLevelValue(bytes, 'info');
    expect(span && text(bytes, span)).toBe('i2e');
  });

  it('returns undefined when the key is absent', () => {
    expect(findTopLevelValue(enc('d1:ai1ee'), 'info')).toBeUndefined();
  });

  it('measures scalars, lists and dicts', () => {
    expect(scanBencode(enc('i-42e'))).toBe(5);
    expect(scanBencode(enc('4:spam'))).toBe(6);
    expect(scanBencode(enc('l4:spami1eee'))).toBe(11);
    expect(scanBencode(enc('0:'))).toBe(2);
    expect(scanBencode(enc('de'))).toBe(2);
  });

  it.each([
    ['l-3:abce', 'bad-value'], // a negative length must not make a parser loop
    ['i1', 'truncated'],
    ['ie', 'bad-value'],
    ['i-0e', 'bad-value'],
    ['i03e', 'bad-value'],
    ['i1-2e', 'bad-value'],
    ['5:abc', 'truncated'],
    ['99999999999999999999:a', 'too-large'],
    ['d1:a', 'truncated'],
    ['d1:ae', 'bad-value'],
    ['di1ei2ee', 'bad-type'],
    ['l', 'truncated'],
    ['x', 'bad-value'],
    ['e', 'bad-value'],
    ['3x', 'bad-value'],
  ])('refuses %j with %s', (input, code) => {
    try {
      scanBencode(enc(input));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ProtocolError);
      expect((err as ProtocolError).code).toBe(code);
    }
  });

  it('bounds nesting depth without recursion', () => {
    const deep = enc('l'.repeat(MAX_BENCODE_DEPTH + 1) + 'e'.repeat(MAX_BENCODE_DEPTH + 1));
    expect(() => scanBencode(deep)).toThrow(/deeper/);
    const ok = enc('l'.repeat(MAX_BENCODE_DEPTH) + 'e'.repeat(MAX_BENCODE_DEPTH));
    expect(scanBencode(ok)).toBe(ok.length);
  });

  it('refuses trailing bytes and non-dict roots in findTopLevelValue', () => {
    expect(() => findTopLevelValue(enc('dei1e'), 'info')).toThrow(/trailing/);
    expect(() => findTopLevelValue(enc('le'), 'info')).toThrow(ProtocolError);
  });
});
