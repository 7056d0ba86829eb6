import type { Dialer } from '../peer/dialer.ts';
import type { PeerConnection } from '../peer/peer-connection.ts';
import type { Handshake } from '../../protocol/wire/handshake.ts';

export interface PeerCandidate {
  host: string;
  port: number;
}

export interface SwarmOptions {
  torrentKey: string;
  dialer: Dialer;
  /** Our handshake for this torrent. */
  handshake(): Handshake;
  /** Open connections + dials in progress may not exceed this. */
  maxPeers(): number;
  /** Open connections of this torrent. */
  connectedCount(): number;
  /** Session-wide limit not reached. */
  globalRoom(): boolean;
  /** We have every piece (then seeds are not dialed). */
  isComplete(): boolean;
  /** A dial succeeded: the torrent attaches and starts it (or closes it). */
  onConnection(conn: PeerConnection): void;
  /** Upper bound on remembered candidates. Default 2000. */
  maxCandidates?: number;
}

const addressKey = (host: string, port: number) =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

/**
 * Where a torrent's peers come from: candidate addresses (trackers, magnet `x.pe`,
 * PEX, incoming peers' listen ports) and the dials that turn them into connections,
 * within the torrent's and the session's limits. The Dialer owns back-off and bans.
 */
export class Swarm {
  private readonly candidates = new Map<string, PeerCandidate>();
  /** Addresses with an open connection (their listen address when known). */
  private readonly connected = new Set<string>();
  private readonly seeds = new Set<string>();
  private dialing = 0;
  private closed = false;
  private readonly maxCandidates: number;

  constructor(private readonly o: SwarmOptions) {
    this.maxCandidates = o.maxCandidates ?? 2000;
  }

  get candidateCount(): number {
    return this.candidates.size;
  }

  get dialingCount(): number {
    return this.dialing;
  }

  addCandidates(peers: readonly PeerCandidate[]): void {
    for (const p of peers) {
      if (!p.port || p.port > 0xffff) continue;
      const key = addressKey(p.host, p.port);
      if (this.candidates.has(key)) continue;
      if (this.candidates.size >= this.maxCandidates) break;
      this.candidates.set(key, { host: p.host, port: p.port });
    }
    this.connectMore();
  }

  /** Stops dialing an address (a banned peer). */
  forget(host: string, port: number): void {
    this.candidates.delete(addressKey(host, port));
  }

  /** A seed: not dialed while we are a seed too (nothing to trade). */
  markSeed(host: string, port: number): void {
    if (this.seeds.size < this.maxCandidates) this.seeds.add(addressKey(host, port));
  }

  markConnected(host: string, port: number): void {
    this.connected.add(addressKey(host, port));
  }

  markDisconnected(host: string, port: number): void {
    this.connected.delete(addressKey(host, port));
  }

  isConnected(host: string, port: number): boolean {
    return this.connected.has(addressKey(host, port));
  }

  /** Dials candidates while there is room; call on new candidates and on the tick. */
  connectMore(): void {
    if (this.closed) return;
    for (const [key, c] of this.candidates) {
      if (this.o.connectedCount() + this.dialing >= this.o.maxPeers() || !this.o.globalRoom()) return;
      if (this.connected.has(key) || (this.seeds.has(key) && this.o.isComplete())) continue;
      const refusal = this.o.dialer.refusal(c.host, c.port, this.o.torrentKey);
      if (refusal === 'limit-global' || refusal === 'limit-torrent') return;
      if (refusal === 'self' || refusal === 'banned') {
        this.candidates.delete(key);
        continue;
      }
      if (refusal) continue; // back-off, already dialing
      this.dial(c);
    }
  }

  private dial(c: PeerCandidate): void {
    this.dialing++;
    this.o.dialer
      .dial({ host: c.host, port: c.port, handshake: this.o.handshake(), torrentKey: this.o.torrentKey })
      .then(
        (conn) => {
          this.dialing--;
          if (this.closed) conn.close('torrent-stopped', 'torrent stopped');
          else this.o.onConnection(conn);
        },
        () => {
          this.dialing--;
        },
      );
  }

  /** Stops dialing; connections that complete later are closed. Idempotent. */
  close(): void {
    this.closed = true;
  }

  /** Allows dialing again after a pause. */
  reopen(): void {
    this.closed = false;
  }
}
