import type { Bitfield } from '../../../src-shared/util/bitfield.ts';
import type { PieceGeometryOptions } from './piece-geometry.ts';

/** Public types of the block picker (see block-picker.ts and NOTES.md). */
export interface BlockRequest {
  pieceIndex: number;
  offsetBytes: number;
  lengthBytes: number;
}

export interface PickerPeer {
  readonly id: string;
  has(pieceIndex: number): boolean;
  /** The peer chokes us: only `allowedFast` pieces may be requested (BEP 6). */
  readonly choking?: boolean;
  readonly allowedFast?: ReadonlySet<number>;
}

export interface CancelRequest {
  peerId: string;
  block: BlockRequest;
}

export interface Contributor {
  peerId: string;
  /** Blocks of the piece this peer delivered. */
  blocks: number;
}

/**
 * What a received block did: 'dropped' for duplicates, blocks of pieces we have and bad
 * offsets/lengths (drop the data); 'accepted'; 'piece-complete' when every block of the
 * piece is here (hash it, then call pieceVerified or pieceFailed).
 */
export type BlockReceipt = 'dropped' | 'accepted' | 'piece-complete';

export type PieceState = 'have' | 'downloading' | 'missing';

export interface BlockPickerOptions extends PieceGeometryOptions {
  /** Pieces already verified (resume data). Copied. */
  have?: Bitfield;
  now?: () => number;
  random?: () => number;
  /** Pick at random until we have this many pieces (default 4). */
  randomFirstPieces?: number;
  /** Per piece PRIORITY_SKIP / NORMAL / HIGH (block-picker.ts); default all normal. */
  priorities?: Uint8Array;
  /** In-order picking for streaming (default false). */
  sequential?: boolean;
  /** Endgame: at most this many peers asked for one block (default 2). */
  endgameMaxRequestsPerBlock?: number;
  /** Endgame: duplicates only while the peer holds fewer requests than this (default 4). */
  endgamePeerQueue?: number;
  /** A peer holding our requests that delivered nothing for this long is snubbed (default 60 s). */
  snubTimeoutMs?: number;
}

/** The picker's bookkeeping for one connected peer. */
export interface PeerState {
  /** Requests of ours the peer has not answered (each is also recorded in its PartialPiece). */
  outstanding: number;
  lastDeliveryMs: number;
  waitingSinceMs: number;
  seed: boolean;
  counted: boolean;
  snubbed: boolean;
  /**
   * Equals `missingEpoch` when a full scan found no unstarted piece this peer has. Pieces
   * only become unstarted again through pieceFailed (which bumps the epoch) and the peer
   * only gains pieces through peerHasPiece (which clears this), so until then the O(pieces)
   * scan would find nothing: skip it.
   */
  noMissingEpoch: number;
}

export function newPeerState(nowMs: number): PeerState {
  return {
    outstanding: 0,
    lastDeliveryMs: nowMs,
    waitingSinceMs: nowMs,
    seed: false,
    counted: false,
    snubbed: false,
    noMissingEpoch: -1,
  };
}
