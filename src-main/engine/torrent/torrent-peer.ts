import type { PeerConnection } from '../peer/peer-connection.ts';
import type { BlockRef } from '../../protocol/wire/messages.ts';
import type { PickerPeer } from '../picker/block-picker.ts';
import { PeerHaves } from './peer-haves.ts';

/**
 * A connected peer as one torrent sees it: the connection plus what the torrent's parts
 * (downloader, uploader, metadata exchange) keep about it. The picker knows it by `id`
 * (the decimal `index`, unique within the torrent for its lifetime).
 */
export class TorrentPeer implements PickerPeer {
  readonly id: string;
  readonly haves = new PeerHaves();
  /** BEP 6 allowed-fast pieces the peer granted us. */
  readonly allowedFast = new Set<number>();
  /** Requests the peer made that we have not served yet, in order (upload side). */
  readonly uploadQueue: BlockRef[] = [];
  /** Block reads in flight for this peer (upload side). */
  readsInFlight = 0;
  /** Requests we may keep outstanding with this peer (adaptive, download side). */
  queueDepth: number;
  /** Download rate limit: no new requests before this time. */
  requestHoldUntilMs = 0;
  /** Upload rate limit: no block sent before this time. */
  sendHoldUntilMs = 0;
  /** Payload bytes received / sent (blocks only). */
  downloadedBytes = 0;
  uploadedBytes = 0;
  /** Pieces that failed their hash with blocks from this peer. */
  hashFailures = 0;
  /**
   * Pieces this peer alone sent us and that failed their hash: never asked of it again
   * (shared by every connection from the same ban key, so a reconnect does not reset it).
   */
  refusedPieces: ReadonlySet<number> | null = null;
  /** The choker unchoked this peer through the optimistic slot. */
  optimistic = false;
  /** BEP 9 metadata bytes exchanged either way (counts as payload for `refreshUseful`). */
  metadataBytes = 0;
  /** Last time the peer was useful (see refreshUseful); null: never yet. */
  lastUsefulAtMs: number | null = null;
  private usefulBytesSeen = 0;
  readonly connectedAtMs: number;
  /**
   * Other addresses that reached this same peer (a connection to it there was closed as a
   * duplicate): the swarm does not dial them while this connection stays.
   */
  readonly otherAddresses: { host: string; port: number }[] = [];
  private readonly offs: (() => void)[] = [];

  constructor(
    readonly index: number,
    readonly conn: PeerConnection,
    nowMs: number,
    initialQueueDepth: number,
  ) {
    this.id = String(index);
    this.connectedAtMs = nowMs;
    this.queueDepth = initialQueueDepth;
  }

  private clientNameCache: string | undefined;

  get address(): string {
    return this.conn.address;
  }

  /** Client name from the peer id (BEP 20), computed once. */
  get client(): string {
    this.clientNameCache ??= this.conn.clientName;
    return this.clientNameCache;
  }

  get choking(): boolean {
    return this.conn.peerChoking;
  }

  has(piece: number): boolean {
    return this.haves.has(piece) && !(this.refusedPieces?.has(piece) ?? false);
  }

  /**
   * Brings `lastUsefulAtMs` up to now when the peer is interested in us or we in it, or
   * payload moved either way since the last call; returns whether interest holds now.
   */
  refreshUseful(nowMs: number): boolean {
    const conn = this.conn;
    const interested = conn.peerInterested || conn.amInterested;
    const bytes = this.downloadedBytes + this.uploadedBytes + this.metadataBytes;
    if (interested || bytes !== this.usefulBytesSeen) {
      this.lastUsefulAtMs = nowMs;
      this.usefulBytesSeen = bytes;
    }
    return interested;
  }

  /** Remembers a listener-removal function, run by `detach()`. */
  track(off: () => void): void {
    this.offs.push(off);
  }

  detach(): void {
    for (const off of this.offs.splice(0)) off();
  }
}
