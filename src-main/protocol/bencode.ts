// Bencode (BEP 3), decoded and encoded here rather than through a general-purpose library,
// because bencoded input comes from the network and from files strangers made:
// - Dictionaries decode into prototype-free objects, so a key named `__proto__`,
//   `constructor` or `toString` is an ordinary key, as it is in every other client. (Decoding
//   into `{}` let `__proto__` replace the dictionary's prototype: a TypeError instead of a
//   ProtocolError, and a dictionary read differently from how libtorrent reads it.)
// - A key is a byte string. It is held as a JavaScript string with one character per byte
//   (latin1), so every key is distinct and ASCII keys read as themselves; no key is
//   re-spelled (a UTF-8 decode would merge distinct invalid-UTF-8 keys).
// - A key repeated in one dictionary: the first occurrence wins, as in libtorrent
//   (`bdecode_node::dict_find` returns the first match). bencode-scan.ts locates the raw
//   info dict by the same rule, so the info-hash and the parsed info always agree.
// - Integers beyond the signed 64-bit range are refused (libtorrent refuses them too);
//   integers beyond 2^53 decode as bigint so nothing is silently rounded.
// - Nesting is bounded (MAX_BENCODE_DEPTH), input length is bounded by the caller, and every
//   failure is a ProtocolError.
import { Buffer } from 'node:buffer';
import { MAX_BENCODE_DEPTH } from './bencode-scan.ts';
import { ProtocolError } from './protocol-error.ts';

export type BValue = number | bigint | Uint8Array | BValue[] | BDict;
/** A decoded dictionary: no prototype, keys are latin1 strings (one character per byte). */
export interface BDict {
  [key: string]: BValue;
}

export interface DecodeOptions {
  /** Refuse input longer than this many bytes before parsing (default 16 MiB). */
  maxLengthBytes?: number;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
/** "-9223372036854775808" is 20 characters; anything longer is out of range. */
const MAX_INTEGER_CHARS = 20;
/** Digits of a string length: 15 digits already exceed any input we accept. */
const MAX_LENGTH_DIGITS = 15;

const D = 0x64; // 'd'
const L = 0x6c; // 'l'
const I = 0x69; // 'i'
const E = 0x65; // 'e'
const COLON = 0x3a;
const MINUS = 0x2d;
const ZERO = 0x30;
const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;

/** A new empty dictionary without a prototype (what the decoder produces). */
export const newDict = (): BDict => Object.create(null) as BDict;

/** Decodes exactly one bencoded value occupying the whole input. */
export function bdecode(bytes: Uint8Array, options: DecodeOptions = {}): BValue {
  checkBounds(bytes, options);
  const decoder = new Decoder(bytes);
  const value = decoder.value(0);
  if (decoder.pos !== bytes.length)
    throw new ProtocolError('bad-value', `trailing ${bytes.length - decoder.pos} bytes after bencoded value`);
  return value;
}

/**
 * Decodes one bencoded value at the start of `bytes` and reports how many bytes it used;
 * BEP 9 metadata messages carry raw data after their dictionary.
 */
export function bdecodePrefix(
  bytes: Uint8Array,
  options: DecodeOptions = {},
): { value: BValue; lengthBytes: number } {
  checkBounds(bytes, options);
  const decoder = new Decoder(bytes);
  const value = decoder.value(0);
  return { value, lengthBytes: decoder.pos };
}

function checkBounds(bytes: Uint8Array, options: DecodeOptions): void {
  const max = options.maxLengthBytes ?? DEFAULT_MAX_BYTES;
  if (bytes.length > max)
    throw new ProtocolError('too-large', `bencoded value of ${bytes.length} bytes exceeds ${max}`);
  if (bytes.length === 0) throw new ProtocolError('truncated', 'empty bencoded value');
}

// Recursive descent: the depth is bounded by MAX_BENCODE_DEPTH, so the stack is too.
class Decoder {
  pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  value(depth: number): BValue {
    const b = this.bytes[this.pos];
    if (b === undefined) throw new ProtocolError('truncated', 'bencoded value runs past the end');
    if (b === I) return this.integer();
    // A copy, never a view: a kept value must not pin the whole input (and Buffer#slice
    // would be a view).
    if (isDigit(b)) return new Uint8Array(this.bytes.subarray(...this.stringSpan()));
    if (b === L || b === D) {
      if (depth >= MAX_BENCODE_DEPTH)
        throw new ProtocolError('too-large', `bencode nested deeper than ${MAX_BENCODE_DEPTH}`);
      this.pos++;
      return b === L ? this.list(depth + 1) : this.dict(depth + 1);
    }
    throw new ProtocolError('bad-value', `bad bencode at byte ${this.pos}: unexpected 0x${b.toString(16)}`);
  }

