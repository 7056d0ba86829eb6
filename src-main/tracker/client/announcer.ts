/**
 * Announces one torrent to its trackers (BEP 12 announce-list): one round tries the
 * trackers tier by tier until one answers (a tracker silent for `failoverAfterMs` gets the
 * next one started alongside it), moves that one to the front of its tier, hands its
 * peers to `onPeers`, and schedules the next round at the interval it asked for (never
 * below `minIntervalSec`). When no tracker answers, the round is retried with
 * exponential back-off and the pending event (`started`, `completed`) is kept for it.
 */
import { announceOrder, promote, retryDelayMs, shuffleTiers } from './announce-policy.ts';
import { HttpTrackerClient } from './http-tracker-client.ts';
import {
  TrackerError,
  type AnnounceEvent,
  type AnnounceParams,
  type AnnounceResult,
  type AnnouncerCloseOptions,
  type AnnouncerOptions,
  type TrackerClient,
  type AnnounceStatus,
} from './tracker-client-api.ts';
import { trackerScheme } from './tracker-url.ts';
import { UdpTrackerClient } from './udp-tracker-client.ts';

/** The announcer's default UDP failover: 15 s, 30 s, 60 s (105 s), not BEP 15's 2 hours. */
export const ANNOUNCER_UDP_RETRANSMITS = 2;

export class Announcer {
  private readonly options: AnnouncerOptions;
  private readonly now: () => number;
  private tiers: string[][];
  private readonly clients = new Map<string, TrackerClient>();
  private readonly status = new Map<string, AnnounceStatus>();
  private readonly key: number;
  private pendingEvent: AnnounceEvent = 'started';
  private startedAccepted = false;
  private workingUrl: string | undefined;
  private lastSuccessAt: number | undefined;
  private minIntervalMs = 0;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private round: Promise<void> | undefined;
  private again = false;
  private started = false;
  private closing: Promise<void> | undefined;
  private readonly inFlight = new AbortController();
  /** Announces in flight, by tracker URL (see attemptOnce). */
  private readonly pending = new Map<
    string,
    { answer: Promise<AnnounceResult | undefined>; event: AnnounceEvent }
  >();

  constructor(options: AnnouncerOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    const random = options.random ?? Math.random;
    this.key = Math.floor(random() * 0x1_0000_0000) >>> 0;
    this.tiers = shuffleTiers(options.announceList, random);
    const create = options.createClient ?? ((url: string) => this.defaultClient(url));
    for (const { url, tier } of announceOrder(this.tiers)) {
      let client: TrackerClient | undefined;
      try {
        client = create(url);
      } catch {
        client = undefined;
      }
      if (client) this.clients.set(url, client);
      this.status.set(url, {
        url,
        tier,
        state: client ? 'idle' : 'disabled',
        lastAnnounceAt: null,
        nextAnnounceAt: null,
        lastError: client ? null : { code: 'unsupported', message: `unsupported tracker URL ${url}` },
        seeders: null,
        leechers: null,
        lastPeerCount: null,
      });
    }
  }

  /** Sends `started` now; later rounds follow by themselves. Calling it again does nothing. */
  start(): void {
    if (this.started || this.closing) return;
    this.started = true;
    // Only unsupported URLs (e.g. wss://): nothing to announce to, nothing to retry.
    if (this.clients.size === 0) return;
    this.kick();
  }

  /** The download finished: tell the tracker now (`completed`, BEP 3). */
  completed(): void {
    if (this.closing) return;
    if (this.startedAccepted) this.pendingEvent = 'completed';
    if (this.started) this.kick();
  }

  /**
   * Asks for more peers now, unless the tracker's minimum interval has not passed, in
   * which case the next round is brought forward to when it has.
   */
  reannounce(): void {
    if (!this.started || this.closing) return;
    const earliest = (this.lastSuccessAt ?? 0) + this.minIntervalMs;
    if (this.now() >= earliest) this.kick();
    else this.schedule(earliest - this.now(), true);
  }

