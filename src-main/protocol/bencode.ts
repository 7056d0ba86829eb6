// Typed access to the `bencode` package: decoding is bounded and every failure is a
// ProtocolError, so callers can treat bencoded input from the network as hostile.
import bencodeLib from 'bencode';
import { scanBencode } from './bencode-scan.ts';
import { ProtocolError } from './protocol-error.ts';

export type BValue = number | Uint8Array | BValue[] | BDict;
export interface BDict {
  [key: string]: BValue;
}

export interface DecodeOptions {
  /** Refuse input longer than this many bytes before parsing (default 16 MiB). */
  maxLengthBytes?: number;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

export function bencode(value: unknown): Uint8Array {
  return bencodeLib.encode(value);
}

/** Decodes exactly one bencoded value occupying the whole input. */
export function bdecode(bytes: Uint8Array, options: DecodeOptions = {}): BValue {
  const max = options.maxLengthBytes ?? DEFAULT_MAX_BYTES;
  if (bytes.length > max) throw new ProtocolError('too-large', `bencoded value of ${bytes.length} bytes exceeds ${max}`);
  if (bytes.length === 0) throw new ProtocolError('truncated', 'empty bencoded value');
  // The library loops forever on a negative string length and recurses without a depth
  // bound, so it only ever sees input the strict scanner has accepted.
  const end = scanBencode(bytes);
  if (end !== bytes.length) throw new ProtocolError('bad-value', `trailing ${bytes.length - end} bytes after bencoded value`);
  let value: unknown;
  try {
    value = bencodeLib.decode(bytes);
  } catch (err) {
    throw new ProtocolError('bad-value', `malformed bencode: ${(err as Error).message}`);
  }
  return value as BValue;
}

/**
 * Decodes one bencoded value at the start of `bytes` and reports how many bytes it used;
 * BEP 9 metadata messages carry raw data after their dictionary.
 */
export function bdecodePrefix(bytes: Uint8Array, options: DecodeOptions = {}): { value: BValue; lengthBytes: number } {
  const max = options.maxLengthBytes ?? DEFAULT_MAX_BYTES;
  if (bytes.length > max) throw new ProtocolError('too-large', `bencoded value of ${bytes.length} bytes exceeds ${max}`);
  if (bytes.length === 0) throw new ProtocolError('truncated', 'empty bencoded value');
  const end = scanBencode(bytes);
  let value: BValue;
  try {
    value = bencodeLib.decode(bytes.subarray(0, end)) as BValue;
  } catch (err) {
    throw new ProtocolError('bad-value', `malformed bencode: ${(err as Error).message}`);
  }
  return { value, lengthBytes: end };
}

// Narrowing helpers: each names what it expected, so errors say which field was wrong.
export function isDict(v: BValue | undefined): v is BDict {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !Array.isArray(v);
}

export function asDict(v: BValue | undefined, what: string): BDict {
  if (!isDict(v)) throw new ProtocolError('bad-type', `${what} must be a dictionary`);
  return v;
}

export function asBytes(v: BValue | undefined, what: string): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new ProtocolError('bad-type', `${what} must be a byte string`);
  return v;
}

export function asString(v: BValue | undefined, what: string): string {
  return new TextDecoder('utf-8').decode(asBytes(v, what));
}

export function asInt(v: BValue | undefined, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new ProtocolError('bad-type', `${what} must be an integer`);
  return v;
}

export function asList(v: BValue | undefined, what: string): BValue[] {
  if (!Array.isArray(v)) throw new ProtocolError('bad-type', `${what} must be a list`);
  return v;
}
