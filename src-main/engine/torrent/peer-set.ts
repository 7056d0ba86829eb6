import type { Metainfo } from '../../protocol/metainfo/metainfo-types.ts';
import { parseIpv4, parseIpv6 } from '../../protocol/ip-address.ts';
import { LOCAL_EXTENSION_IDS } from '../../protocol/wire/extension-handshake.ts';
import { makeReserved, type Handshake } from '../../protocol/wire/handshake.ts';
import type { BlockRef } from '../../protocol/wire/messages.ts';
import type { UtMetadataMessage } from '../../protocol/wire/ut-metadata.ts';
import { PexFlags, type PexMessage } from '../../protocol/wire/ut-pex.ts';
import type { PeerCloseInfo, PeerConnection } from '../peer/peer-connection.ts';
import { admitPeer, peersToDrop, type SlotPeer } from '../slots/peer-slots.ts';
import type { ActiveTransfer } from './active-transfer.ts';
import type { MetadataExchange } from './metadata-exchange.ts';
import { ownAddressFields } from './own-addresses.ts';
import { wirePeer, type PeerRouter } from './peer-wiring.ts';
import { PexSender, type PexEntry } from './pex-sender.ts';
import type { Swarm } from './swarm.ts';
import type { TorrentContext } from './torrent-context.ts';
import { keepsNewcomer } from './duplicate-connection.ts';
import { TorrentPeer } from './torrent-peer.ts';
import { MAX_QUEUED_REQUESTS } from './uploader.ts';

/** What the peer set needs from its torrent. */
export interface PeerSetHost {
  readonly infoHash: Uint8Array;
  metainfo(): Metainfo | null;
  /** The transfer, once metadata and files are ready. */
  transfer(): ActiveTransfer | null;
  readonly metadata: MetadataExchange;
  readonly swarm: Swarm;
  /** Incoming peers are refused while this is false (paused, checking, error, closed). */
  accepting(): boolean;
  changed(): void;
}

/**
 * A torrent's connected peers: accepts and adopts connections (handshake, BITFIELD,
 * BEP 10 handshake), and routes each peer's messages to the part that handles them —
 * metadata exchange always, downloader/uploader once the transfer is running.
 */
export class PeerSet implements PeerRouter {
  private readonly peers = new Map<string, TorrentPeer>();
  private nextIndex = 0;
  private closed = false;
  private readonly pex: PexSender;

  constructor(
    private readonly ctx: TorrentContext,
    private readonly host: PeerSetHost,
  ) {
    this.pex = new PexSender(ctx.tuning.pexIntervalMs);
  }

  get size(): number {
    return this.peers.size;
  }

  values(): IterableIterator<TorrentPeer> {
    return this.peers.values();
  }

  get(id: string): TorrentPeer | undefined {
    return this.peers.get(id);
  }

  /**
   * Our handshake: BEP 10 extension protocol, BEP 6 fast extension, and BEP 5 DHT while
   * the session runs a DHT node (never for a private torrent, BEP 27).
   */
  handshake(): Handshake {
    const dht = this.ctx.dht() !== null && !this.host.metainfo()?.private;
    return {
      reserved: makeReserved({ extensionProtocol: true, fastExtension: true, dht }),
      infoHash: this.host.infoHash,
      peerId: this.ctx.peerId,
    };
  }

  /**
   * An incoming connection routed here by the peer server. When the torrent is full a
   * newcomer may take the slot of an idle peer (engine/slots/NOTES.md).
   */
  accept(conn: PeerConnection): void {
    if (this.closed || !this.host.accepting()) {
      conn.close('not-accepting', 'not accepting peers');
      return;
    }
    if (this.ctx.isBanned(conn.remoteHost, conn.remotePort, conn.remotePeerId)) {
      conn.close('banned', 'banned');
      return;
    }
    const decision = admitPeer(this.slotPeers(), conn.remoteHost, this.ctx.now(), this.ctx.slotPolicy());
    if (!decision.admit) {
      conn.close(
        decision.reason,
        decision.reason === 'full' ? 'no free slot' : 'too many connections from this address',
      );
      return;
    }
    if (decision.evict !== null)
      this.peers.get(decision.evict)?.conn.close('evicted', 'idle peer replaced by a newcomer');
    conn.sendHandshake(this.handshake());
    if (!conn.isClosed) this.adopt(conn);
  }

  /** The peers as the slot policy sees them (refreshing when each was last useful). */
  private slotPeers(): SlotPeer[] {
    const nowMs = this.ctx.now();
    const out: SlotPeer[] = [];
    for (const p of this.peers.values()) {
      // A peer that can send the metadata we lack is as interesting as one with pieces.
      const interested = p.refreshUseful(nowMs) || this.host.metadata.wantsFrom(p);
      out.push({
        id: p.id,
        host: p.conn.remoteHost,
        connectedAtMs: p.connectedAtMs,
        lastUsefulAtMs: p.lastUsefulAtMs,
        interested,
      });
    }
    return out;
  }

