import { Bitfield } from '../../../src-shared/util/bitfield.ts';

/**
 * What a BITFIELD / HAVE ALL / HAVE NONE changed: the peer's first announcement
 * ('first': register everything it has), pieces newly known from a later one ('added'),
 * nothing new ('none'), or a bitfield that cannot be this torrent's ('invalid').
 */
export type AvailabilityUpdate =
  | { kind: 'first' }
  | { kind: 'added'; pieces: number[] }
  | { kind: 'none' }
  | { kind: 'invalid'; reason: string };

const FIRST: AvailabilityUpdate = { kind: 'first' };
const NONE: AvailabilityUpdate = { kind: 'none' };

/**
 * What one remote peer has. Before the metadata is known (magnet links) the piece count
 * is unknown, so BITFIELD bytes and HAVE indices are kept raw and checked once
 * `setPieceCount` is called (a bitfield of the wrong length does not describe this
 * torrent and drops the connection).
 *
 * Liberal where it costs nothing (docs/PROTOCOL.md, "What the peer wire accepts"): BEP 3
 * wants one BITFIELD as the first message, but aria2 sends one after HAVE NONE and HAVEs,
 * so a later BITFIELD, HAVE ALL or HAVE NONE is merged (a peer never loses pieces, so
 * merging is a union); spare bits past the last piece are ignored rather than fatal.
 */
export class PeerHaves {
  private pieceCount: number | null = null;
  private bits: Bitfield | null = null;
  private all = false;
  private rawBitfield: Uint8Array | null = null;
  private rawHaves: number[] = [];
  /** A BITFIELD/HAVE ALL/HAVE NONE or HAVE was seen. */
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

  /** Whether the peer announced HAVE ALL (BEP 6) first: the picker counts those as seeds. */
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

  onBitfield(bytes: Uint8Array): AvailabilityUpdate {
    const first = !this.announced;
    this.announced = true;
    if (this.all) return NONE;
    if (this.pieceCount === null) {
      if (!this.rawBitfield) this.rawBitfield = bytes.slice();
      else if (this.rawBitfield.length !== bytes.length)
        return { kind: 'invalid', reason: 'bitfields of two different lengths' };
      else for (let i = 0; i < bytes.length; i++) this.rawBitfield[i]! |= bytes[i]!;
      return first ? FIRST : NONE;
    }
    if (bytes.length !== Bitfield.byteLengthFor(this.pieceCount))
      return { kind: 'invalid', reason: 'bitfield length does not fit the torrent' };
    if (first) {
      this.merge(bytes, false);
      return FIRST;
    }
    const added = this.merge(bytes, true);
    return added.length > 0 ? { kind: 'added', pieces: added } : NONE;
  }

  onHaveAll(): AvailabilityUpdate {
    const first = !this.announced;
    this.announced = true;
    if (this.all) return NONE;
    if (first || this.pieceCount === null) {
      // Nothing counted by the picker yet: a seed from the start.
      this.all = true;
      this.bits = null;
      this.rawBitfield = null;
      this.rawHaves = [];
      return first ? FIRST : NONE;
    }
    // Late: what it had is already counted piece by piece, so the rest is added the same way.
    const added = this.merge(Bitfield.full(this.pieceCount).bytes, true);
    return added.length > 0 ? { kind: 'added', pieces: added } : NONE;
  }

  /** HAVE NONE adds nothing; only a first one is news (the peer has said where it stands). */
  onHaveNone(): AvailabilityUpdate {
    const first = !this.announced;
    this.announced = true;
    return first ? FIRST : NONE;
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
    this.merge(bytes, false);
    return true;
  }

  /**
   * ORs `bytes` (the right length for the piece count) into the peer's bits, spare bits
   * past the last piece ignored; returns the pieces that were new when `list` is set.
   */
  private merge(bytes: Uint8Array, list: boolean): number[] {
    const n = this.pieceCount!;
    this.bits ??= new Bitfield(n);
    const mine = this.bits.bytes;
    const added: number[] = [];
    const spare = mine.length * 8 - n;
    for (let i = 0; i < mine.length; i++) {
      let fresh = bytes[i]! & ~mine[i]!;
      if (i === mine.length - 1 && spare > 0) fresh &= ~((1 << spare) - 1) & 0xff;
      if (fresh === 0) continue;
      mine[i]! |= fresh;
      for (let bit = 0; bit < 8; bit++) {
        if ((fresh & (0x80 >> bit)) === 0) continue;
        this.countValue++;
        if (list) added.push(i * 8 + bit);
      }
    }
    return added;
  }
}
