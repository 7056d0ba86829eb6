/**
 * The LAN catalog ("Nearby"): advertises our listed shares to the LAN and keeps a live
 * list of what the other Swarmdrops there advertise. docs/PROTOCOL.md has the messages
 * and src-main/engine/lan/NOTES.md why they look the way they do.
 *
 * - Every `announceIntervalMs` (30 s) and whenever the list changes, the whole list goes
 *   out in pages (one datagram each); a `query` makes everyone answer at once (with a
 *   little random delay, at most one answer per half second), so a new listener has the list in
 *   well under a second instead of waiting for the next round.
 * - A changed list goes out three times (at once, 1 s and 3 s later), as mDNS announces
 *   (RFC 6762 §8.3): a datagram is never sure to arrive (a listener past its budget drops
 *   it unread), and one lost change would otherwise wait for the next round.
 * - The revision names one list: every announce, an answer to a query too, sends the list
 *   as it is now under the revision of that list, so pages of two lists never share one.
 * - A machine not heard from for `expireAfterMs` (3 rounds and a bit) is dropped; a clean
 *   stop sends `bye`, which drops it at once.
 * - Caps: MAX_MACHINES senders, the codec's bounds per datagram, a budget of datagrams per
 *   second from each address and from all; anything past them is dropped.
 */
import { randomBytes } from 'node:crypto';
import {
  decodeNearbyMessage,
  encodeNearbyMessage,
  pageNearbyShares,
  type NearbyMessage,
  type NearbyShare as AdvertisedShare,
} from '../../protocol/lan/nearby-message.ts';
import { isProtocolError } from '../../protocol/protocol-error.ts';
import type { NearbyShare } from '../../../src-shared/types/nearby.ts';
import { DatagramBudget, type DatagramBudgetOptions } from './datagram-budget.ts';
import { MulticastChannel, type MulticastChannelOptions } from './multicast-channel.ts';

export const NEARBY_ANNOUNCE_INTERVAL_MS = 30_000;
const MAX_MACHINES = 256;
/**
 * Incoming datagrams handled, from one address and from all (datagram-budget.ts). One
 * machine may send two whole lists (64 pages each) at once and one every two seconds after
 * that: a change goes out three times in three seconds and answers to queries come at
 * most twice a second, so only a long query storm at a machine listing over 1 000 shares
 * goes past it.
 */
const INCOMING_BUDGET: DatagramBudgetOptions = {
  perSender: { perSecond: 32, burst: 128 },
  total: { perSecond: 200, burst: 400 },
  maxSenders: MAX_MACHINES,
};
/** Answers to queries: not sooner than this after the last full announce. */
const MIN_ANSWER_SPACING_MS = 500;
const ANSWER_JITTER_MS = 250;
const CHECK_INTERVAL_MS = 1000;
/** After a change, the list is sent again this long after the previous send (see above). */
const CHANGE_REPEAT_GAPS_MS = [1000, 2000];

export interface NearbyCatalogOptions extends Pick<
  MulticastChannelOptions,
  'ipv4Group' | 'ipv6Group' | 'port' | 'interfaceAddress' | 'networkInterfaces'
> {
  /** Our name as others see it. */
  who: string;
  peerPort(): number;
  /** What we list now; null = we advertise nothing (listen only). */
  shares(): AdvertisedShare[] | null;
  /** The list of others' shares changed. */
  onChange(): void;
  warning(code: string, message: string): void;
  announceIntervalMs?: number;
  expireAfterMs?: number;
  now?: () => number;
  random?: () => number;
}

interface Machine {
  who: string;
  host: string;
  peerPort: number;
  revision: number;
  pageCount: number;
  pages: Map<number, AdvertisedShare[]>;
  lastSeenMs: number;
}

export class NearbyCatalog {
  readonly instanceId = randomBytes(8).toString('hex');
  private readonly machines = new Map<string, Machine>();
  private readonly budget: DatagramBudget;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly intervalMs: number;
  private readonly expireAfterMs: number;
  private channel: MulticastChannel | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private answerTimer: ReturnType<typeof setTimeout> | null = null;
  private listKey = '';
  private revision = 0;
  /** Our list as last read (null: we advertise nothing). */
  private current: AdvertisedShare[] | null = null;
  /** Repeats of the last change still to send, and when the next is due. */
  private repeatsLeft = 0;
  private nextRepeatMs = 0;
  private lastAnnounceMs = -Infinity;
  private closed = false;

  private constructor(private readonly o: NearbyCatalogOptions) {
    this.now = o.now ?? Date.now;
    this.random = o.random ?? Math.random;
    this.intervalMs = o.announceIntervalMs ?? NEARBY_ANNOUNCE_INTERVAL_MS;
    this.expireAfterMs = o.expireAfterMs ?? 3 * this.intervalMs + 5000;
    this.budget = new DatagramBudget({ ...INCOMING_BUDGET, now: this.now });
  }

  static async open(o: NearbyCatalogOptions): Promise<NearbyCatalog> {
    const nearby = new NearbyCatalog(o);
    nearby.channel = await MulticastChannel.open({
      ...o,
      onMessage: (bytes, from) => nearby.onDatagram(bytes, from.address),
      onError: (code, message) =>
        o.warning(code === 'lan-socket' ? 'nearby-socket' : code, `Nearby: ${message}`),
    });
    nearby.timer = setInterval(() => nearby.tick(), Math.min(CHECK_INTERVAL_MS, nearby.intervalMs));
    nearby.timer.unref?.();
    nearby.query();
    nearby.tick();
    return nearby;
  }

