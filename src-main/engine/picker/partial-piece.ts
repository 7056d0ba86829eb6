/**
 * Block state of one piece we are downloading: each block is free (nobody asked for it),
 * requested (by one or more peers — several only in endgame) or received (and from whom,
 * so a hash failure can be pinned on the peers that sent the piece).
 */
export const BLOCK_FREE = 0;
export const BLOCK_REQUESTED = 1;
export const BLOCK_RECEIVED = 2;

export class PartialPiece {
  readonly state: Uint8Array;
  /** Peers with an outstanding request for each block (undefined = none yet). */
  readonly requesters: (string[] | undefined)[];
  readonly deliveredBy: (string | undefined)[];
  freeCount: number;
  receivedCount = 0;
  /** No free block before this index (a hint; blocks returned to free lower it). */
  private freeHint = 0;

  constructor(
    readonly pieceIndex: number,
    readonly blockCount: number,
  ) {
    this.state = new Uint8Array(blockCount);
    this.requesters = new Array<string[] | undefined>(blockCount);
    this.deliveredBy = new Array<string | undefined>(blockCount);
    this.freeCount = blockCount;
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

  addRequester(block: number, peerId: string): void {
    if (this.state[block] === BLOCK_FREE) {
      this.state[block] = BLOCK_REQUESTED;
      this.freeCount--;
    }
    const list = this.requesters[block];
    if (list) list.push(peerId);
    else this.requesters[block] = [peerId];
  }

  isRequestedBy(block: number, peerId: string): boolean {
    return this.requesters[block]?.includes(peerId) ?? false;
  }

  requesterCount(block: number): number {
    return this.requesters[block]?.length ?? 0;
  }

  /** Drop one peer's request; returns true when the block went back to free. */
  removeRequester(block: number, peerId: string): boolean {
    const list = this.requesters[block];
    if (!list) return false;
    const i = list.indexOf(peerId);
    if (i < 0) return false;
    list.splice(i, 1);
    if (list.length === 0 && this.state[block] === BLOCK_REQUESTED) {
      this.state[block] = BLOCK_FREE;
      this.freeCount++;
      if (block < this.freeHint) this.freeHint = block;
      return true;
    }
    return false;
  }

  /**
   * Mark a block received from `peerId`. Returns the other peers whose requests for it are
   * now redundant (to cancel), and clears the block's request list.
   */
  receive(block: number, peerId: string): string[] {
    if (this.state[block] === BLOCK_FREE) this.freeCount--;
    this.state[block] = BLOCK_RECEIVED;
    this.receivedCount++;
    this.deliveredBy[block] = peerId;
    const list = this.requesters[block];
    this.requesters[block] = undefined;
    if (!list) return [];
    return list.filter((id) => id !== peerId);
  }

  /** Blocks received per peer, most first. */
  contributors(): { peerId: string; blocks: number }[] {
    const byPeer = new Map<string, number>();
    for (const id of this.deliveredBy) if (id !== undefined) byPeer.set(id, (byPeer.get(id) ?? 0) + 1);
    return [...byPeer].map(([peerId, blocks]) => ({ peerId, blocks })).sort((a, b) => b.blocks - a.blocks);
  }
}