  private list(depth: number): BValue[] {
    const items: BValue[] = [];
    while (this.peekNotEnd()) items.push(this.value(depth));
    this.pos++;
    return items;
  }

  private dict(depth: number): BDict {
    const dict = newDict();
    while (this.peekNotEnd()) {
      const keyAt = this.pos;
      if (!isDigit(this.bytes[keyAt]))
        throw new ProtocolError('bad-type', `dictionary key at byte ${keyAt} must be a string`);
      const [start, end] = this.stringSpan();
      const key = latin1(this.bytes, start, end);
      if (this.bytes[this.pos] === E)
        throw new ProtocolError('bad-value', `dictionary key without a value at byte ${this.pos}`);
      const value = this.value(depth);
      // First occurrence wins (see the header); `in` is safe on a prototype-free object.
      if (!(key in dict)) dict[key] = value;
    }
    this.pos++;
    return dict;
  }

  /** True when another item follows in the open container; false at its `e`. */
  private peekNotEnd(): boolean {
    const b = this.bytes[this.pos];
    if (b === undefined) throw new ProtocolError('truncated', 'bencoded value runs past the end');
    return b !== E;
  }

  /** Reads `<length>:` and returns the span of the string's bytes, moving past them. */
  private stringSpan(): [number, number] {
    const bytes = this.bytes;
    const digitsAt = this.pos;
    let p = digitsAt;
    while (isDigit(bytes[p])) p++;
    if (p - digitsAt > MAX_LENGTH_DIGITS)
      throw new ProtocolError('too-large', `bencoded string length at byte ${digitsAt} is absurd`);
    if (bytes[p] === undefined)
      throw new ProtocolError('truncated', 'bencoded string length runs past the end');
    if (bytes[p] !== COLON) throw new ProtocolError('bad-value', `bad bencode at byte ${p}: expected ':'`);
    let length = 0;
    for (let i = digitsAt; i < p; i++) length = length * 10 + (bytes[i]! - ZERO);
    const start = p + 1;
    const end = start + length;
    if (end > bytes.length)
      throw new ProtocolError('truncated', `bencoded string of ${length} bytes runs past the end`);
    this.pos = end;
    return [start, end];
  }

