/**
 * A reusable list of block references (index, begin, length) packed in one typed array.
 *
 * The download path fills one of these per pipeline refill and encodes it straight into
 * REQUEST messages. At ~50 000 blocks/s an object per request (and another per wire
 * reference) was most of the leecher's garbage, and every minor GC promoted whatever was
 * alive into the old generation, so memory grew with the file size (docs/PERFORMANCE.md).
 */
export class BlockRefBatch {
  private refs: Uint32Array;
  private countValue = 0;

  constructor(initialCapacity = 64) {
    this.refs = new Uint32Array(3 * Math.max(1, initialCapacity));
  }

  get count(): number {
    return this.countValue;
  }

  clear(): void {
    this.countValue = 0;
  }

  push(index: number, begin: number, length: number): void {
    const o = 3 * this.countValue;
    if (o + 3 > this.refs.length) {
      const grown = new Uint32Array(this.refs.length * 2);
      grown.set(this.refs);
      this.refs = grown;
    }
    this.refs[o] = index;
    this.refs[o + 1] = begin;
    this.refs[o + 2] = length;
    this.countValue++;
  }

  index(i: number): number {
    return this.refs[3 * i]!;
  }

  begin(i: number): number {
    return this.refs[3 * i + 1]!;
  }

  length(i: number): number {
    return this.refs[3 * i + 2]!;
  }
}
