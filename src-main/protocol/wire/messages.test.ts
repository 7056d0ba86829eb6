import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MESSAGE_LIMITS,
  encodeMessage,
  encodePieceParts,
  encodeRequests,
  type WireMessage,
} from './messages.ts';
import { decodeMessage, expectProtocolError, hex } from './wire-test-helpers.ts';

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// Spec byte vectors: <len u32 BE><id><payload> (BEP 3, BEP 5, BEP 6, BEP 10).
const vectors: [WireMessage, string][] = [
  [{ type: 'keep-alive' }, '00000000'],
  [{ type: 'choke' }, '0000000100'],
  [{ type: 'unchoke' }, '0000000101'],
  [{ type: 'interested' }, '0000000102'],
  [{ type: 'not-interested' }, '0000000103'],
  [{ type: 'have', index: 0x01020304 }, '000000050401020304'],
  [{ type: 'bitfield', bytes: hex('ff80') }, '0000000305ff80'],
  [{ type: 'request', index: 1, begin: 0x4000, length: 0x4000 }, '0000000d06000000010000400000004000'],
  [{ type: 'piece', index: 2, begin: 0, block: hex('aabbcc') }, '0000000c070000000200000000aabbcc'],
  [{ type: 'cancel', index: 1, begin: 0x4000, length: 0x4000 }, '0000000d08000000010000400000004000'],
  [{ type: 'port', port: 6881 }, '00000003091ae1'],
  [{ type: 'suggest', index: 7 }, '000000050d00000007'],
  [{ type: 'have-all' }, '000000010e'],
  [{ type: 'have-none' }, '000000010f'],
  [{ type: 'reject', index: 1, begin: 0, length: 0x4000 }, '0000000d10000000010000000000004000'],
  [{ type: 'allowed-fast', index: 9 }, '000000051100000009'],
  [{ type: 'extended', extId: 0, payload: hex('6465') }, '0000000414006465'],
];

describe('wire messages', () => {
  it.each(vectors)('encodes and decodes %j', (msg, bytes) => {
    expect(toHex(encodeMessage(msg))).toBe(bytes);
    expect(decodeMessage(hex(bytes))).toEqual(msg);
  });

  it('splits a piece into header and the very same block (no copy)', () => {
    const block = new Uint8Array(16384).fill(7);
    const [header, body] = encodePieceParts(3, 16384, block);
    expect(body).toBe(block);
    expect(toHex(header)).toBe('00004009' + '07' + '00000003' + '00004000');
    expect(
      Buffer.concat([header, body]).equals(
        Buffer.from(encodeMessage({ type: 'piece', index: 3, begin: 16384, block })),
      ),
    ).toBe(true);
  });

  it('batches requests into one buffer', () => {
    const refs = [
      { index: 1, begin: 0, length: 16384 },
      { index: 1, begin: 16384, length: 16384 },
    ];
    const batch = encodeRequests(refs);
    expect(toHex(batch)).toBe(refs.map((r) => toHex(encodeMessage({ type: 'request', ...r }))).join(''));
  });

  it('refuses to encode out-of-range values', () => {
    expect(() => encodeMessage({ type: 'have', index: -1 })).toThrow(RangeError);
    expect(() => encodeMessage({ type: 'port', port: 70000 })).toThrow(RangeError);
    expect(() => encodeMessage({ type: 'extended', extId: 256, payload: new Uint8Array() })).toThrow(
      RangeError,
    );
  });

  it.each([
    ['unknown id', '0000000163', 'unknown-message'],
    ['have of wrong size', '00000004040000', 'bad-value'],
    ['choke with payload', '000000020000', 'bad-value'],
    ['request too long', '0000000e0600000001000040000000400000', 'bad-value'],
    ['piece without begin', '000000050700000001', 'truncated'],
    ['extended without ext id', '0000000114', 'truncated'],
    ['piece over the block bound', '00004010' + '07', 'too-large'],
    ['huge length prefix', 'ffffffff05', 'too-large'],
    ['truncated body', '000000050400', 'truncated'],
    ['short length prefix', '000000', 'truncated'],
    ['trailing bytes', '000000010000', 'bad-value'],
  ])('rejects %s', (_name, bytes, code) => {
    expectProtocolError(() => decodeMessage(hex(bytes as string)), code as never);
  });

  it('rejects BEP 6 messages when the fast extension is off', () => {
    expectProtocolError(
      () => decodeMessage(hex('000000010e'), { ...DEFAULT_MESSAGE_LIMITS, fastExtension: false }),
      'unknown-message',
    );
  });
});
