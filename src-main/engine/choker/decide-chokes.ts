/**
 * Who we upload to (see NOTES.md). Pure: the engine passes a snapshot of its peers and
 * the current optimistic unchoke every `RECHOKE_INTERVAL_MS` (and may call it early, e.g.
 * when a peer becomes interested while a slot is free — the optimistic rotation only
 * advances with the clock, so extra calls do not rotate faster).
 */
export const RECHOKE_INTERVAL_MS = 10_000;
export const OPTIMISTIC_INTERVAL_MS = 30_000;
/** Mainline (BitTorrent specification, choking): new peers are 3× as likely to get the optimistic slot. */
export const NEW_PEER_WEIGHT = 3;

export interface ChokerPeer {
  id: string;
  /** The peer wants data from us (BEP 3 interested). */
  interested: boolean;
  /** Rate at which this peer uploads to us (tit-for-tat while leeching). */
  downloadRateBps: number;
  /** Rate at which we upload to it (seeding: "fastest upload", as libtorrent). */
  uploadRateBps: number;
  /** From the picker: held our requests and sent nothing (no regular slot while leeching). */
  snubbed: boolean;
  /** When the connection was established (new peers are favoured for the optimistic slot). */
  connectedAtMs: number;
  /** We unchoke it now: ties keep the current set, so slots do not flap. */
  unchoked: boolean;
}

export interface ChokerInput {
  peers: readonly ChokerPeer[];
  /** We have every piece: rank by our upload rate to them instead of theirs to us. */
  seeding: boolean;
  /** Unchoked peers including the optimistic one; Infinity = unchoke every interested peer. */
  uploadSlots: number;
  optimistic: { peerId: string; sinceMs: number } | null;
  optimisticIntervalMs?: number;
  /** A peer connected less than this long ago counts as new (default 2 optimistic periods). */
  newPeerMs?: number;
}

export interface ChokerDecision {
  /** Every peer to unchoke (regular slots plus the optimistic one); choke all others. */
  unchoke: Set<string>;
  /** Pass back as `input.optimistic` next time. */
  optimistic: { peerId: string; sinceMs: number } | null;
}

export function decideChokes(input: ChokerInput, nowMs: number, random: () => number): ChokerDecision {
  const slots = Math.max(0, input.uploadSlots);
  const interested = input.peers.filter((p) => p.interested);
  const unchoke = new Set<string>();
  if (slots === Infinity) {
    for (const p of interested) unchoke.add(p.id);
    return { unchoke, optimistic: null };
  }
  // One slot is the optimistic one (when there are at least two slots).
  const regularSlots = slots >= 2 ? slots - 1 : slots;
  const rate = input.seeding ? (p: ChokerPeer) => p.uploadRateBps : (p: ChokerPeer) => p.downloadRateBps;
  // Rank once with a random key per peer so equal rates are broken at random, not by id.
  // Snubbed peers (nothing sent for 60 s) earn no regular slot; seeding, nobody sends to us.
  const ranked = interested
    .filter((p) => input.seeding || !p.snubbed)
    .map((p) => ({ p, rate: rate(p), tie: random() }))
    .sort((a, b) => b.rate - a.rate || Number(b.p.unchoked) - Number(a.p.unchoked) || a.tie - b.tie);
  for (const { p } of ranked.slice(0, regularSlots)) unchoke.add(p.id);
  if (slots - unchoke.size <= 0) return { unchoke, optimistic: null };

  // Optimistic unchoke: keep the current one for its period unless it left, lost interest
  // or earned a regular slot; otherwise draw a new one among the still-choked.
  const intervalMs = input.optimisticIntervalMs ?? OPTIMISTIC_INTERVAL_MS;
  const cur = input.optimistic;
  if (cur && nowMs - cur.sinceMs < intervalMs && !unchoke.has(cur.peerId)) {
    if (interested.some((p) => p.id === cur.peerId)) {
      unchoke.add(cur.peerId);
      return { unchoke, optimistic: cur };
    }
  }
  const candidates = interested.filter((p) => !unchoke.has(p.id));
  // Snubbed peers only when nobody else is waiting; the current holder only when alone.
  let pool = candidates.filter((p) => (input.seeding || !p.snubbed) && p.id !== cur?.peerId);
  if (pool.length === 0) pool = candidates.filter((p) => p.id !== cur?.peerId);
  if (pool.length === 0) pool = candidates;
  const chosen = weightedPick(pool, nowMs, input.newPeerMs ?? 2 * intervalMs, random);
  if (!chosen) return { unchoke, optimistic: null };
  unchoke.add(chosen.id);
  return { unchoke, optimistic: { peerId: chosen.id, sinceMs: nowMs } };
}

function weightedPick(
  pool: readonly ChokerPeer[],
  nowMs: number,
  newPeerMs: number,
  random: () => number,
): ChokerPeer | undefined {
  if (pool.length === 0) return undefined;
  const weight = (p: ChokerPeer) => (nowMs - p.connectedAtMs < newPeerMs ? NEW_PEER_WEIGHT : 1);
  let total = 0;
  for (const p of pool) total += weight(p);
  let r = random() * total;
  for (const p of pool) {
    r -= weight(p);
    if (r < 0) return p;
  }
  return pool[pool.length - 1];
}
