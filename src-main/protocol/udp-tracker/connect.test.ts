import { describe, expect, it } from 'vitest';
import {
  decodeConnectRequest,
  decodeConnectResponse,
  encodeConnectRequest,
  encodeConnectResponse,
} from './connect.ts';

const code = (c: string) => expect.objectContaining({ name: 'ProtocolError', code: c });
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s/g, ''), 'hex'));

describe('connect (BEP 15)', () => {
  it('encodes the request with the magic protocol id', () => {
    // 0x41727101980 | action 0 | transaction 0xdeadbeef
    expect(hex(encodeConnectRequest({ transactionId: 0xdeadbeef }))).toBe(
      '0000041727101980' + '00000000' + 'deadbeef',
    );
  });

  it('decodes the request', () => {
    expect(decodeConnectRequest(bytes('0000041727101980 00000000 00000007'))).toEqual({ transactionId: 7 });
  });

  it('round-trips the response', () => {
    const res = { transactionId: 0xffffffff, connectionId: 0x0123456789abcdefn };
    const enc = encodeConnectResponse(res);
    expect(hex(enc)).toBe('00000000ffffffff0123456789abcdef');
    expect(decodeConnectResponse(enc)).toEqual(res);
  });

  it('accepts trailing bytes (BEP 15 forward compatibility) but not oversized datagrams', () => {
    const longer = new Uint8Array(20);
    longer.set(encodeConnectRequest({ transactionId: 1 }));
    expect(decodeConnectRequest(longer).transactionId).toBe(1);
    expect(() => decodeConnectRequest(new Uint8Array(2000))).toThrow(code('too-large'));
  });

  it('refuses truncated, wrong magic and wrong action', () => {
    expect(() => decodeConnectRequest(bytes('0000041727101980 00000000 000000'))).toThrow(code('truncated'));
    expect(() => decodeConnectRequest(bytes('0000041727101981 00000000 00000007'))).toThrow(
      code('bad-value'),
    );
    expect(() => decodeConnectRequest(bytes('0000041727101980 00000001 00000007'))).toThrow(
      code('unknown-message'),
    );
    expect(() => decodeConnectResponse(new Uint8Array(15))).toThrow(code('truncated'));
    expect(() => decodeConnectResponse(bytes('00000003 00000001 0000000000000000'))).toThrow(
      code('unknown-message'),
    );
  });

  it('refuses out-of-range values when encoding', () => {
    expect(() => encodeConnectRequest({ transactionId: -1 })).toThrow(code('bad-value'));
    expect(() => encodeConnectResponse({ transactionId: 1, connectionId: 1n << 64n })).toThrow(
      code('bad-value'),
    );
  });
});
