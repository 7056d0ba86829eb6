/**
 * BEP 14 Local Service Discovery: multicasts which torrents we have, on which port, and
 * hands the announces of others on the LAN to the torrents they name.
 *
 * Rate limits (BEP 14 leaves them to clients; libtorrent's are the reference): each
 * torrent is announced when it starts and then at most once per `announceIntervalMs`
 * (5 minutes), several info-hashes per datagram; incoming datagrams past a small budget,
 * per sender and in all, are dropped unread. Our random cookie is in every announce, so the copy the group loops
 * back to us is ignored.
 */
import { randomBytes } from 'node:crypto';
import { isProtocolError } from '../../protocol/protocol-error.ts';
import { chunkInfoHashes, decodeLsdAnnounce, encodeLsdAnnounce } from '../../protocol/lan/lsd-message.ts';
import { DatagramBudget, type DatagramBudgetOptions } from './datagram-budget.ts';
import { MulticastChannel, type MulticastChannelOptions } from './multicast-channel.ts';

export const LSD_ANNOUNCE_INTERVAL_MS = 5 * 60_000;
/**
 * Incoming BT-SEARCH datagrams handled, from one address and from all (datagram-budget.ts).
 * One machine's share is a quarter of the whole: enough for several clients on it (they
 * share its address) announcing hundreds of torrents at 24 a datagram, and three others
 * still get through while it floods.
 */
const INCOMING_BUDGET: DatagramBudgetOptions = {
  perSender: { perSecond: 5, burst: 20 },
  total: { perSecond: 20, burst: 50 },
  maxSenders: 256,
};
/** How often due announces are looked for (a started torrent waits at most this long). */
const CHECK_INTERVAL_MS = 1000;
/** A torrent just added or resumed is announced this soon. */
const SOON_MS = 50;

export interface LocalDiscoveryOptions extends Pick<
  MulticastChannelOptions,
  'ipv4Group' | 'ipv6Group' | 'port' | 'interfaceAddress' | 'networkInterfaces'
> {
  /** Our peer port, announced as `Port`. */
  peerPort(): number;
  /** Info-hashes (hex) to announce now: active, not private (BEP 27: private torrents stay off LSD). */
  announceable(): string[];
  /** Someone on the LAN has `infoHashHex` at host:port. */
  onPeer(infoHashHex: string, peer: { host: string; port: number }): void;
  warning(code: string, message: string): void;
  announceIntervalMs?: number;
  now?: () => number;
}

export class LocalDiscovery {
  readonly cookie = randomBytes(6).toString('hex');
  private readonly lastAnnouncedMs = new Map<string, number>();
  private readonly budget: DatagramBudget;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private timer: ReturnType<typeof setInterval> | null = null;
  private soon: ReturnType<typeof setTimeout> | null = null;
  /** Datagrams sent and others' announces heard (logs and the bench). */
  announcesSent = 0;
  announcesHeard = 0;

  private constructor(
    private readonly o: LocalDiscoveryOptions,
    private channel: MulticastChannel | null = null,
  ) {
    this.now = o.now ?? Date.now;
    this.intervalMs = o.announceIntervalMs ?? LSD_ANNOUNCE_INTERVAL_MS;
    this.budget = new DatagramBudget({ ...INCOMING_BUDGET, now: this.now });
  }

  static async open(o: LocalDiscoveryOptions): Promise<LocalDiscovery> {
    const lsd = new LocalDiscovery(o);
    lsd.channel = await MulticastChannel.open({
      ...o,
      onMessage: (bytes, from) => lsd.onDatagram(bytes, from.address),
      onError: (code, message) => o.warning(code === 'lan-socket' ? 'lsd-socket' : code, `LSD: ${message}`),
    });
    lsd.timer = setInterval(() => lsd.announceDue(), Math.min(CHECK_INTERVAL_MS, lsd.intervalMs));
    lsd.timer.unref?.();
    lsd.announceDue();
    return lsd;
  }

  /** Announces every torrent not announced within the interval; returns how many. */
  announceDue(): number {
    const channel = this.channel;
    const port = this.o.peerPort();
    if (!channel?.open || port <= 0) return 0;
    const now = this.now();
    const current = new Set(this.o.announceable());
    for (const hash of this.lastAnnouncedMs.keys()) if (!current.has(hash)) this.lastAnnouncedMs.delete(hash);
    const due = [...current].filter(
      (h) => now - (this.lastAnnouncedMs.get(h) ?? -Infinity) >= this.intervalMs,
    );
    for (const chunk of chunkInfoHashes(due)) {
      void channel.send((family) =>
        encodeLsdAnnounce({ host: channel.hostOf(family), port, infoHashes: chunk, cookie: this.cookie }),
      );
      this.announcesSent++;
    }
    for (const h of due) this.lastAnnouncedMs.set(h, now);
    return due.length;
  }

  /**
   * A torrent was added or resumed: announce it in a moment (torrents added together go
   * in one datagram), not at the next check, since a new download waits on it.
   */
  announceSoon(infoHashHex: string): void {
    this.lastAnnouncedMs.delete(infoHashHex);
    if (this.soon || !this.timer) return;
    this.soon = setTimeout(() => {
      this.soon = null;
      this.announceDue();
    }, SOON_MS);
    this.soon.unref?.();
  }

  private onDatagram(bytes: Uint8Array, host: string): void {
    if (!this.budget.take(host)) return;
    let announce;
    try {
      announce = decodeLsdAnnounce(bytes);
    } catch (err) {
      if (isProtocolError(err)) return; // someone else's traffic on the port, or garbage: dropped
      throw err;
    }
    if (announce.cookie === this.cookie) return;
    this.announcesHeard++;
    for (const hash of announce.infoHashes) this.o.onPeer(hash, { host, port: announce.port });
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearTimeout(this.soon);
    this.timer = null;
    this.soon = null;
    this.channel?.close();
  }
}
