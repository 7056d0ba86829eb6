import { parseInfoDict } from '../../protocol/metainfo/parse-info-dict.ts';
import type { Metainfo } from '../../protocol/metainfo/metainfo-types.ts';
import { METADATA_PIECE_BYTES, type UtMetadataMessage } from '../../protocol/wire/ut-metadata.ts';
import { MetadataAssembly } from './metadata-assembly.ts';
import { MetadataRequests } from './metadata-requests.ts';
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
  /**
   * Peers are connected but none of them can send the metadata (no BEP 10, no ut_metadata,
   * or no metadata_size): said once until a peer that can appears.
   */
  onNoMetadataPeers?(message: string): void;
  /**
   * A piece request unanswered this long is asked of another peer. Default 5 s: a 16 KiB
   * piece is one round trip, and a late answer is still used.
   */
  retryMs?: number;
  /** A peer's BEP 10 handshake is awaited this long before it counts as unable. Default 5 s. */
  extensionHandshakeWaitMs?: number;
}

/**
 * BEP 9 `ut_metadata` both ways: serves our info dict in 16 KiB pieces, and, for a
 * magnet link or a bare info-hash, fetches it from the peers that advertise
 * `metadata_size` in their BEP 10 handshake — one request per peer at a time, spread
 * over the peers, re-asked elsewhere on time-out (MetadataRequests) — and checks it
 * against the info-hash.
 */
export class MetadataExchange {
  private infoBytes: Uint8Array | null;
  private readonly assembly: MetadataAssembly;
  private readonly requests: MetadataRequests<TorrentPeer>;
  private readonly handshakeWaitMs: number;
  /** The "no peer can send the metadata" warning was given (reset when one can). */
  private warnedNoPeers = false;

  constructor(private readonly o: MetadataExchangeOptions) {
    this.infoBytes = o.infoBytes;
    this.assembly = new MetadataAssembly(o.infoHash);
    this.requests = new MetadataRequests(o.retryMs ?? 5_000);
    this.handshakeWaitMs = o.extensionHandshakeWaitMs ?? 5_000;
  }

  get sizeBytes(): number | undefined {
    return this.infoBytes?.length;
  }

  get complete(): boolean {
    return this.infoBytes !== null;
  }

  /** We are still fetching the metadata and this peer offers it (it is interesting to us). */
  wantsFrom(peer: TorrentPeer): boolean {
    return this.infoBytes === null && offeredSize(peer) !== undefined;
  }

  /** The peer's BEP 10 handshake arrived: if it has the metadata, start asking. */
  onExtensionHandshake(peer: TorrentPeer): void {
    if (this.infoBytes) return;
    const size = offeredSize(peer);
    if (size === undefined) return;
    // The first plausible size wins; a peer that disagrees is not asked (a hash failure
    // starts over with whichever size comes next).
    if (!this.assembly.setSize(size)) return;
    this.warnedNoPeers = false;
  }

  onMessage(peer: TorrentPeer, msg: UtMetadataMessage): void {
    switch (msg.type) {
      case 'request':
        return this.serve(peer, msg.piece);
      case 'reject':
        this.requests.rejected(peer, msg.piece);
        return;
      case 'data':
        return this.onData(peer, msg.piece, msg.totalSizeBytes, msg.data);
    }
  }

  onPeerGone(peer: TorrentPeer): void {
    this.requests.gone(peer);
  }

  /**
   * Sends what can be sent: one request to each idle peer that offers the metadata. Call
   * after events that free a peer or add one (the torrent does, through `tick` and the
   * message handlers).
   */
  request(peers: Iterable<TorrentPeer>): void {
    if (this.infoBytes) return;
    const offering: TorrentPeer[] = [];
    for (const peer of peers) {
      if (peer.conn.isClosed) continue;
      const size = offeredSize(peer);
      if (size === undefined) continue;
      if (this.assembly.sizeBytes === 0) this.assembly.setSize(size);
      if (size === this.assembly.sizeBytes) offering.push(peer);
    }
    if (offering.length === 0) return;
    const plan = this.requests.plan(
      offering,
      this.assembly.pieceCount,
      (piece) => !this.assembly.has(piece),
      this.o.now(),
    );
    for (const { peer, piece } of plan) peer.conn.sendUtMetadata({ type: 'request', piece });
  }