  /** Periodic: closes peers that hold a slot without use (engine/slots). */
  enforceSlots(): void {
    if (this.peers.size === 0) return;
    for (const { id, reason } of peersToDrop(this.slotPeers(), this.ctx.now(), this.ctx.slotPolicy())) {
      const message =
        reason === 'never-useful'
          ? 'never exchanged anything useful'
          : reason === 'inactive'
            ? 'nothing useful exchanged for a long time'
            : 'over the connection limit and idle';
      this.peers.get(id)?.conn.close(reason, message);
    }
  }

  /** Both handshakes done (dialed or accepted): attach and start the connection. */
  adopt(conn: PeerConnection): void {
    if (this.closed || this.ctx.isBanned(conn.remoteHost, conn.remotePort, conn.remotePeerId)) {
      conn.close('banned', 'banned or stopped');
      return;
    }
    const remoteId = conn.remotePeerId;
    const twin = remoteId ? this.connectedTwin(remoteId) : null;
    if (twin && remoteId && !keepsNewcomer(this.ctx.peerId, remoteId, twin.conn.direction, conn.direction)) {
      // The address we dialed reaches a peer we already have: not dialed again while it stays.
      if (conn.direction === 'outgoing') this.addOtherAddress(twin, conn.remoteHost, conn.remotePort);
      conn.close('duplicate', 'already connected to this peer');
      return;
    }
    // Closed first (its close handler runs now): what it leaves marked is this peer's.
    twin?.conn.close('duplicate', 'replaced by another connection to the same peer');
    const peer = new TorrentPeer(this.nextIndex++, conn, this.ctx.now(), this.ctx.tuning.initialQueueDepth);
    this.peers.set(peer.id, peer);
    this.host.swarm.markConnected(conn.remoteHost, conn.remotePort);
    if (twin) {
      const dialed =
        twin.conn.direction === 'outgoing'
          ? [{ host: twin.conn.remoteHost, port: twin.conn.remotePort }]
          : [];
      for (const a of [...dialed, ...twin.otherAddresses]) this.addOtherAddress(peer, a.host, a.port);
    }
    wirePeer(peer, this);
    // Our BITFIELD and BEP 10 handshake go out before the peer's held messages are
    // delivered (start()): handling those may already send extension messages, which
    // BEP 10 only allows after our extension handshake.
    this.sendAvailability(peer);
    if (conn.extensionProtocol) {
      const size = this.host.metadata.sizeBytes;
      const yourIp = compactIp(conn.remoteHost);
      conn.sendExtensionHandshake({
        // BEP 27: a private torrent does not offer PEX (ut_pex left out of `m`), nor does
        // a magnet whose metadata has not come yet; see offerPex.
        m: this.pexAllowed() ? { ...LOCAL_EXTENSION_IDS } : { ut_metadata: LOCAL_EXTENSION_IDS.ut_metadata },
        v: 'Swarmdrop 0.1.0',
        p: this.ctx.peerPort(),
        reqq: MAX_QUEUED_REQUESTS,
        ...(size !== undefined ? { metadataSizeBytes: size } : {}),
        ...(yourIp ? { yourIp } : {}),
        ...ownAddressFields(this.ctx.ownAddresses ?? [], conn.remoteHost),
      });
    }
    // BEP 5: both set the DHT bit, so tell the peer where our DHT node listens.
    const dht = this.ctx.dht();
    if (dht && conn.dhtSupported) conn.sendPort(dht.port);
    conn.start();
    if (conn.isClosed) return;
    this.host.transfer()?.attachPeer(peer);
    this.host.changed();
  }

  /** A connected peer with this peer id: a second connection to it is a duplicate (duplicate-connection.ts). */
  private connectedTwin(remoteId: Uint8Array): TorrentPeer | null {
    for (const p of this.peers.values()) {
      const id = p.conn.remotePeerId;
      if (id && Buffer.compare(id, remoteId) === 0) return p;
    }
    return null;
  }

  /** Another address `peer` is reachable at: marked connected (not dialed) while it stays. */
  private addOtherAddress(peer: TorrentPeer, host: string, port: number): void {
    if (peer.otherAddresses.some((a) => a.host === host && a.port === port)) return;
    peer.otherAddresses.push({ host, port });
    this.host.swarm.markConnected(host, port);
  }

  /**
   * Whether peers are exchanged (BEP 11): only once the metadata is known and says the
   * torrent is not private. BEP 27 forbids PEX for private torrents, and a magnet cannot
   * tell until its info dict arrives, so until then it neither offers, sends nor takes PEX.
   */
  private pexAllowed(): boolean {
    const m = this.host.metainfo();
    return m !== null && !m.private;
  }

