import type { DhtNode, DhtPeer } from '../dht/dht-node.ts';
import { nextDhtAnnounceDelayMs, type DhtScheduleTuning } from '../dht/dht-schedule.ts';

export interface DhtLinkOptions {
  infoHash: Uint8Array;
  peerPort(): number;
  /** BEP 27: a private torrent never goes to the DHT (checked before every announce). */
  isPrivate(): boolean;
  onPeers(peers: DhtPeer[]): void;
  /** An announce finished (the torrent shows when and how many peers). */
  onAnnounced(peerCount: number): void;
  schedule: DhtScheduleTuning;
}

/**
 * A torrent's DHT announcing while it runs: get_peers + announce_peer at start, then on
 * the schedule of dht-schedule.ts. The session's DhtNode does the network work.
 */
export class DhtLink {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private emptyStreak = 0;
  private closed = false;
  private running = false;

  constructor(
    private readonly dht: DhtNode,
    private readonly o: DhtLinkOptions,
  ) {}

  start(): void {
    if (this.closed || this.running || this.timer) return;
    void this.announce();
  }

  private async announce(): Promise<void> {
    this.timer = null;
    if (this.closed || this.o.isPrivate()) return;
    this.running = true;
    const found = await this.dht.announce(this.o.infoHash, this.o.peerPort(), (peers) => {
      if (!this.closed && !this.o.isPrivate()) this.o.onPeers(peers);
    });
    this.running = false;
    if (this.closed) return;
    this.emptyStreak = found > 0 ? 0 : this.emptyStreak + 1;
    this.o.onAnnounced(found);
    this.timer = setTimeout(
      () => void this.announce(),
      nextDhtAnnounceDelayMs(this.emptyStreak, this.o.schedule),
    );
    this.timer.unref?.();
  }

  /** Stops announcing (the DHT forgets us when our entries expire, BEP 5). Idempotent. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
