/**
 * A fixed-length bit set in BitTorrent order (BEP 3: the high bit of the first byte is
 * piece 0). Used by the wire protocol, the engine and the UI's piece map, so it is pure
 * and imports nothing.
 */
export class Bitfield {
  readonly bytes: Uint8Array;
  readonly length: number;

  constructor(length: number, bytes?: Uint8Array) {
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`bad bitfield length ${length}`);
    this.length = length;
    const byteLength = Bitfield.byteLengthFor(length);
    if (bytes && bytes.length !== byteLength) {
      throw new RangeError(`bitfield of ${length} bits needs ${byteLength} bytes, got ${bytes.length}`);
    }
    this.bytes = bytes ?? new Uint8Array(byteLength);
  }

  static byteLengthFor(lengthBits: number): number {
    return Math.ceil(lengthBits / 8);
  }

  get(index: number): boolean {
    if (index < 0 || index >= this.length) return false;
    return ((this.bytes[index >> 3]! >> (7 - (index & 7))) & 1) === 1;
  }

  set(index: number, value = true): void {
    if (index < 0 || index >= this.length) throw new RangeError(`bit ${index} outside 0..${this.length - 1}`);
    const mask = 1 << (7 - (index & 7));
    if (value) this.bytes[index >> 3]! |= mask;
    else this.bytes[index >> 3]! &= ~mask;
  }

  /** Number of set bits. */
  count(): number {
    let n = 0;
    for (const byte of this.bytes) n += POPCOUNT[byte]!;
    return n;
  }

  isComplete(): boolean {
    return this.count() === this.length;
  }

  /** True when no bit past `length` is set (BEP 3: spare bits must be zero). */
  hasCleanTail(): boolean {
    const spare = this.bytes.length * 8 - this.length;
    if (spare === 0) return true;
    const last = this.bytes[this.bytes.length - 1]!;
    return (last & ((1 << spare) - 1)) === 0;
  }

  clone(): Bitfield {
    return new Bitfield(this.length, this.bytes.slice());
  }

  static full(length: number): Bitfield {
    const b = new Bitfield(length);
    b.bytes.fill(0xff);
    const spare = b.bytes.length * 8 - length;
    if (spare > 0) b.bytes[b.bytes.length - 1] = (0xff << spare) & 0xff;
    return b;
  }

  toBase64(): string {
    let s = '';
    for (const byte of this.bytes) s += String.fromCharCode(byte);
    return btoa(s);
  }

  static fromBase64(length: number, base64: string): Bitfield {
    const s = atob(base64);
    const bytes = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
    return new Bitfield(length, bytes);
  }
}

const POPCOUNT = (() => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) t[i] = (i & 1) + t[i >> 1]!;
  return t;
})();
