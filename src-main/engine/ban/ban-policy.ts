/**
 * Which peers to ban (see NOTES.md). Pure bookkeeping with an injected clock.
 *
 * Rules (defaults in parentheses):
 * - Sole contributor: a peer that alone sent every block of `soleFailuresToBan` (2) pieces
 *   that failed their SHA-1 check is banned — a single failure can be our own fault (a
 *   flipped bit in RAM, a disk error), two from the same peer are not.
 * - Participation (libtorrent's trust points): every failed piece a peer sent blocks of
 *   costs it `failurePenalty` (2) points, every verified piece it helped with earns 1 point
 *   back, capped at `maxTrust` (8); at `banTrust` (-7) or below it is banned. So a peer
 *   that only ever shares failing pieces is banned after 4, while one that sends mostly
 *   good data survives a rare bad piece.
 * - Protocol abuse (`protocolAbuse(address, code)`): banned at once, with the code kept.
 * - Bans last `banDurationMs` (1 h), then the record is forgotten (a fresh start).
 *
 * `address` is whatever identifies a peer to the engine: its IP in the field (a banned
 * peer may reconnect from another port), ip:port where several honest peers share an IP
 * (loopback tests).
 */
export interface BanPolicyOptions {
  now?: () => number;
  soleFailuresToBan?: number;
  failurePenalty?: number;
  banTrust?: number;
  maxTrust?: number;
  banDurationMs?: number;
}

export type BanReason = 'hash-failures' | 'untrusted' | `protocol:${string}` | 'manual';

export interface BanEntry {
  address: string;
  reason: BanReason;
  bannedAtMs: number;
  untilMs: number;
}

interface PeerRecord {
  soleFailures: number;
  trust: number;
  ban: BanEntry | null;
}

export class BanPolicy {
  private readonly records = new Map<string, PeerRecord>();
  private readonly now: () => number;
  private readonly soleFailuresToBan: number;
  private readonly failurePenalty: number;
  private readonly banTrust: number;
  private readonly maxTrust: number;
  private readonly banDurationMs: number;

  constructor(o: BanPolicyOptions = {}) {
    this.now = o.now ?? Date.now;
    this.soleFailuresToBan = o.soleFailuresToBan ?? 2;
    this.failurePenalty = o.failurePenalty ?? 2;
    this.banTrust = o.banTrust ?? -7;
    this.maxTrust = o.maxTrust ?? 8;
    this.banDurationMs = o.banDurationMs ?? 60 * 60_000;
  }

  /**
   * A piece failed its hash check; `addresses` sent its blocks (BlockPicker.pieceFailed).
   * Returns the addresses banned by this failure (disconnect them).
   */
  pieceFailed(addresses: readonly string[]): string[] {
    const banned: string[] = [];
    const unique = [...new Set(addresses)];
    const sole = unique.length === 1;
    for (const address of unique) {
      const rec = this.record(address, true)!;
      if (rec.ban) continue;
      rec.trust -= this.failurePenalty;
      if (sole) rec.soleFailures++;
      if (sole && rec.soleFailures >= this.soleFailuresToBan) this.banRecord(address, rec, 'hash-failures');
      else if (rec.trust <= this.banTrust) this.banRecord(address, rec, 'untrusted');
      if (rec.ban) banned.push(address);
    }
    return banned;
  }

  /** A piece passed: its contributors earn trust back (only peers we already track). */
  pieceVerified(addresses: readonly string[]): void {
    for (const address of new Set(addresses)) {
      const rec = this.record(address, false);
      if (rec && !rec.ban) rec.trust = Math.min(this.maxTrust, rec.trust + 1);
    }
  }

  /** The peer broke the protocol in a way no honest client does; `code` says how. */
  protocolAbuse(address: string, code: string): BanEntry {
    const rec = this.record(address, true)!;
    return this.banRecord(address, rec, `protocol:${code}`);
  }

  ban(address: string, reason: BanReason = 'manual'): BanEntry {
    return this.banRecord(address, this.record(address, true)!, reason);
  }

  unban(address: string): void {
    this.records.delete(address);
  }

  isBanned(address: string): boolean {
    return this.record(address, false)?.ban != null;
  }

  banOf(address: string): BanEntry | null {
    return this.record(address, false)?.ban ?? null;
  }

  /** Bans in force, oldest first (for the UI and resume data). */
  bans(): BanEntry[] {
    this.prune();
    const out: BanEntry[] = [];
    for (const rec of this.records.values()) if (rec.ban) out.push(rec.ban);
    return out.sort((a, b) => a.bannedAtMs - b.bannedAtMs);
  }

  /** Peers with a record (a ban, strikes or a trust balance). */
  get trackedPeers(): number {
    return this.records.size;
  }

  /** Drop expired bans and records of peers back in good standing (bounds memory). */
  prune(): void {
    for (const address of [...this.records.keys()]) {
      const rec = this.record(address, false);
      if (rec && !rec.ban && rec.soleFailures === 0 && rec.trust >= 0) this.records.delete(address);
    }
  }

  /** The record, after expiring its ban; created when `create`. */
  private record(address: string, create: boolean): PeerRecord | undefined {
    let rec = this.records.get(address);
    if (rec?.ban && rec.ban.untilMs <= this.now()) {
      this.records.delete(address); // served its time: a fresh start
      rec = undefined;
    }
    if (!rec && create) {
      rec = { soleFailures: 0, trust: 0, ban: null };
      this.records.set(address, rec);
    }
    return rec;
  }

  private banRecord(address: string, rec: PeerRecord, reason: BanReason): BanEntry {
    const nowMs = this.now();
    rec.ban = { address, reason, bannedAtMs: nowMs, untilMs: nowMs + this.banDurationMs };
    return rec.ban;
  }
}
