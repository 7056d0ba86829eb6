// Shared by the wire codec tests: expect a ProtocolError with a given code, decode one frame.
import { expect } from 'vitest';
import { ProtocolError, type ProtocolErrorCode } from '../protocol-error.ts';
import {
  checkMessageLength,
  decodeMessageBody,
  DEFAULT_MESSAGE_LIMITS,
  type MessageLimits,
  type WireMessage,
} from './messages.ts';
import { readU32 } from './wire-bytes.ts';

export function expectProtocolError(fn: () => unknown, code: ProtocolErrorCode): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, 'expected a ProtocolError').toBeInstanceOf(ProtocolError);
  expect((thrown as ProtocolError).code).toBe(code);
}

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
export const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

export function randomBytes(random: () => number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(random() * 256);
  return out;
}

/**
 * Decodes exactly one length-prefixed message with the checks WireDecoder makes on a
 * stream (length limits, then the body), and refuses trailing bytes.
 */
export function decodeMessage(
  frameBytes: Uint8Array,
  limits: MessageLimits = DEFAULT_MESSAGE_LIMITS,
): WireMessage {
  if (frameBytes.length < 4) throw new ProtocolError('truncated', 'message shorter than its length prefix');
  const length = readU32(frameBytes, 0);
  if (length === 0) {
    if (frameBytes.length !== 4) throw new ProtocolError('bad-value', 'trailing bytes after keep-alive');
    return { type: 'keep-alive' };
  }
  if (frameBytes.length < 5) throw new ProtocolError('truncated', 'message without id');
  checkMessageLength(frameBytes[4]!, length, limits);
  if (frameBytes.length < 4 + length)
    throw new ProtocolError('truncated', `message of ${length} bytes truncated`);
  if (frameBytes.length > 4 + length) throw new ProtocolError('bad-value', 'trailing bytes after message');
  return decodeMessageBody(frameBytes[4]!, frameBytes, 5, 4 + length);
}