  /** Others' shares, machine by machine, page by page; ours are never in it. */
  list(): NearbyShare[] {
    const out: NearbyShare[] = [];
    for (const m of this.machines.values()) {
      for (let page = 0; page < m.pageCount; page++) {
        for (const s of m.pages.get(page) ?? [])
          out.push({
            infoHashHex: s.infoHashHex,
            name: s.name,
            totalBytes: s.totalBytes,
            who: m.who,
            host: m.host,
            peerPort: m.peerPort,
          });
      }
    }
    return out;
  }

  /** Asks everyone on the LAN to announce now. */
  query(): void {
    void this.send({ type: 'query', instanceId: this.instanceId });
  }

  private tick(): void {
    const now = this.now();
    let changed = false;
    for (const [id, m] of this.machines) {
      if (now - m.lastSeenMs > this.expireAfterMs) {
        this.machines.delete(id);
        changed = true;
      }
    }
    if (changed) this.o.onChange();
    if (this.readList()) {
      this.announce();
    } else if (this.repeatsLeft > 0 && now >= this.nextRepeatMs) {
      this.announce();
    } else if (now - this.lastAnnounceMs >= this.intervalMs) {
      this.announce();
    }
  }

  /**
   * Reads our list; a list unlike the last one read gets the next revision, and its
   * repeats are scheduled. True when it changed.
   */
  private readList(): boolean {
    const shares = this.o.shares();
    const key = shares === null ? '' : JSON.stringify(shares);
    if (key === this.listKey) return false;
    this.listKey = key;
    this.current = shares;
    this.revision++;
    this.repeatsLeft = CHANGE_REPEAT_GAPS_MS.length + 1;
    return true;
  }

  /** Sends our whole list as it is now (nothing when we advertise nothing). */
  private announce(): void {
    this.readList();
    const now = this.now();
    this.lastAnnounceMs = now;
    if (this.repeatsLeft > 0) {
      this.repeatsLeft--;
      const gaps = CHANGE_REPEAT_GAPS_MS;
      this.nextRepeatMs = now + (gaps[gaps.length - this.repeatsLeft] ?? 0);
    }
    const shares = this.current;
    const peerPort = this.o.peerPort();
    if (shares === null || peerPort <= 0) return;
    const { pages, omitted } = pageNearbyShares(
      { instanceId: this.instanceId, who: this.o.who, peerPort, revision: this.revision },
      shares,
    );
    if (omitted > 0)
      this.o.warning(
        'nearby-list-truncated',
        `Nearby: ${omitted} shares do not fit the LAN catalog and are not listed`,
      );
    void (async () => {
      for (const page of pages) await this.send(page);
    })();
  }

  private async send(message: NearbyMessage): Promise<void> {
    if (this.closed || !this.channel?.open) return;
    const bytes = encodeNearbyMessage(message);
    await this.channel.send(() => bytes);
  }

  private onDatagram(bytes: Uint8Array, host: string): void {
    if (!this.budget.take(host)) return;
    let message: NearbyMessage;
    try {
      message = decodeNearbyMessage(bytes);
    } catch (err) {
      if (isProtocolError(err)) return;
      throw err;
    }
    if (message.instanceId === this.instanceId) return;
    switch (message.type) {
      case 'query':
        this.scheduleAnswer();
        return;
      case 'bye':
        if (this.machines.delete(message.instanceId)) this.o.onChange();
        return;
      case 'announce':
        this.onAnnounce(message, host);
    }
  }

  private scheduleAnswer(): void {
    if (this.answerTimer || this.o.shares() === null) return;
    const wait =
      Math.max(0, this.lastAnnounceMs + MIN_ANSWER_SPACING_MS - this.now()) +
      this.random() * ANSWER_JITTER_MS;
    this.answerTimer = setTimeout(() => {
      this.answerTimer = null;
      this.announce();
    }, wait);
    this.answerTimer.unref?.();
  }

  private onAnnounce(m: Extract<NearbyMessage, { type: 'announce' }>, host: string): void {
    let machine = this.machines.get(m.instanceId);
    if (!machine) {
      if (this.machines.size >= MAX_MACHINES) return;
      machine = {
        who: m.who,
        host,
        peerPort: m.peerPort,
        revision: m.revision,
        pageCount: m.pageCount,
        pages: new Map(),
        lastSeenMs: 0,
      };
      this.machines.set(m.instanceId, machine);
    }
    if (machine.revision !== m.revision || machine.pageCount !== m.pageCount) {
      machine.revision = m.revision;
      machine.pageCount = m.pageCount;
      machine.pages.clear();
    }
    machine.who = m.who;
    machine.host = host;
    machine.peerPort = m.peerPort;
    machine.lastSeenMs = this.now();
    const before = JSON.stringify(machine.pages.get(m.page) ?? null);
    machine.pages.set(m.page, m.shares);
    if (before !== JSON.stringify(m.shares)) this.o.onChange();
  }

  /** Says goodbye (others drop our list at once) and closes the sockets. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.answerTimer) clearTimeout(this.answerTimer);
    if (this.timer) clearInterval(this.timer);
    if (this.o.shares() !== null) await this.send({ type: 'bye', instanceId: this.instanceId });
    this.closed = true;
    this.channel?.close();
  }
}