  /** Periodic: re-ask timed-out pieces elsewhere; say so when no peer can send the metadata. */
  tick(peers: Iterable<TorrentPeer>): void {
    if (this.infoBytes) return;
    const list = [...peers];
    this.requests.expire(this.o.now());
    this.request(list);
    this.checkPeersCanHelp(list);
  }

  private checkPeersCanHelp(peers: readonly TorrentPeer[]): void {
    const nowMs = this.o.now();
    let noBep10 = 0;
    let noUtMetadata = 0;
    let fetching = 0;
    for (const peer of peers) {
      const conn = peer.conn;
      if (conn.isClosed) continue;
      if (offeredSize(peer) !== undefined) {
        this.warnedNoPeers = false;
        return;
      }
      if (!conn.extensionProtocol) noBep10++;
      else if (!conn.remoteExtensions) {
        if (nowMs - peer.connectedAtMs < this.handshakeWaitMs) return; // may still come
        noBep10++;
      } else if (!conn.remoteExtensions.m.ut_metadata) noUtMetadata++;
      else fetching++;
    }
    const total = noBep10 + noUtMetadata + fetching;
    if (total === 0 || this.warnedNoPeers) return;
    this.warnedNoPeers = true;
    const reasons = [
      noBep10 > 0 ? `${noBep10} without the extension protocol (BEP 10)` : '',
      noUtMetadata > 0 ? `${noUtMetadata} without metadata exchange (BEP 9 ut_metadata)` : '',
      fetching > 0 ? `${fetching} still looking for the metadata themselves` : '',
    ].filter(Boolean);
    this.o.onNoMetadataPeers?.(
      `${total} peer${total === 1 ? '' : 's'} connected, none can send the torrent's metadata: ${reasons.join(', ')}; waiting for other peers`,
    );
  }

  private serve(peer: TorrentPeer, piece: number): void {
    const info = this.infoBytes;
    const offset = piece * METADATA_PIECE_BYTES;
    if (!info || offset >= info.length) {
      peer.conn.sendUtMetadata({ type: 'reject', piece });
      return;
    }
    const data = info.subarray(offset, Math.min(info.length, offset + METADATA_PIECE_BYTES));
    if (peer.conn.sendUtMetadata({ type: 'data', piece, totalSizeBytes: info.length, data }))
      peer.metadataBytes += data.length;
  }

  private onData(peer: TorrentPeer, piece: number, totalSizeBytes: number, data: Uint8Array): void {
    if (this.infoBytes) return;
    this.requests.answered(peer, piece);
    peer.metadataBytes += data.length;
    if (totalSizeBytes !== this.assembly.sizeBytes) return;
    const result = this.assembly.onPiece(piece, data);
    if (result === 'mismatch') {
      this.requests.reset();
      this.o.onBadMetadata(peer, 'metadata from peers does not hash to the info-hash');
      return;
    }
    if (result !== 'complete') {
      // This peer is free again: the torrent's next `request` call (right after this
      // message) gives it the next piece.
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
      this.requests.reset();
      this.o.onBadMetadata(null, err instanceof Error ? err.message : String(err));
      return;
    }
    this.infoBytes = infoBytes;
    this.requests.reset();
    this.o.onMetadata(metainfo);
  }

  /** We got the metadata some other way (e.g. the user added the .torrent). */
  setInfoBytes(infoBytes: Uint8Array): void {
    this.infoBytes = infoBytes;
    this.requests.reset();
  }
}

/** The metadata size a peer offers (ut_metadata and metadata_size both advertised). */
function offeredSize(peer: TorrentPeer): number | undefined {
  const ext = peer.conn.remoteExtensions;
  return ext?.m.ut_metadata ? ext.metadataSizeBytes : undefined;
}
