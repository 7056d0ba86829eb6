// A strict, iterative walk over bencoded bytes that validates the structure and finds the
// byte span of one top-level dictionary value. The info-hash is SHA-1 over the info dict
// *exactly as it appears in the file* (BEP 3); re-encoding a decoded dict would change the
// hash of any torrent that is not in canonical form, so we need the raw span. It accepts
// exactly what bdecode (bencode.ts) accepts.
import { ProtocolError } from './protocol-error.ts';

/** Deepest list/dict nesting we accept; real torrents use 4–5 levels. */
export const MAX_BENCODE_DEPTH = 64;

const D = 0x64; // 'd'
const L = 0x6c; // 'l'
const I = 0x69; // 'i'
const E = 0x65; // 'e'
const COLON = 0x3a;
const MINUS = 0x2d;
const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;

export interface ByteSpan {
  start: number;
  end: number;
}

/** Validates that `bytes` is one well-formed bencoded value; returns where it ends. */
export function scanBencode(bytes: Uint8Array, start = 0): number {
  return scan(bytes, start, undefined).end;
}

/**
 * Validates that `bytes` holds exactly one bencoded dictionary and returns the span of the
 * value stored under top-level `key` (undefined when absent). The first occurrence wins if a
 * malformed file repeats the key, as in bdecode and libtorrent: the info-hash is always the
 * hash of the info dict that is parsed.
 */
export function findTopLevelValue(bytes: Uint8Array, key: string): ByteSpan | undefined {
  if (bytes[0] !== D) throw new ProtocolError('bad-type', 'metainfo must be a bencoded dictionary');
  const result = scan(bytes, 0, new TextEncoder().encode(key));
  if (result.end !== bytes.length) {
    throw new ProtocolError(
      'bad-value',
      `trailing ${bytes.length - result.end} bytes after bencoded dictionary`,
    );
  }
  return result.found;
}

function readLength(bytes: Uint8Array, pos: number): { length: number; next: number } {
  let end = pos;
  while (isDigit(bytes[end])) end++;
  if (end === pos)
    throw new ProtocolError('bad-value', `bad bencode at byte ${pos}: expected a string length`);
  if (end - pos > 15) throw new ProtocolError('too-large', `bencoded string length at byte ${pos} is absurd`);
  if (bytes[end] === undefined)
    throw new ProtocolError('truncated', 'bencoded string length runs past the end');
  if (bytes[end] !== COLON) throw new ProtocolError('bad-value', `bad bencode at byte ${end}: expected ':'`);
  const length = Number(new TextDecoder().decode(bytes.subarray(pos, end)));
  const next = end + 1 + length;
  if (next > bytes.length)
    throw new ProtocolError('truncated', `bencoded string of ${length} bytes runs past the end`);
  return { length, next };
}

function skipInteger(bytes: Uint8Array, pos: number): number {
  let p = pos + 1;
  if (bytes[p] === MINUS) p++;
  const digitsStart = p;
  while (isDigit(bytes[p])) p++;
  if (bytes[p] === undefined) throw new ProtocolError('truncated', 'bencoded integer runs past the end');
  if (p === digitsStart || bytes[p] !== E)
    throw new ProtocolError('bad-value', `bad bencoded integer at byte ${pos}`);
  if (p - digitsStart > 1 && bytes[digitsStart] === 0x30)
    throw new ProtocolError('bad-value', `integer with a leading zero at byte ${pos}`);
  if (bytes[digitsStart] === 0x30 && bytes[pos + 1] === MINUS)
    throw new ProtocolError('bad-value', `negative zero at byte ${pos}`);
  return p + 1;
}

interface Frame {
  isDict: boolean;
  /** In a dict: true when the next item is a key. */
  expectKey: boolean;
}

function scan(
  bytes: Uint8Array,
  start: number,
  wantedKey: Uint8Array | undefined,
): { end: number; found?: ByteSpan } {
  const stack: Frame[] = [];
  let pos = start;
  let found: ByteSpan | undefined;
  let capturingFrom = -1; // start of the wanted value while we walk through it
  for (;;) {
    const top = stack[stack.length - 1];
    const b = bytes[pos];
    if (b === undefined) throw new ProtocolError('truncated', 'bencoded value runs past the end');
    if (b === E && top) {
      if (top.isDict && !top.expectKey)
        throw new ProtocolError('bad-value', `dictionary key without a value at byte ${pos}`);
      stack.pop();
      pos++; // the container that just closed is the finished value
    } else if (top?.isDict && top.expectKey) {
      if (!isDigit(b)) throw new ProtocolError('bad-type', `dictionary key at byte ${pos} must be a string`);
      const { next } = readLength(bytes, pos);
      const keyStart = bytes.indexOf(COLON, pos) + 1;
      top.expectKey = false;
      if (stack.length === 1 && wantedKey && !found && equalBytes(bytes.subarray(keyStart, next), wantedKey))
        capturingFrom = next;
      pos = next;
      continue;
    } else if (b === D || b === L) {
      if (stack.length >= MAX_BENCODE_DEPTH)
        throw new ProtocolError('too-large', `bencode nested deeper than ${MAX_BENCODE_DEPTH}`);
      stack.push({ isDict: b === D, expectKey: true });
      pos++;
      continue;
    } else if (b === I) {
      pos = skipInteger(bytes, pos);
    } else if (isDigit(b)) {
      pos = readLength(bytes, pos).next;
    } else {
      throw new ProtocolError('bad-value', `bad bencode at byte ${pos}: unexpected 0x${b.toString(16)}`);
    }
    // A value (scalar or closed container) just finished.
    const parent = stack[stack.length - 1];
    if (!parent) return { end: pos, found };
    if (parent.isDict) parent.expectKey = true;
    if (stack.length === 1 && capturingFrom >= 0) {
      found = { start: capturingFrom, end: pos };
      capturingFrom = -1;
    }
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