  /**
   * The metadata arrived: if the torrent is not private, offer ut_pex to the peers that
   * met us before (BEP 10: a later handshake enables an extension on a live connection).
   */
  offerPex(): void {
    if (!this.pexAllowed()) return;
    for (const peer of this.peers.values()) {
      if (peer.conn.extensionProtocol)
        peer.conn.sendExtensionHandshake({ m: { ut_pex: LOCAL_EXTENSION_IDS.ut_pex } });
    }
  }

  /**
   * Periodic: a BEP 11 message to each peer that takes ut_pex and is due one (PexSender
   * keeps the once-a-minute and 50-entry limits). Only once the metadata says the torrent
   * is not private (BEP 27: private torrents never exchange peers).
   */
  sendPex(): void {
    // Also with one peer left: it may still have to hear that the others dropped.
    if (!this.pexAllowed()) return;
    const nowMs = this.ctx.now();
    let connected: PexEntry[] | null = null;
    for (const peer of this.peers.values()) {
      if (!peer.conn.remoteExtensions?.m.ut_pex || !this.pex.isDue(peer.id, nowMs)) continue;
      connected ??= this.pexEntries();
      const recipient = { host: peer.conn.remoteHost, listenPort: listenAddressOf(peer)?.port ?? null };
      const msg = this.pex.next(peer.id, recipient, connected, nowMs);
      // A message that could not be queued is not sent again: the peer is closing.
      if (msg) peer.conn.sendUtPex(msg);
    }
  }

  /** Every connected peer others could dial (its listen address is known), with BEP 11 flags. */
  private pexEntries(): PexEntry[] {
    const out: PexEntry[] = [];
    for (const peer of this.peers.values()) {
      const listen = listenAddressOf(peer);
      if (!listen) continue;
      const conn = peer.conn;
      let flags = 0;
      if (conn.encryption === 'rc4') flags |= PexFlags.prefersEncryption;
      if (peer.haves.isSeed || conn.remoteExtensions?.uploadOnly) flags |= PexFlags.seedOrUploadOnly;
      // We reached it by dialing, so others can too. (supportsUtp stays 0 until uTP exists.)
      if (conn.direction === 'outgoing') flags |= PexFlags.reachable;
      out.push({ host: listen.host, port: listen.port, flags });
    }
    return out;
  }

  /** BEP 3: BITFIELD right after the handshake; BEP 6: HAVE ALL / HAVE NONE instead. */
  private sendAvailability(peer: TorrentPeer): void {
    const conn = peer.conn;
    const transfer = this.host.transfer();
    if (transfer?.isSuperSeeding) {
      // BEP 16: we show nothing; ActiveTransfer offers pieces one HAVE at a time.
      if (conn.fastExtension) conn.sendHaveNone();
      return;
    }
    const have = transfer?.have;
    const count = have?.count() ?? 0;
    if (conn.fastExtension) {
      if (have && count === have.length) conn.sendHaveAll();
      else if (!have || count === 0) conn.sendHaveNone();
      else conn.sendBitfield(have.bytes);
    } else if (have && count > 0) conn.sendBitfield(have.bytes);
  }

  /** The metadata arrived: check what every peer said it has against the piece count. */
  setPieceCount(pieceCount: number): void {
    for (const peer of [...this.peers.values()]) {
      if (!peer.haves.setPieceCount(pieceCount))
        peer.conn.close('protocol-error', 'bitfield does not fit the metadata');
    }
  }

  /** Closes every connection (pause, stop); `reopen` accepts again. */
  closeAll(reason: string): void {
    for (const peer of [...this.peers.values()]) peer.conn.close('torrent-stopped', reason);
  }

  close(): void {
    this.closed = true;
    this.closeAll('closed');
  }

  // ------------------------------------------------------------ PeerRouter

  onAvailability(peer: TorrentPeer): void {
    const m = this.host.metainfo();
    if (m && !peer.haves.setPieceCount(m.pieceCount)) {
      peer.conn.close('protocol-error', 'bitfield does not fit the torrent');
      return;
    }
    this.host.transfer()?.onAvailability(peer);
  }

  onHave(peer: TorrentPeer, piece: number): void {
    this.host.transfer()?.onHave(peer, piece);
  }

  onHaves(peer: TorrentPeer, pieces: readonly number[]): void {
    this.host.transfer()?.onHaves(peer, pieces);
  }

  onChoke(peer: TorrentPeer): void {
    this.host.transfer()?.downloader.onChoke(peer);
  }

  onUnchoke(peer: TorrentPeer): void {
    this.host.transfer()?.downloader.onUnchoke(peer);
  }

  onInterestChanged(peer: TorrentPeer): void {
    this.host.transfer()?.onInterestChanged(peer);
  }

