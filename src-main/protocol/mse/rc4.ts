// RC4, the stream cipher of Message Stream Encryption (MSE/PE). Node 20's OpenSSL 3 keeps
// RC4 in its legacy provider, which is not loaded (`crypto.getCiphers()` has no 'rc4'),
// so it is written here over Uint8Array. RC4 is weak; MSE uses it to obfuscate, not to
// protect, and so do we (docs/PROTOCOL.md, "Message Stream Encryption").
//
// The state is an Int32Array (V8 loads and stores its elements without narrowing) and
// the two indices live in locals inside the loop. The aligned middle of a buffer is done
// four bytes per step through an Int32Array view of it, one XOR per word: in an
// interleaved A/B on 256 KiB buffers it beat the plain byte loop (docs/PROTOCOL.md,
// "Message Stream Encryption", has the numbers).

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

export class Rc4 {
  private readonly s = new Int32Array(256);
  private i = 0;
  private j = 0;

  /** `key`: 1 to 256 bytes (MSE keys are 20-byte SHA-1 digests). */
  constructor(key: Uint8Array) {
    if (key.length === 0 || key.length > 256) throw new RangeError(`RC4 key of ${key.length} bytes`);
    const s = this.s;
    for (let i = 0; i < 256; i++) s[i] = i;
    let j = 0;
    for (let i = 0; i < 256; i++) {
      const si = s[i]!;
      j = (j + si + key[i % key.length]!) & 0xff;
      s[i] = s[j]!;
      s[j] = si;
    }
  }

  /**
   * XORs the next `src.length` keystream bytes into `src`, writing to `dst` (default: in
   * place). `dst` may be `src`; otherwise it must be at least as long and not overlap it.
   */
  apply(src: Uint8Array, dst: Uint8Array = src): Uint8Array {
    const n = src.length;
    if (dst !== src) dst.set(src.subarray(0, n));
    // Bytes up to a 4-byte boundary, whole words, then the tail.
    const head = LITTLE_ENDIAN ? Math.min(n, (4 - (dst.byteOffset & 3)) & 3) : n;
    const words = (n - head) >> 2;
    this.xorBytes(dst, 0, head);
    if (words > 0) this.xorWords(new Int32Array(dst.buffer, dst.byteOffset + head, words));
    this.xorBytes(dst, head + words * 4, n);
    return dst;
  }

  private xorBytes(buf: Uint8Array, from: number, to: number): void {
    const s = this.s;
    let i = this.i;
    let j = this.j;
    for (let k = from; k < to; k++) {
      i = (i + 1) & 0xff;
      const si = s[i]!;
      j = (j + si) & 0xff;
      const sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      buf[k] = buf[k]! ^ s[(si + sj) & 0xff]!;
    }
    this.i = i;
    this.j = j;
  }

  /** Four keystream bytes per word, least significant first (the host is little-endian). */
  private xorWords(words: Int32Array): void {
    const s = this.s;
    let i = this.i;
    let j = this.j;
    const n = words.length;
    for (let k = 0; k < n; k++) {
      i = (i + 1) & 0xff;
      let si = s[i]!;
      j = (j + si) & 0xff;
      let sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      let ks = s[(si + sj) & 0xff]!;
      i = (i + 1) & 0xff;
      si = s[i]!;
      j = (j + si) & 0xff;
      sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      ks |= s[(si + sj) & 0xff]! << 8;
      i = (i + 1) & 0xff;
      si = s[i]!;
      j = (j + si) & 0xff;
      sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      ks |= s[(si + sj) & 0xff]! << 16;
      i = (i + 1) & 0xff;
      si = s[i]!;
      j = (j + si) & 0xff;
      sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      ks |= s[(si + sj) & 0xff]! << 24;
      words[k] = words[k]! ^ ks;
    }
    this.i = i;
    this.j = j;
  }

  /** A copy of `src` enciphered; `src` is left as it was. */
  applyCopy(src: Uint8Array): Uint8Array {
    return this.apply(src, new Uint8Array(src.length));
  }

  /** Advances the keystream by `n` bytes (MSE drops the first 1024). */
  discard(n: number): void {
    this.apply(new Uint8Array(n));
  }
}
