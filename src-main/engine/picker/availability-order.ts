import type { Bitfield } from '../../../src-shared/util/bitfield.ts';

/**
 * Pieces we still want, kept sorted by availability (how many connected peers have them),
 * in the style of libtorrent's piece_picker: one array of piece indices partitioned into
 * buckets of equal availability, plus each piece's position in it. "Peer got piece i"
 * moves i across one bucket boundary with a single swap, so every availability change is
 * O(1) and the rarest pieces are always at the front. Pieces we have sit in a tail region
 * past `wantedEnd` and are never scanned.
 *
 * Seeds (BEP 6 HAVE ALL) are one counter, as in libtorrent: they raise every piece by one
 * and do not change the order.
 */
export class AvailabilityOrder {
  /** Piece indices: [0, wantedEnd) sorted by availability bucket, then the pieces we have. */
  readonly order: Int32Array;
  /** pos[piece] = index of piece in `order`. */
  private readonly pos: Int32Array;
  /** Per-piece availability, excluding seeds. */
  readonly count: Uint32Array;
  private readonly wanted: Uint8Array;
  /**
   * Bucket k (availability k) is order[bounds[k] .. bounds[k+1]); the last entry is
   * `wantedEnd`. Grows by one entry whenever a piece reaches a new highest availability.
   */
  private readonly bounds: number[] = [0];
  /** Connected peers that sent HAVE ALL. */
  seedCount = 0;

  constructor(pieceCount: number, have: (piece: number) => boolean, random: () => number) {
    this.order = new Int32Array(pieceCount);
    this.pos = new Int32Array(pieceCount);
    this.count = new Uint32Array(pieceCount);
    this.wanted = new Uint8Array(pieceCount);
    let front = 0;
    let back = pieceCount;
    for (let p = 0; p < pieceCount; p++) {
      if (have(p)) this.order[--back] = p;
      else {
        this.order[front++] = p;
        this.wanted[p] = 1;
      }
    }
    // Shuffle once so equal-availability pieces start in random order (random tie-break).
    for (let i = front - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = this.order[i]!;
      this.order[i] = this.order[j]!;
      this.order[j] = t;
    }
    for (let i = 0; i < pieceCount; i++) this.pos[this.order[i]!] = i;
    this.bounds.push(front);
  }

  get wantedEnd(): number {
    return this.bounds[this.bounds.length - 1]!;
  }

  /** Number of availability buckets (highest availability + 1). */
  get bucketCount(): number {
    return this.bounds.length - 1;
  }

  bucketStart(k: number): number {
    return this.bounds[k]!;
  }

  bucketEnd(k: number): number {
    return this.bounds[k + 1]!;
  }

  /** Peers that have the piece, seeds included. */
  availability(piece: number): number {
    return (this.count[piece] ?? 0) + this.seedCount;
  }

  /** BEP 3 BITFIELD: O(bytes), O(1) per set bit. */
  addBitfield(bitfield: Bitfield): void {
    forEachSetBit(bitfield, this.count.length, (p) => this.increment(p));
  }

  removeBitfield(bitfield: Bitfield): void {
    forEachSetBit(bitfield, this.count.length, (p) => this.decrement(p));
  }

  isWanted(piece: number): boolean {
    return this.wanted[piece] === 1;
  }

  increment(piece: number): void {
    const k = this.count[piece]!;
    this.count[piece] = k + 1;
    if (this.wanted[piece] !== 1) return;
    if (k + 1 >= this.bucketCount) this.bounds.splice(this.bounds.length - 1, 0, this.wantedEnd);
    // Swap to the last slot of bucket k, then shrink bucket k: the piece is now first of k+1.
    const last = this.bounds[k + 1]! - 1;
    this.swap(this.pos[piece]!, last);
    this.bounds[k + 1] = last;
  }

  decrement(piece: number): void {
    const k = this.count[piece]!;
    if (k === 0) return; // unbalanced call: never go negative
    this.count[piece] = k - 1;
    if (this.wanted[piece] !== 1) return;
    // Swap to the first slot of bucket k, then grow bucket k-1 over it.
    const first = this.bounds[k]!;
    this.swap(this.pos[piece]!, first);
    this.bounds[k] = first + 1;
  }

  /** Move a piece we now have out of the wanted region. O(number of buckets). */
  remove(piece: number): void {
    if (this.wanted[piece] !== 1) return;
    this.wanted[piece] = 0;
    for (let k = this.count[piece]!; k < this.bucketCount; k++) {
      const last = this.bounds[k + 1]! - 1;
      this.swap(this.pos[piece]!, last);
      this.bounds[k + 1] = last;
    }
  }

  /**
   * Put a piece back into the wanted region (its file was selected again). The inverse of
   * `remove`: O(number of buckets).
   */
  add(piece: number): void {
    if (this.wanted[piece] === 1) return;
    this.wanted[piece] = 1;
    const k = this.count[piece]!;
    // Empty buckets up to the piece's availability, then the piece enters the last bucket
    // at the front of the tail and moves down one boundary swap per bucket.
    while (k >= this.bucketCount) this.bounds.splice(this.bounds.length - 1, 0, this.wantedEnd);
    const end = this.wantedEnd;
    this.swap(this.pos[piece]!, end);
    this.bounds[this.bounds.length - 1] = end + 1;
    for (let b = this.bucketCount - 1; b > k; b--) {
      const first = this.bounds[b]!;
      this.swap(this.pos[piece]!, first);
      this.bounds[b] = first + 1;
    }
  }

  private swap(a: number, b: number): void {
    if (a === b) return;
    const pa = this.order[a]!;
    const pb = this.order[b]!;
    this.order[a] = pb;
    this.order[b] = pa;
    this.pos[pb] = a;
    this.pos[pa] = b;
  }
}

function forEachSetBit(bitfield: Bitfield, limit: number, fn: (piece: number) => void): void {
  const bytes = bitfield.bytes;
  const n = Math.min(bitfield.length, limit);
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === 0) continue;
    for (let bit = 0; bit < 8; bit++) {
      const p = i * 8 + bit;
      if (p >= n) return;
      if (byte & (0x80 >> bit)) fn(p);
    }
  }
}
