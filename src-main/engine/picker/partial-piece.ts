/**
 * Block state of one piece we are downloading: each block is free (nobody asked for it),
 * requested (by one or more peers — several only in endgame) or received (and from whom,
 * so a hash failure can be pinned on the peers that sent the piece).
 *
 * Allocation-free outside endgame: a block's first request is a string reference and a
 * number in typed arrays, not an object per request. A request lives for a network round
 * trip, long enough to be alive at a minor GC; V8 then promotes it, and the old generation
 * filled with dead requests until a full GC — leecher memory grew with the file size (docs/PERFORMANCE.md).
 */
export const BLOCK_FREE = 0;
export const BLOCK_REQUESTED = 1;
export const BLOCK_RECEIVED = 2;

/** What removing one peer's request did to the block. */
export type RequestRemoval = 'not-requested' | 'removed' | 'freed';

interface ExtraRequest {
  peerId: string;
  atMs: number;
}

export class PartialPiece {
  readonly state: Uint8Array;
  /** The peer whose request for the block came first (undefined = none outstanding). */
  private readonly firstRequester: (string | undefined)[];
  private readonly firstRequestedAtMs: Float64Array;
  /** Endgame duplicates: requests beyond the first, per block. */
  private extra: Map<number, ExtraRequest[]> | undefined;
  private readonly deliveredBy: (string | undefined)[];
  freeCount: number;
  receivedCount = 0;
  /** No free block before this index (a hint; blocks returned to free lower it). */
  private freeHint = 0;

  constructor(
    public pieceIndex: number,
    readonly blockCount: number,
  ) {
    this.state = new Uint8Array(blockCount);
    this.firstRequester = new Array<string | undefined>(blockCount).fill(undefined);
    this.firstRequestedAtMs = new Float64Array(blockCount);
    this.deliveredBy = new Array<string | undefined>(blockCount).fill(undefined);
    this.freeCount = blockCount;
  }

  /** Back to all-free, for another piece of the same block count (the ledger recycles these). */
  reuse(pieceIndex: number): this {
    this.pieceIndex = pieceIndex;
    this.state.fill(BLOCK_FREE);
    this.firstRequester.fill(undefined);
    this.deliveredBy.fill(undefined);
    this.extra = undefined;
    this.freeCount = this.blockCount;
    this.receivedCount = 0;
    this.freeHint = 0;
    return this;
  }

  get complete(): boolean {
    return this.receivedCount === this.blockCount;
  }

  /** Next free block at or after the hint, or -1. */
  nextFree(): number {
    for (let b = this.freeHint; b < this.blockCount; b++) {
      if (this.state[b] === BLOCK_FREE) {
        this.freeHint = b;
        return b;
      }
    }
    this.freeHint = this.blockCount;
    return -1;
  }

  addRequester(block: number, peerId: string, atMs: number): void {
    if (this.state[block] === BLOCK_FREE) {
      this.state[block] = BLOCK_REQUESTED;
      this.freeCount--;
    }
    if (this.firstRequester[block] === undefined) {
      this.firstRequester[block] = peerId;
      this.firstRequestedAtMs[block] = atMs;
      return;
    }
    this.extra ??= new Map();
    const list = this.extra.get(block);
    if (list) list.push({ peerId, atMs });
    else this.extra.set(block, [{ peerId, atMs }]);
  }

  isRequestedBy(block: number, peerId: string): boolean {
    if (this.firstRequester[block] === peerId) return true;
    return this.extra?.get(block)?.some((r) => r.peerId === peerId) ?? false;
  }

  requesterCount(block: number): number {
    if (this.firstRequester[block] === undefined) return 0;
    return 1 + (this.extra?.get(block)?.length ?? 0);
  }

  /** Drop one peer's request; 'freed' when nobody else asked and the block is free again. */
  removeRequester(block: number, peerId: string): RequestRemoval {
    if (this.firstRequester[block] === peerId) {
      const next = this.extra?.get(block)?.shift();
      if (next) {
        this.firstRequester[block] = next.peerId;
        this.firstRequestedAtMs[block] = next.atMs;
        if (this.extra!.get(block)!.length === 0) this.extra!.delete(block);
        return 'removed';
      }
      this.firstRequester[block] = undefined;
    } else {
      const list = this.extra?.get(block);
      const i = list?.findIndex((r) => r.peerId === peerId) ?? -1;
      if (i < 0) return 'not-requested';
      list!.splice(i, 1);
      if (list!.length === 0) this.extra!.delete(block);
      return 'removed';
    }
    if (this.state[block] !== BLOCK_REQUESTED) return 'removed';
    this.state[block] = BLOCK_FREE;
    this.freeCount++;
    if (block < this.freeHint) this.freeHint = block;
    return 'freed';
  }

  /**
   * Mark a block received from `peerId` and clear its requests. The other peers that had
   * asked for it (now redundant: cancel them) are appended to `others`. Returns whether
   * `peerId` itself had an outstanding request for the block.
   */
  receive(block: number, peerId: string, others: string[]): boolean {
    if (this.state[block] === BLOCK_FREE) this.freeCount--;
    this.state[block] = BLOCK_RECEIVED;
    this.receivedCount++;
    this.deliveredBy[block] = peerId;
    let requested = false;
    const first = this.firstRequester[block];
    if (first !== undefined) {
      this.firstRequester[block] = undefined;
      if (first === peerId) requested = true;
      else others.push(first);
    }
    const list = this.extra?.get(block);
    if (list) {
      this.extra!.delete(block);
      for (const r of list) {
        if (r.peerId === peerId) requested = true;
        else others.push(r.peerId);
      }
    }
    return requested;
  }

  /** Clear every request for the block (the piece leaves the download); their peers go to `into`. */
  takeRequesters(block: number, into: string[]): void {
    const first = this.firstRequester[block];
    if (first === undefined) return;
    this.firstRequester[block] = undefined;
    into.push(first);
    const list = this.extra?.get(block);
    if (!list) return;
    this.extra!.delete(block);
    for (const r of list) into.push(r.peerId);
  }

  /** Blocks `peerId` requested at or before `cutoffMs` (every one of its blocks with Infinity), into `out`. */
  blocksRequestedBy(peerId: string, cutoffMs: number, out: number[]): void {
    for (let b = 0; b < this.blockCount; b++) {
      if (this.state[b] !== BLOCK_REQUESTED) continue;
      if (this.firstRequester[b] === peerId) {
        if (this.firstRequestedAtMs[b]! <= cutoffMs) out.push(b);
        continue;
      }
      const r = this.extra?.get(b)?.find((x) => x.peerId === peerId);
      if (r && r.atMs <= cutoffMs) out.push(b);
    }
  }

  /** Blocks received per peer, most first. */
  contributors(): { peerId: string; blocks: number }[] {
    const byPeer = new Map<string, number>();
    for (const id of this.deliveredBy) if (id !== undefined) byPeer.set(id, (byPeer.get(id) ?? 0) + 1);
    return [...byPeer].map(([peerId, blocks]) => ({ peerId, blocks })).sort((a, b) => b.blocks - a.blocks);
  }
}