  onRequest(peer: TorrentPeer, ref: BlockRef): void {
    const t = this.host.transfer();
    if (t) t.uploader.onRequest(peer, ref);
    else if (peer.conn.fastExtension) peer.conn.sendReject(ref);
  }

  onCancel(peer: TorrentPeer, ref: BlockRef): void {
    this.host.transfer()?.uploader.onCancel(peer, ref);
  }

  onPiece(peer: TorrentPeer, index: number, begin: number, block: Uint8Array): void {
    this.host.transfer()?.downloader.onPiece(peer, index, begin, block);
  }

  onReject(peer: TorrentPeer, ref: BlockRef): void {
    this.host.transfer()?.downloader.onReject(peer, ref);
  }

  onAllowedFast(peer: TorrentPeer, piece: number): void {
    this.host.transfer()?.downloader.onAllowedFast(peer, piece);
  }

  onExtensionHandshake(peer: TorrentPeer): void {
    const p = peer.conn.remoteExtensions?.p;
    // On loopback a ban is keyed by the listen port, which an incoming peer reveals only here.
    if (p && peer.conn.direction === 'incoming' && this.ctx.isBanned(peer.conn.remoteHost, p)) {
      peer.conn.close('banned', 'banned');
      return;
    }
    if (p) this.host.swarm.markConnected(peer.conn.remoteHost, p);
    this.host.metadata.onExtensionHandshake(peer);
    this.host.metadata.request(this.peers.values());
  }

  onUtMetadata(peer: TorrentPeer, msg: UtMetadataMessage): void {
    this.host.metadata.onMessage(peer, msg);
    // An answer or a reject frees the peer for its next request.
    if (msg.type !== 'request') this.host.metadata.request(this.peers.values());
  }

  onPex(_peer: TorrentPeer, msg: PexMessage): void {
    // BEP 27: private torrents take peers from their trackers only; a magnet waits for its
    // metadata to know (pexAllowed).
    if (!this.pexAllowed()) return;
    // A peer the sender flags as a seed is not worth a connection once we seed too.
    for (const p of msg.added)
      if (p.flags & PexFlags.seedOrUploadOnly) this.host.swarm.markSeed(p.host, p.port);
    this.host.swarm.addCandidates(msg.added);
  }

  onPort(peer: TorrentPeer, port: number): void {
    // Only from a peer that set the bit itself (a PORT without it is ignored, as libtorrent does).
    if (port > 0 && peer.conn.dhtSupported) this.ctx.dht()?.addNode(peer.conn.remoteHost, port);
  }

  onDrain(peer: TorrentPeer): void {
    this.host.transfer()?.uploader.pump(peer);
  }

  onClose(peer: TorrentPeer, info: PeerCloseInfo): void {
    peer.detach();
    this.peers.delete(peer.id);
    this.pex.forget(peer.id);
    this.ctx.peerClosed({
      torrentId: Buffer.from(this.host.infoHash).toString('hex'),
      address: peer.address,
      client: peer.client,
      uploadedBytes: peer.uploadedBytes,
      downloadedBytes: peer.downloadedBytes,
      progress: peer.haves.progress(),
    });
    const swarm = this.host.swarm;
    const { remoteHost, remotePort } = peer.conn;
    const p = peer.conn.remoteExtensions?.p;
    swarm.markDisconnected(remoteHost, remotePort);
    if (p) swarm.markDisconnected(remoteHost, p);
    for (const a of peer.otherAddresses) swarm.markDisconnected(a.host, a.port);
    const listen = peer.conn.direction === 'outgoing' ? remotePort : p;
    if (listen && peer.haves.isSeed) swarm.markSeed(remoteHost, listen);
    // Not dialed again until a tracker or PEX names it anew: banned, or of no use to us.
    if (listen && (info.code === 'banned' || info.code === 'never-useful' || info.code === 'inactive'))
      swarm.forget(remoteHost, listen);
    this.host.metadata.onPeerGone(peer);
    this.host.metadata.request(this.peers.values());
    this.host.transfer()?.detachPeer(peer);
    this.host.changed();
  }
}

/** Where a peer accepts connections: the address we dialed, or an incoming peer's BEP 10 `p`. */
function listenAddressOf(peer: TorrentPeer): { host: string; port: number } | null {
  const conn = peer.conn;
  const port = conn.direction === 'outgoing' ? conn.remotePort : conn.remoteExtensions?.p;
  return port ? { host: conn.remoteHost, port } : null;
}

/** BEP 10 `yourip`: the peer's address as we see it, 4 or 16 bytes; null if not an IP. */
function compactIp(host: string): Uint8Array | null {
  try {
    return host.includes(':') ? parseIpv6(host) : parseIpv4(host);
  } catch {
    return null;
  }
}
