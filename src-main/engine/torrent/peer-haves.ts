import { Bitfield } from '../../../src-shared/util/bitfield.ts';

/**
 * What one remote peer has. Before the metadata is known (magnet links) the piece count
 * is unknown, so BITFIELD bytes and HAVE indices are kept raw and checked once
 * `setPieceCount` is called (BEP 3: a bitfield of the wrong length, or with spare bits
 * set, is a protocol violation and drops the connection).
 */
export class PeerHaves {
  private pieceCount: number | null = null;
  private bits: Bitfield | null = null;
  private all = false;
  private rawBitfield: Uint8Array | null = null;
  private rawHaves: number[] = [];
  /** A BITFIELD/HAVE ALL/HAVE NONE was seen (BEP 3: at most once, first message). */
  private announced = false;
  private countValue = 0;

  /** The peer told us something: BITFIELD, HAVE ALL/NONE or a HAVE. */
  get hasAnnounced(): boolean {
    return this.announced;
  }

  get known(): boolean {
    return this.pieceCount !== null;
  }

  get isSeed(): boolean {
    return (
      this.all || (this.pieceCount !== null && this.pieceCount > 0 && this.countValue === this.pieceCount)
    );
  }

  /** Whether the peer announced HAVE ALL (BEP 6): the picker counts those as seeds. */
  get hasAll(): boolean {
    return this.all;
  }

  get count(): number {
    return this.all ? (this.pieceCount ?? 0) : this.countValue;
  }

  /** The bitfield as counted by the picker (null for HAVE ALL peers or before metadata). */
  get bitfield(): Bitfield | null {
    return this.bits;
  }

  has(piece: number): boolean {
    if (this.all) return piece >= 0 && (this.pieceCount === null || piece < this.pieceCount);
    return this.bits?.get(piece) ?? false;
  }

  progress(): number {
    if (this.all) return 1;
    return this.pieceCount ? this.countValue / this.pieceCount : 0;
  }

  /** False: protocol violation (second bitfield, wrong size, spare bits set). */
  onBitfield(bytes: Uint8Array): boolean {
    if (this.announced) return false;
    this.announced = true;
    if (this.pieceCount === null) {
      this.rawBitfield = bytes.slice();
      return true;
    }
    return this.adoptBitfield(bytes);
  }

  onHaveAll(): boolean {
    if (this.announced) return false;
    this.announced = true;
    this.all = true;
    return true;
  }

  onHaveNone(): boolean {
    if (this.announced) return false;
    this.announced = true;
    return true;
  }

  /** 'new' when it changes what the peer has; 'invalid' for an index out of range. */
  onHave(piece: number): 'new' | 'known' | 'invalid' {
    this.announced = true;
    if (this.pieceCount === null) {
      if (this.rawHaves.length < 1_000_000) this.rawHaves.push(piece);
      return 'new';
    }
    if (piece < 0 || piece >= this.pieceCount) return 'invalid';
    if (this.all || this.bits!.get(piece)) return 'known';
    this.bits!.set(piece);
    this.countValue++;
    return 'new';
  }

  /** Called once when the metadata arrives; false when what the peer sent does not fit. */
  setPieceCount(pieceCount: number): boolean {
    if (this.pieceCount !== null) return this.pieceCount === pieceCount;
    this.pieceCount = pieceCount;
    if (this.all) return true;
    this.bits = new Bitfield(pieceCount);
    if (this.rawBitfield && !this.adoptBitfield(this.rawBitfield)) return false;
    this.rawBitfield = null;
    for (const piece of this.rawHaves) if (this.onHave(piece) === 'invalid') return false;
    this.rawHaves = [];
    return true;
  }

  private adoptBitfield(bytes: Uint8Array): boolean {
    const n = this.pieceCount!;
    if (bytes.length !== Bitfield.byteLengthFor(n)) return false;
    const bits = new Bitfield(n, bytes.slice());
    if (!bits.hasCleanTail()) return false;
    this.bits = bits;
    this.countValue = bits.count();
    return true;
  }
}