  private integer(): number | bigint {
    const bytes = this.bytes;
    const at = this.pos;
    let p = at + 1;
    const negative = bytes[p] === MINUS;
    if (negative) p++;
    const digitsAt = p;
    while (isDigit(bytes[p])) p++;
    if (bytes[p] === undefined) throw new ProtocolError('truncated', 'bencoded integer runs past the end');
    if (p === digitsAt || bytes[p] !== E)
      throw new ProtocolError('bad-value', `bad bencoded integer at byte ${at}`);
    if (p - digitsAt > 1 && bytes[digitsAt] === ZERO)
      throw new ProtocolError('bad-value', `integer with a leading zero at byte ${at}`);
    if (negative && bytes[digitsAt] === ZERO)
      throw new ProtocolError('bad-value', `negative zero at byte ${at}`);
    if (p - at - 1 > MAX_INTEGER_CHARS)
      throw new ProtocolError('too-large', `bencoded integer at byte ${at} is beyond 64 bits`);
    this.pos = p + 1;
    const text = latin1(bytes, at + 1, p);
    const n = Number(text);
    if (Number.isSafeInteger(n)) return n;
    const big = BigInt(text);
    if (big > INT64_MAX || big < INT64_MIN)
      throw new ProtocolError('too-large', `bencoded integer at byte ${at} is beyond 64 bits`);
    return big;
  }
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

/**
 * Encodes a value: Uint8Array → byte string, string → its UTF-8 bytes, integer number or
 * bigint → integer, boolean → 1/0, array → list, object or Map → dictionary with keys in
 * byte order. `undefined`/`null` entries of a dictionary or list are left out. A dictionary
 * key must be a latin1 string (one character per byte, as the decoder produces): a key
 * with a character above U+00FF is a programming error and throws a RangeError, as do
 * non-integer numbers and values of other types.
 */
export function bencode(value: unknown): Uint8Array {
  const out = new ByteSink();
  encodeValue(value, out, 0);
  return out.result();
}

function encodeValue(value: unknown, out: ByteSink, depth: number): void {
  if (depth > MAX_BENCODE_DEPTH) throw new RangeError(`bencode: nested deeper than ${MAX_BENCODE_DEPTH}`);
  if (value instanceof Uint8Array) {
    out.ascii(`${value.length}:`);
    out.bytes(value);
  } else if (typeof value === 'string') {
    const utf8 = Buffer.from(value, 'utf8');
    out.ascii(`${utf8.length}:`);
    out.bytes(utf8);
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`bencode: ${value} is not a safe integer`);
    out.ascii(`i${value}e`);
  } else if (typeof value === 'bigint') {
    out.ascii(`i${value}e`);
  } else if (typeof value === 'boolean') {
    out.ascii(value ? 'i1e' : 'i0e');
  } else if (Array.isArray(value)) {
    out.ascii('l');
    for (const item of value) if (item !== undefined && item !== null) encodeValue(item, out, depth + 1);
    out.ascii('e');
  } else if (value instanceof Map) {
    encodeDict([...(value as Map<unknown, unknown>).entries()], out, depth);
  } else if (typeof value === 'object' && value !== null) {
    encodeDict(Object.entries(value), out, depth);
  } else {
    throw new RangeError(`bencode: cannot encode a ${typeof value}`);
  }
}

function encodeDict(entries: [unknown, unknown][], out: ByteSink, depth: number): void {
  const keyed = entries
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]): [string, unknown] => {
      if (typeof k !== 'string') throw new RangeError('bencode: dictionary keys must be strings');
      return [k, v];
    });
  // Latin1 strings compare code unit by code unit, which is byte order (BEP 3).
  keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  out.ascii('d');
  for (const [key, v] of keyed) {
    if (!isLatin1(key)) throw new RangeError(`bencode: key ${JSON.stringify(key)} is not latin1`);
    out.ascii(`${key.length}:`);
    out.bytes(Buffer.from(key, 'latin1'));
    encodeValue(v, out, depth + 1);
  }
  out.ascii('e');
}

function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}

/** Collects encoded pieces and joins them once. */
class ByteSink {
  private readonly parts: Uint8Array[] = [];
  private total = 0;

  ascii(text: string): void {
    this.bytes(Buffer.from(text, 'latin1'));
  }

  bytes(b: Uint8Array): void {
    this.parts.push(b);
    this.total += b.length;
  }

  result(): Uint8Array {
    const out = new Uint8Array(this.total);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
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
  if (typeof v === 'bigint') throw new ProtocolError('too-large', `${what} ${v} is beyond 2^53`);
  if (typeof v !== 'number' || !Number.isSafeInteger(v))
    throw new ProtocolError('bad-type', `${what} must be an integer`);
  return v;
}

export function asList(v: BValue | undefined, what: string): BValue[] {
  if (!Array.isArray(v)) throw new ProtocolError('bad-type', `${what} must be a list`);
  return v;
}

/** A dictionary's value under `key` as a latin1 key (ASCII keys are themselves). */
export const latin1Key = (bytes: Uint8Array): string => latin1(bytes, 0, bytes.length);
