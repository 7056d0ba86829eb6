import { describe, expect, it } from 'vitest';
import { decodeErrorResponse, encodeErrorResponse, MAX_ERROR_MESSAGE_BYTES } from './error-response.ts';

const code = (c: string) => expect.objectContaining({ name: 'ProtocolError', code: c });

describe('error response (BEP 15)', () => {
  it('encodes action 3, the transaction id and the message', () => {
    const enc = encodeErrorResponse({ transactionId: 0x01020304, message: 'no' });
    expect([...enc]).toEqual([0, 0, 0, 3, 1, 2, 3, 4, 0x6e, 0x6f]);
    expect(decodeErrorResponse(enc)).toEqual({ transactionId: 0x01020304, message: 'no' });
  });

  it('cuts long messages at a character boundary', () => {
    const enc = encodeErrorResponse({ transactionId: 1, message: 'é'.repeat(500) });
    expect(enc.length - 8).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_BYTES);
    expect(decodeErrorResponse(enc).message).toBe('é'.repeat(MAX_ERROR_MESSAGE_BYTES / 2));
  });

  // Found by the fuzzer: a long message (or one with bad UTF-8, which grows into U+FFFD)
  // from another tracker decoded to more than the encoder writes, so it changed on a
  // round trip; the decoder now keeps at most MAX_ERROR_MESSAGE_BYTES of it.
  it('keeps at most MAX_ERROR_MESSAGE_BYTES of a long or badly encoded message from another tracker', () => {
    const long = new Uint8Array(8 + 1000).fill(0xbb);
    long.set([0, 0, 0, 3, 0, 0, 0, 1]);
    const decoded = decodeErrorResponse(long);
    expect(new TextEncoder().encode(decoded.message).length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_BYTES);
    expect(decoded.message).toBe('\uFFFD'.repeat(Math.floor(MAX_ERROR_MESSAGE_BYTES / 3)));
    expect(decodeErrorResponse(encodeErrorResponse(decoded))).toEqual(decoded);
  });

  it('refuses truncated and foreign datagrams', () => {
    expect(() => decodeErrorResponse(new Uint8Array(7))).toThrow(code('truncated'));
    expect(() => decodeErrorResponse(new Uint8Array(8))).toThrow(code('unknown-message'));
  });
});
