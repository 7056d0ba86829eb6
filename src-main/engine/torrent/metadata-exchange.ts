import { parseInfoDict } from '../../protocol/metainfo/parse-info-dict.ts';
import type { Metainfo } from '../../protocol/metainfo/metainfo-types.ts';
import { METADATA_PIECE_BYTES, type UtMetadataMessage } from '../../protocol/wire/ut-metadata.ts';
import { MetadataAssembly } from './metadata-assembly.ts';
import type { TorrentPeer } from './torrent-peer.ts';

export interface MetadataExchangeOptions {
  infoHash: Uint8Array;
  /** Known info dict (we serve it), or null while fetching it from peers. */
  infoBytes: Uint8Array | null;
  now(): number;
  /** The info dict arrived and hashed to the info-hash (BEP 9). */
  onMetadata(metainfo: Metainfo): void;
  /** A peer sent metadata that did not hash to the info-hash, or was unparsable. */
  onBadMetadata(peer: TorrentPeer | null, message: string): void;
  /** Pieces requested at once from one peer. Default 4. */
  maxRequestsPerPeer?: number;
  /** A piece request unanswered this long is asked of another peer. Default 10 s. */
  retryMs?: number;
}

/**
 * BEP 9 `ut_metadata` both ways: serves our info dict in 16 KiB pieces, and, for a
 * magnet link or a bare info-hash, fetches it from the peers that advertise
 * `metadata_size` in their BEP 10 handshake, checking it against the info-hash.
 */
export class MetadataExchange {
  private infoBytes: Uint8Array | null;
  private readonly assembly: MetadataAssembly;
  /** Per peer: pieces requested and not yet answered. */
  private readonly inFlight = new Map<TorrentPeer, Set<number>>();
  private readonly maxPerPeer: number;
  private readonly retryMs: number;

  constructor(private readonly o: MetadataExchangeOptions) {
    this.infoBytes = o.infoBytes;
    this.assembly = new MetadataAssembly(o.infoHash);
    this.maxPerPeer = o.maxRequestsPerPeer ?? 4;
    this.retryMs = o.retryMs ?? 10_000;
  }

  get sizeBytes(): number | undefined {
    return this.infoBytes?.length;
  }

  get complete(): boolean {
    return this.infoBytes !== null;
  }

  /** The peer's BEP 10 handshake arrived: if it has the metadata, start asking. */
  onExtensionHandshake(peer: TorrentPeer): void {
    if (this.infoBytes) return;
    const ext = peer.conn.remoteExtensions;
    const size = ext?.metadataSizeBytes;
    if (!ext?.m.ut_metadata || size === undefined) return;
    if (!this.assembly.setSize(size)) return; // implausible, or disagrees with the first peer's size
    this.requestFrom(peer);
  }

  onMessage(peer: TorrentPeer, msg: UtMetadataMessage): void {
    switch (msg.type) {
      case 'request':
        return this.serve(peer, msg.piece);
      case 'reject':
        this.inFlight.get(peer)?.delete(msg.piece);
        this.assembly.unrequest(msg.piece);
        return;
      case 'data':
        return this.onData(peer, msg.piece, msg.totalSizeBytes, msg.data);
    }
  }

  onPeerGone(peer: TorrentPeer): void {
    for (const piece of this.inFlight.get(peer) ?? []) this.assembly.unrequest(piece);
    this.inFlight.delete(peer);
  }

  /** Periodic: re-ask pieces that timed out, from any peer that has the metadata. */
  tick(peers: Iterable<TorrentPeer>): void {
    if (this.infoBytes) return;
    for (const peer of peers)
      if (peer.conn.remoteExtensions?.metadataSizeBytes !== undefined) this.requestFrom(peer);
  }

  private serve(peer: TorrentPeer, piece: number): void {
    const info = this.infoBytes;
    const offset = piece * METADATA_PIECE_BYTES;
    if (!info || offset >= info.length) {
      peer.conn.sendUtMetadata({ type: 'reject', piece });
      return;
    }
    const data = info.subarray(offset, Math.min(info.length, offset + METADATA_PIECE_BYTES));
    peer.conn.sendUtMetadata({ type: 'data', piece, totalSizeBytes: info.length, data });
  }

  private requestFrom(peer: TorrentPeer): void {
    if (this.infoBytes || peer.conn.isClosed) return;
    let mine = this.inFlight.get(peer);
    if (!mine) this.inFlight.set(peer, (mine = new Set()));
    while (mine.size < this.maxPerPeer) {
      const piece = this.assembly.nextPieceToRequest(this.o.now(), this.retryMs);
      if (piece === null) return;
      if (!peer.conn.sendUtMetadata({ type: 'request', piece }) && !peer.conn.remoteExtensions?.m.ut_metadata)
        return;
      mine.add(piece);
    }
  }

  private onData(peer: TorrentPeer, piece: number, totalSizeBytes: number, data: Uint8Array): void {
    if (this.infoBytes) return;
    this.inFlight.get(peer)?.delete(piece);
    if (totalSizeBytes !== this.assembly.sizeBytes) return;
    const result = this.assembly.onPiece(piece, data);
    if (result === 'mismatch') {
      this.o.onBadMetadata(peer, 'metadata from peers does not hash to the info-hash');
      return;
    }
    if (result !== 'complete') {
      this.requestFrom(peer);
      return;
    }
    const infoBytes = this.assembly.infoBytes().slice();
    let metainfo: Metainfo;
    try {
      metainfo = parseInfoDict(infoBytes, { expectedInfoHash: this.o.infoHash });
    } catch (err) {
      // The bytes hash right, so every peer would send the same: the torrent itself is bad
      // (e.g. a path trying to leave the download folder).
      this.assembly.reset();
      this.o.onBadMetadata(null, err instanceof Error ? err.message : String(err));
      return;
    }
    this.infoBytes = infoBytes;
    this.inFlight.clear();
    this.o.onMetadata(metainfo);
  }

  /** We got the metadata some other way (e.g. the user added the .torrent). */
  setInfoBytes(infoBytes: Uint8Array): void {
    this.infoBytes = infoBytes;
    this.inFlight.clear();
  }
}
