import type { PeerCloseInfo } from '../peer/peer-connection.ts';
import type { BlockRef } from '../../protocol/wire/messages.ts';
import type { UtMetadataMessage } from '../../protocol/wire/ut-metadata.ts';
import type { PexMessage } from '../../protocol/wire/ut-pex.ts';
import type { AvailabilityUpdate } from './peer-haves.ts';
import type { TorrentPeer } from './torrent-peer.ts';

/** What a torrent does with one peer's messages (implemented by Torrent). */
export interface PeerRouter {
  /** The peer's first BITFIELD / HAVE ALL / HAVE NONE arrived and was accepted. */
  onAvailability(peer: TorrentPeer): void;
  onHave(peer: TorrentPeer, piece: number): void;
  /** A later BITFIELD / HAVE ALL added these pieces (merged, like HAVEs). */
  onHaves(peer: TorrentPeer, pieces: readonly number[]): void;
  onChoke(peer: TorrentPeer): void;
  onUnchoke(peer: TorrentPeer): void;
  onInterestChanged(peer: TorrentPeer): void;
  onRequest(peer: TorrentPeer, ref: BlockRef): void;
  onCancel(peer: TorrentPeer, ref: BlockRef): void;
  onPiece(peer: TorrentPeer, index: number, begin: number, block: Uint8Array): void;
  onReject(peer: TorrentPeer, ref: BlockRef): void;
  onAllowedFast(peer: TorrentPeer, piece: number): void;
  onExtensionHandshake(peer: TorrentPeer): void;
  onUtMetadata(peer: TorrentPeer, msg: UtMetadataMessage): void;
  onPex(peer: TorrentPeer, msg: PexMessage): void;
  /** BEP 5 PORT: the peer's DHT node listens on this UDP port. */
  onPort(peer: TorrentPeer, port: number): void;
  onDrain(peer: TorrentPeer): void;
  onClose(peer: TorrentPeer, info: PeerCloseInfo): void;
}

/**
 * Subscribes the router to a connection's events. Availability messages are checked
 * here (a bitfield of the torrent's length, HAVE in range), so a peer that sends what
 * cannot be this torrent's is closed before the torrent sees it. A BITFIELD, HAVE ALL
 * or HAVE NONE after the first announcement is merged, not refused (PeerHaves).
 */
export function wirePeer(peer: TorrentPeer, router: PeerRouter): void {
  const conn = peer.conn;
  const violation = (message: string) => conn.close('protocol-error', message);
  const t = (off: () => void) => peer.track(off);
  const availability = (u: AvailabilityUpdate) => {
    if (u.kind === 'first') router.onAvailability(peer);
    else if (u.kind === 'added') router.onHaves(peer, u.pieces);
    else if (u.kind === 'invalid') violation(u.reason);
  };

  t(conn.on('bitfield', (m) => availability(peer.haves.onBitfield(m.bytes))));
  t(conn.on('have-all', () => availability(peer.haves.onHaveAll())));
  t(conn.on('have-none', () => availability(peer.haves.onHaveNone())));
  t(
    conn.on('have', (m) => {
      const r = peer.haves.onHave(m.index);
      if (r === 'invalid') violation(`HAVE ${m.index} out of range`);
      else if (r === 'new') router.onHave(peer, m.index);
    }),
  );
  t(conn.on('choke', () => router.onChoke(peer)));
  t(conn.on('unchoke', () => router.onUnchoke(peer)));
  t(conn.on('interested', () => router.onInterestChanged(peer)));
  t(conn.on('not-interested', () => router.onInterestChanged(peer)));
  t(conn.on('request', (m) => router.onRequest(peer, m)));
  t(conn.on('cancel', (m) => router.onCancel(peer, m)));
  conn.pieceSink = (index, begin, block) => router.onPiece(peer, index, begin, block);
  t(() => {
    conn.pieceSink = null;
  });
  t(conn.on('reject', (m) => router.onReject(peer, m)));
  t(conn.on('allowed-fast', (m) => router.onAllowedFast(peer, m.index)));
  t(conn.on('extension-handshake', () => router.onExtensionHandshake(peer)));
  t(conn.on('ut-metadata', (m) => router.onUtMetadata(peer, m)));
  t(conn.on('ut-pex', (m) => router.onPex(peer, m)));
  t(conn.on('port', (m) => router.onPort(peer, m.port)));
  t(conn.on('drain', () => router.onDrain(peer)));
  t(conn.on('close', (info) => router.onClose(peer, info)));
}
