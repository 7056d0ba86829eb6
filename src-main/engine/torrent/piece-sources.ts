import type { EnginePieceStates } from '../session-api.ts';

/**
 * Which peer each verified piece came from (the piece map's colours), with the peers
 * remembered after they disconnect. Pieces verified from disk stay -1. A peer is one
 * source per address: the same seeder reconnecting (after a pause, say) gets a new
 * connection index but keeps its colour and its one line in the legend.
 */
export class PieceSources {
  private sources: Int32Array;
  private readonly peers = new Map<number, { index: number; address: string; client: string }>();
  /** The index each address was first recorded under. */
  private readonly indexByAddress = new Map<string, number>();

  constructor(pieceCount: number) {
    this.sources = new Int32Array(pieceCount).fill(-1);
  }

  /** Re-sizes for a torrent whose metadata just arrived. */
  reset(pieceCount: number): void {
    this.sources = new Int32Array(pieceCount).fill(-1);
  }

  /** `peer.client` is read only the first time a peer is recorded. */
  record(
    piece: number,
    peer: { readonly index: number; readonly address: string; readonly client: string } | null,
  ): void {
    if (piece < 0 || piece >= this.sources.length) return;
    if (!peer) {
      this.sources[piece] = -1;
      return;
    }
    let index = this.indexByAddress.get(peer.address);
    if (index === undefined) {
      index = peer.index;
      this.indexByAddress.set(peer.address, index);
      this.peers.set(index, { index, address: peer.address, client: peer.client });
    }
    this.sources[piece] = index;
  }

  sourceOf(piece: number): number {
    return this.sources[piece] ?? -1;
  }

  /** The snapshot's `pieceSources` + `sourcePeers` (pieceSources index into sourcePeers). */
  snapshot(): Pick<EnginePieceStates, 'pieceSources' | 'sourcePeers'> {
    const sourcePeers = [...this.peers.values()];
    const position = new Map(sourcePeers.map((p, i) => [p.index, i]));
    const pieceSources = Array.from(this.sources, (s) => (s < 0 ? -1 : (position.get(s) ?? -1)));
    return { pieceSources, sourcePeers };
  }
}
