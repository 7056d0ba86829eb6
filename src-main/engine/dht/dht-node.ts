/**
 * The engine's view of the Mainline DHT (BEP 5): what torrents and the session ask of it.
 * The library behind it (bittorrent-dht) is confined to mainline-dht.ts; nothing of its
 * types reaches the torrents or the contract.
 */
import type { DhtState } from './dht-state-store.ts';

export interface DhtPeer {
  host: string;
  port: number;
}

export interface DhtTraffic {
  receivedBytes: number;
  sentBytes: number;
  receivedCount: number;
  sentCount: number;
}

export interface DhtNode {
  /** UDP port the node listens on (the peer port number unless that was taken). */
  readonly port: number;
  /** Nodes in the routing table. */
  nodeCount(): number;
  /**
   * BEP 5 get_peers for the info-hash, then announce_peer with our peer port to the
   * closest nodes that answered. Peers are reported as they arrive; resolves with how
   * many were found (never rejects: the DHT being unreachable is 0 peers).
   */
  announce(infoHash: Uint8Array, peerPort: number, onPeers: (peers: DhtPeer[]) => void): Promise<number>;
  /** A node heard of outside the DHT (the BEP 5 PORT message of a peer): pinged, then added. */
  addNode(host: string, port: number): void;
  /** The routing table to save. */
  state(): DhtState;
  /** KRPC bytes and datagrams in and out since the node started. */
  traffic(): DhtTraffic;
  /** Stops the node (the socket belongs to the session). Idempotent. */
  close(): Promise<void>;
}
