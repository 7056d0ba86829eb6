import type { PieceStates } from '../session-api.ts';

/**
 * Which peer each verified piece came from (the piece map's colours), with the peers
 * remembered after they disconnect. Pieces verified from disk stay -1.
 */
export class PieceSources {
  private sources: Int32Array;
  private readonly peers = new Map<number, { index: number; address: string; client: string }>();

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
    this.sources[piece] = peer.index;
    if (!this.peers.has(peer.index))
      this.peers.set(peer.index, { index: peer.index, address: peer.address, client: peer.client });
  }

  sourceOf(piece: number): number {
    return this.sources[piece] ?? -1;
  }

  /** The snapshot's `pieceSources` + `sourcePeers` (pieceSources index into sourcePeers). */
  snapshot(): Pick<PieceStates, 'pieceSources' | 'sourcePeers'> {
    const sourcePeers = [...this.peers.values()];
    const position = new Map(sourcePeers.map((p, i) => [p.index, i]));
    const pieceSources = Array.from(this.sources, (s) => (s < 0 ? -1 : (position.get(s) ?? -1)));
    return { pieceSources, sourcePeers };
  }
}
