import { Announcer } from '../../tracker/client/announcer.ts';
import type { PeerAddress, AnnounceStatus, TransferTotals } from '../../tracker/client/tracker-client-api.ts';
import type { TorrentContext } from './torrent-context.ts';

export interface TrackerLinkOptions {
  infoHash: Uint8Array;
  announceList: string[][];
  totals(): TransferTotals;
  onPeers(peers: PeerAddress[]): void;
  onStatus(): void;
  /** A tracker went from answering (or not yet tried) to failing. */
  onTrackerFailed(url: string, message: string): void;
}

/**
 * A torrent's trackers: tracker/client's Announcer (BEP 12 tiers, BEP 15 retransmits, re-announce at
 * the tracker's interval) configured from the session; no announcer at all for a
 * trackerless torrent (peers then come from magnet `x.pe`, PEX and incoming).
 */
export class TrackerLink {
  private readonly announcer: Announcer | null;
  private closing: Promise<void> | null = null;
  private readonly failing = new Set<string>();
  /** Contacted URL → the URL as the torrent lists it (they differ for aliased trackers). */
  private readonly listedAs: Map<string, string>;

  constructor(ctx: TorrentContext, o: TrackerLinkOptions) {
    const { tiers, listedAs } = aliasTiers(o.announceList, (url) => ctx.trackerAlias(url));
    this.listedAs = listedAs;
    const hasTrackers = tiers.some((tier) => tier.length > 0);
    this.announcer = hasTrackers
      ? new Announcer({
          infoHash: o.infoHash,
          peerId: ctx.peerId,
          port: ctx.peerPort(),
          announceList: tiers,
          totals: o.totals,
          onPeers: (peers) => o.onPeers(peers),
          onStatus: () => {
            for (const t of this.statuses()) {
              // Warn once per outage: on the first failure, and again only after a success.
              if (t.state === 'working') this.failing.delete(t.url);
              if (t.state === 'error' && t.lastError && !this.failing.has(t.url)) {
                this.failing.add(t.url);
                o.onTrackerFailed(t.url, t.lastError.message);
              }
            }
            o.onStatus();
          },
          ...(ctx.announceHost ? { ip: ctx.announceHost } : {}),
          minIntervalSec: ctx.tuning.announceMinIntervalSec,
          retryBaseMs: ctx.tuning.announceRetryBaseMs,
          udpBaseTimeoutMs: ctx.tuning.udpTrackerTimeoutMs,
          now: ctx.now,
          random: ctx.random,
        })
      : null;
  }

  start(): void {
    this.announcer?.start();
  }

  completed(): void {
    this.announcer?.completed();
  }

  /** Asks the trackers for peers now (bounded by their minimum interval). */
  reannounce(): void {
    this.announcer?.reannounce();
  }

  /** Per-tracker status, under the URLs the torrent lists (not the aliases contacted). */
  statuses(): AnnounceStatus[] {
    return (this.announcer?.statuses() ?? []).map((s) => ({ ...s, url: this.listedAs.get(s.url) ?? s.url }));
  }

  /** Sends `stopped` (bounded wait) when asked. Idempotent. */
  close(sendStopped: boolean): Promise<void> {
    this.closing ??= this.announcer?.close({ sendStopped, timeoutMs: 2000 }) ?? Promise.resolve();
    return this.closing;
  }

  /** Statuses for a torrent that is not announcing (paused): every URL idle. */
  static idleStatuses(announceList: string[][]): AnnounceStatus[] {
    return announceList.flatMap((tier, t) =>
      tier.map((url) => ({
        url,
        tier: t,
        state: 'idle' as const,
        lastAnnounceAt: null,
        nextAnnounceAt: null,
        lastError: null,
        seeders: null,
        leechers: null,
        lastPeerCount: null,
      })),
    );
  }
}

/**
 * The tiers with each URL replaced by the one to contact (SessionOptions.trackerAlias).
 * Two URLs for the same tracker (advertised and loopback) are announced to once: the
 * first listing wins, and the map says which URL each contacted one stands for.
 */
export function aliasTiers(
  announceList: readonly (readonly string[])[],
  alias: (url: string) => string,
): { tiers: string[][]; listedAs: Map<string, string> } {
  const listedAs = new Map<string, string>();
  const tiers: string[][] = [];
  for (const tier of announceList) {
    const out: string[] = [];
    for (const url of tier) {
      const target = alias(url);
      if (listedAs.has(target)) continue;
      listedAs.set(target, url);
      out.push(target);
    }
    if (out.length > 0) tiers.push(out);
  }
  return { tiers, listedAs };
}