  statuses(): AnnounceStatus[] {
    return announceOrder(this.tiers).map(({ url, tier }) => ({
      ...(this.status.get(url) as AnnounceStatus),
      tier,
    }));
  }

  /**
   * Stops announcing. With `sendStopped`, first tells the tracker that last answered
   * (bounded by `timeoutMs`). Idempotent: every call returns the same promise.
   */
  close(options: AnnouncerCloseOptions = {}): Promise<void> {
    this.closing ??= (async () => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.inFlight.abort();
      await this.round?.catch(() => undefined);
      const url = this.workingUrl;
      const client = url ? this.clients.get(url) : undefined;
      if (options.sendStopped && this.startedAccepted && client) {
        try {
          await client.announce(this.params('stopped'), {
            signal: AbortSignal.timeout(options.timeoutMs ?? 2000),
          });
        } catch {
          // Best effort: the tracker expires us anyway after ~2 intervals.
        }
      }
      for (const c of this.clients.values()) c.close();
      for (const s of this.status.values()) s.nextAnnounceAt = null;
      this.emit();
    })();
    return this.closing;
  }

  private defaultClient(url: string): TrackerClient | undefined {
    const scheme = trackerScheme(url);
    if (scheme === 'udp') {
      return new UdpTrackerClient(url, {
        baseTimeoutMs: this.options.udpBaseTimeoutMs ?? 15_000,
        maxRetransmits: this.options.udpMaxRetransmits ?? ANNOUNCER_UDP_RETRANSMITS,
        now: this.now,
      });
    }
    if (scheme === 'http' || scheme === 'https') {
      return new HttpTrackerClient(url, { timeoutMs: this.options.httpTimeoutMs ?? 15_000 });
    }
    return undefined;
  }

  /** Runs a round now, or right after the one in progress. */
  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.round) {
      this.again = true;
      return;
    }
    this.round = this.runRound().finally(() => {
      this.round = undefined;
      if (this.again && !this.closing) {
        this.again = false;
        this.kick();
      }
    });
  }

  private schedule(delayMs: number, onlyIfSooner = false): void {
    const at = this.now() + delayMs;
    if (onlyIfSooner && this.timer) {
      const next = this.workingUrl ? this.status.get(this.workingUrl)?.nextAnnounceAt : null;
      if (next != null && next <= at) return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, delayMs);
    for (const s of this.status.values()) s.nextAnnounceAt = s.state === 'disabled' ? null : at;
    this.emit();
  }

  /**
   * One round: the trackers in BEP 12 order, each started when the one before it failed
   * or has not answered within `failoverAfterMs` (it keeps going: a slow tracker may still
   * answer). The first answer ends the round and sets the next one's time; answers that
   * come later still update their tracker's status and hand over their peers. So a dead
   * tracker in the first tier costs `failoverAfterMs`, not its whole retransmit schedule
   * (15 + 30 + 60 s over UDP).
   */
  private runRound(): Promise<void> {
    const event = this.pendingEvent;
    const order = announceOrder(this.tiers).filter(({ url }) => this.clients.has(url));
    const failoverAfterMs = this.options.failoverAfterMs ?? 5_000;
    return new Promise<void>((resolve) => {
      let next = 0;
      let running = 0;
      let settled = false;
      // close() ends the round at once, whatever its requests still wait for.
      const onClose = () => settle(false);
      const settle = (failed: boolean) => {
        if (settled) return;
        settled = true;
        this.inFlight.signal.removeEventListener('abort', onClose);
        if (failed && !this.closing) {
          this.failures++;
          this.schedule(
            retryDelayMs(
              this.failures,
              this.options.retryBaseMs ?? 30_000,
              this.options.retryMaxMs ?? 1_800_000,
            ),
          );
        }
        resolve();
      };
      const launch = (): void => {
        if (settled) return;
        if (this.closing) return settle(false);
        const item = order[next++];
        if (!item) {
          if (running === 0) settle(true);
          return;
        }
        const { url } = item;
        running++;
        let movedOn = false;
        const moveOn = () => {
          if (movedOn) return;
          movedOn = true;
          launch();
        };
        const timer = setTimeout(moveOn, failoverAfterMs);
        const sent = this.attemptOnce(url, event);
        void sent.answer.then((result) => {
          clearTimeout(timer);
          running--;
          if (this.closing) return settle(false);
          if (result) {
            this.answered(url, result, sent.event, !settled);
            settle(false);
          } else if (!movedOn) moveOn();
          else if (running === 0 && next >= order.length) settle(true);
        });
      };
      this.inFlight.signal.addEventListener('abort', onClose);
      launch();
    });
  }

  /**
   * The announce to `url` still in flight from an earlier round, or a new one: a silent
   * tracker's retransmissions outlast a short interval, and each round starting another
   * would pile them up. `event` is what was actually sent.
   */
  private attemptOnce(
    url: string,
    event: AnnounceEvent,
  ): { answer: Promise<AnnounceResult | undefined>; event: AnnounceEvent } {
    const pending = this.pending.get(url);
    if (pending) return pending;
    const sent = {
      answer: this.attempt(url, event).finally(() => this.pending.delete(url)),
      event,
    };
    this.pending.set(url, sent);
    return sent;
  }

  /** Announces to `url`; its status follows. Resolves with the answer, or undefined. */
  private async attempt(url: string, event: AnnounceEvent): Promise<AnnounceResult | undefined> {
    const client = this.clients.get(url);
    const status = this.status.get(url);
    if (!client || !status) return undefined;
    status.state = 'announcing';
    this.emit();
    try {
      return await client.announce(this.params(event), { signal: this.inFlight.signal });
    } catch (err) {
      if (this.closing) return undefined;
      const e = err instanceof TrackerError ? err : new TrackerError('network', String(err));
      Object.assign(status, {
        state: 'error',
        lastAnnounceAt: this.now(),
        lastError: { code: e.code, message: e.message },
      });
      this.emit();
      return undefined;
    }
  }

  /**
   * `url` answered. The first answer of a round (`first`) makes it the working tracker
   * and sets the next round's time; a later one only updates its status and hands over
   * its peers.
   */
  private answered(url: string, result: AnnounceResult, event: AnnounceEvent, first: boolean): void {
    const status = this.status.get(url);
    if (!status) return;
    Object.assign(status, {
      state: 'working',
      lastAnnounceAt: this.now(),
      lastError: null,
      seeders: result.seeders,
      leechers: result.leechers,
      lastPeerCount: result.peers.length,
    });
    if (event === 'started') this.startedAccepted = true;
    if (first) {
      this.tiers = promote(this.tiers, url);
      this.workingUrl = url;
      this.lastSuccessAt = this.now();
      this.failures = 0;
      // An event raised during the round (completed) stays pending for the next one.
      if (this.pendingEvent === event) this.pendingEvent = 'none';
      const floorSec = this.options.minIntervalSec ?? 10;
      this.minIntervalMs = Math.max(result.minIntervalSec ?? 0, 0) * 1000;
      if (result.peers.length > 0) this.options.onPeers(result.peers, url);
      this.schedule(Math.max(result.intervalSec, floorSec) * 1000);
    } else {
      if (result.peers.length > 0) this.options.onPeers(result.peers, url);
      this.emit();
    }
  }

  private params(event: AnnounceEvent): AnnounceParams {
    const totals = this.options.totals();
    const p: AnnounceParams = {
      infoHash: this.options.infoHash,
      peerId: this.options.peerId,
      port: this.options.port,
      uploaded: totals.uploaded,
      downloaded: totals.downloaded,
      left: totals.left,
      event,
      numWant: event === 'stopped' ? 0 : (this.options.numWant ?? 50),
      key: this.key,
    };
    if (this.options.ip !== undefined) p.ip = this.options.ip;
    return p;
  }

  private emit(): void {
    this.options.onStatus?.(this.statuses());
  }
}
