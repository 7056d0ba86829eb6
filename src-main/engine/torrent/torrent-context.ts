import type { DhtNode } from '../dht/dht-node.ts';
import type { Dialer } from '../peer/dialer.ts';
import type { ResumeStore } from '../resume/resume-store.ts';
import type { HashPool } from '../workers/hash-pool.ts';
import type { RateLimiter } from '../rate/token-bucket.ts';
import type { BanPolicy } from '../ban/ban-policy.ts';
import type { SlotPolicy } from '../slots/peer-slots.ts';
import { OPTIMISTIC_INTERVAL_MS, RECHOKE_INTERVAL_MS } from '../choker/decide-chokes.ts';
import { PEX_INTERVAL_MS } from './pex-sender.ts';
import type { EngineEvent, EngineTuning, PeerClosedEvent, PieceVerifiedEvent } from '../session-api.ts';

/** Tunables (documented in session-api.ts); tests shorten the intervals. */
export type TorrentTuning = EngineTuning;

export const defaultTorrentTuning: TorrentTuning = {
  tickMs: 1000,
  requestTimeoutMs: 30_000,
  rechokeIntervalMs: RECHOKE_INTERVAL_MS,
  optimisticIntervalMs: OPTIMISTIC_INTERVAL_MS,
  resumeSaveIntervalMs: 30_000,
  maxBufferedBytes: 8 * 1024 * 1024,
  initialQueueDepth: 128,
  minQueueDepth: 16,
  maxQueueDepth: 512,
  maxRequestedBytes: 16 * 1024 * 1024,
  queueTimeSec: 2,
  announceMinIntervalSec: 10,
  announceRetryBaseMs: 30_000,
  udpTrackerTimeoutMs: 15_000,
  pexIntervalMs: PEX_INTERVAL_MS,
  dhtAnnounceIntervalMs: 15 * 60_000,
  dhtRetryBaseMs: 30_000,
};

/** What a torrent gets from its session (shared parts, limits, event sinks). */
export interface TorrentContext {
  readonly peerId: Uint8Array;
  peerPort(): number;
  readonly announceHost?: string;
  /** Our own addresses as the settings name them (own-addresses.ts), for BEP 10 `ipv4`/`ipv6`. */
  readonly ownAddresses?: readonly string[];
  /** SessionOptions.trackerAlias, identity when unset: the URL to contact for an announce URL. */
  trackerAlias(url: string): string;
  readonly hashPool: HashPool;
  readonly resumeStore: ResumeStore;
  readonly dialer: Dialer;
  /** The session's DHT node; null when DHT is off (or not yet open). */
  dht(): DhtNode | null;
  readonly tuning: TorrentTuning;
  /** Connections per torrent and upload slots. */
  maxPeersPerTorrent(): number;
  /** Who may hold a connection slot: per-IP cap, eviction, time-outs (engine/slots). */
  slotPolicy(): SlotPolicy;
  uploadSlots(): number;
  /** Session-wide connection budget not exhausted. */
  globalConnectionRoom(): boolean;
  /** Session rate limits (token buckets, unlimited by default). */
  readonly downloadLimiter: RateLimiter;
  readonly uploadLimiter: RateLimiter;
  /** Session-wide ban bookkeeping (hash failures); keys from `banKey`. */
  readonly banPolicy: BanPolicy;
  /**
   * `port` is the peer's listen port when known (its ephemeral port otherwise, which only
   * matters on loopback); `peerId` its handshake peer id, checked on loopback.
   */
  isBanned(host: string, port: number, peerId?: Uint8Array | null): boolean;
  now(): number;
  random(): number;
  // Event sinks (the session batches `changed`).
  changed(id: string): void;
  warning(event: EngineEvent): void;
  fatal(event: EngineEvent): void;
  pieceVerified(event: PieceVerifiedEvent): void;
  peerClosed(event: PeerClosedEvent): void;
  completed(id: string): void;
  metadata(id: string): void;
}

export function isLoopbackHost(host: string): boolean {
  return host === '::1' || host.startsWith('127.');
}

/**
 * The key a peer is banned under: its IP, except on loopback, where every local peer
 * shares 127.0.0.1 and the listen port tells them apart (ban/NOTES.md).
 */
export function banKey(host: string, listenPort: number): string {
  return isLoopbackHost(host) ? `${host}:${listenPort}` : host;
}

/**
 * The second key of a peer banned on loopback: its peer id. When it dials in again its
 * source port is a fresh ephemeral one, and its listen port arrives only with its BEP 10
 * handshake (if at all); the peer id is in the BitTorrent handshake, before we accept.
 */
export function peerIdBanKey(peerId: Uint8Array): string {
  return `peer-id:${Buffer.from(peerId.buffer, peerId.byteOffset, peerId.byteLength).toString('hex')}`;
}
