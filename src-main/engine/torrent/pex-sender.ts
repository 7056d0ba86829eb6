// BEP 11 sending side: what each peer is told about the torrent's other peers. Every
// recipient gets the peers it has not heard of from us yet (`added`, with `added.f`
// flags) and the ones we told it about that are gone (`dropped`), at most one message per
// interval and at most `maxEntries` per list — the limits libtorrent applies (one message
// a minute, 50 added / 50 dropped). Entries over the cap wait for the next message. Pure:
// the caller says who is connected, what time it is, and sends the message.
import { isLoopbackIp } from '../../protocol/ip-address.ts';
import type { PeerAddress } from '../../protocol/udp-tracker/compact-peers.ts';
import type { PexMessage, PexPeer } from '../../protocol/wire/ut-pex.ts';

export const PEX_INTERVAL_MS = 60_000;
export const MAX_PEX_ENTRIES = 50;

/** A connected peer others may dial: its listen address and BEP 11 flags. */
export type PexEntry = PexPeer;

const keyOf = (p: PeerAddress) => (p.host.includes(':') ? `[${p.host}]:${p.port}` : `${p.host}:${p.port}`);

interface RecipientState {
  /** When the last message went out. */
  lastSentAtMs: number;
  /** The addresses this recipient was told about and not told were dropped, by key. */
  told: Map<string, PeerAddress>;
}

export class PexSender {
  private readonly recipients = new Map<string, RecipientState>();

  constructor(
    private readonly intervalMs = PEX_INTERVAL_MS,
    private readonly maxEntries = MAX_PEX_ENTRIES,
  ) {}

  /** Whether `recipientId` may be sent a message at `nowMs` (none yet, or the interval passed). */
  isDue(recipientId: string, nowMs: number): boolean {
    const state = this.recipients.get(recipientId);
    return state === undefined || nowMs - state.lastSentAtMs >= this.intervalMs;
  }

  /**
   * The message for `recipientId` now, or null when it is not due or nothing changed for
   * it. `connected` is every peer others could dial. Left out: the recipient itself (its
   * listen address, when known) and, for a recipient that is not on this machine, loopback
   * addresses, which would name the recipient's own machine. Returning a message records
   * it as sent: call only when it will go out.
   */
  next(
    recipientId: string,
    recipient: { host: string; listenPort: number | null },
    connected: readonly PexEntry[],
    nowMs: number,
  ): PexMessage | null {
    if (!this.isDue(recipientId, nowMs)) return null;
    const state = this.recipients.get(recipientId) ?? { lastSentAtMs: 0, told: new Map() };
    const self = recipient.listenPort ? keyOf({ host: recipient.host, port: recipient.listenPort }) : null;
    const remote = !isLoopback(recipient.host);
    const current = new Map<string, PexEntry>();
    for (const p of connected) {
      const key = keyOf(p);
      if (key !== self && !(remote && isLoopback(p.host))) current.set(key, p);
    }
    const added: PexPeer[] = [];
    for (const [key, p] of current) {
      if (added.length >= this.maxEntries) break;
      if (!state.told.has(key)) added.push({ host: p.host, port: p.port, flags: p.flags });
    }
    const dropped: PeerAddress[] = [];
    for (const [key, p] of state.told) {
      if (dropped.length >= this.maxEntries) break;
      if (!current.has(key)) dropped.push({ host: p.host, port: p.port });
    }
    if (added.length === 0 && dropped.length === 0) return null;
    for (const p of added) state.told.set(keyOf(p), { host: p.host, port: p.port });
    for (const p of dropped) state.told.delete(keyOf(p));
    state.lastSentAtMs = nowMs;
    this.recipients.set(recipientId, state);
    return { added, dropped };
  }

  /** The recipient disconnected: a new connection starts from nothing. */
  forget(recipientId: string): void {
    this.recipients.delete(recipientId);
  }
}

function isLoopback(host: string): boolean {
  try {
    return isLoopbackIp(host);
  } catch {
    return false; // not an IP literal
  }
}
