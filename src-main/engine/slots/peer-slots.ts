/**
 * Who may hold one of a torrent's connection slots (see NOTES.md). Pure: the engine
 * passes a snapshot of its peers and the time; nothing here reads a clock or a socket.
 *
 * - `admitPeer`: an incoming connection finished its handshake. Refused when its address
 *   already holds `maxPerIp` slots; admitted while there is room; when the torrent is
 *   full it evicts the least useful idle peer, or takes one of `overflowSlots` on
 *   probation, or is refused.
 * - `peersToDrop`: periodic. Peers that never became useful within `neverUsefulMs` (once
 *   the torrent is half full: only then are slots worth freeing), peers useless for
 *   `inactiveMs`, and idle peers beyond `maxPeers` (the overflow given back).
 *
 * A peer is useful while it is interested in us or we in it, and whenever payload
 * (blocks or metadata pieces) moves either way; `lastUsefulAtMs` is the last moment it was.
 */

export interface SlotPeer {
  id: string;
  /** Remote IP, normalised (IPv4-mapped IPv6 as IPv4). */
  host: string;
  connectedAtMs: number;
  /** Last time the peer was useful (interest either way, payload either way); null: never. */
  lastUsefulAtMs: number | null;
  /** Interested in us, or we in it, right now: never evicted or dropped. */
  interested: boolean;
}

export interface SlotPolicy {
  /** Connection slots of the torrent. */
  maxPeers: number;
  /** Connections from one IP address. */
  maxPerIp: number;
  /** Newcomers admitted past `maxPeers` when no one can be evicted yet. */
  overflowSlots: number;
  /** A useless peer idle this long may be evicted by a newcomer when the torrent is full. */
  evictIdleMs: number;
  /** A peer that was never useful is dropped after this long once the torrent is half full. */
  neverUsefulMs: number;
  /** A peer useless for this long is dropped, full or not (libtorrent's inactivity_timeout). */
  inactiveMs: number;
}

/** Defaults for a torrent of `maxPeers` slots; the reasons are in NOTES.md. */
export function defaultSlotPolicy(maxPeers: number, maxPerIp = DEFAULT_MAX_PER_IP): SlotPolicy {
  return {
    maxPeers,
    maxPerIp,
    overflowSlots: Math.max(2, Math.ceil(maxPeers / 10)),
    evictIdleMs: 5_000,
    neverUsefulMs: 60_000,
    inactiveMs: 10 * 60_000,
  };
}

export const DEFAULT_MAX_PER_IP = 8;

export type AdmitDecision =
  { admit: true; evict: string | null } | { admit: false; reason: 'per-ip-limit' | 'full' };

export type DropReason = 'never-useful' | 'inactive' | 'over-limit';

/** How long the peer has been useless (since connecting when it never was useful). */
function idleMs(p: SlotPeer, nowMs: number): number {
  return nowMs - (p.lastUsefulAtMs ?? p.connectedAtMs);
}

/**
 * Least useful first: peers that never were useful before peers that once were, then the
 * longest idle, then the oldest connection (stable ids break the last tie).
 */
function lessUseful(a: SlotPeer, b: SlotPeer, nowMs: number): number {
  const neverA = a.lastUsefulAtMs === null ? 0 : 1;
  const neverB = b.lastUsefulAtMs === null ? 0 : 1;
  if (neverA !== neverB) return neverA - neverB;
  const idle = idleMs(b, nowMs) - idleMs(a, nowMs);
  if (idle !== 0) return idle;
  if (a.connectedAtMs !== b.connectedAtMs) return a.connectedAtMs - b.connectedAtMs;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Peers a newcomer may displace, least useful first. */
export function evictionOrder(peers: readonly SlotPeer[], nowMs: number, policy: SlotPolicy): SlotPeer[] {
  return peers
    .filter((p) => !p.interested && idleMs(p, nowMs) >= policy.evictIdleMs)
    .sort((a, b) => lessUseful(a, b, nowMs));
}

export function admitPeer(
  peers: readonly SlotPeer[],
  newcomerHost: string,
  nowMs: number,
  policy: SlotPolicy,
): AdmitDecision {
  let sameHost = 0;
  for (const p of peers) if (p.host === newcomerHost) sameHost++;
  if (sameHost >= policy.maxPerIp) return { admit: false, reason: 'per-ip-limit' };
  if (peers.length < policy.maxPeers) return { admit: true, evict: null };
  const victim = evictionOrder(peers, nowMs, policy)[0];
  if (victim) return { admit: true, evict: victim.id };
  if (peers.length < policy.maxPeers + policy.overflowSlots) return { admit: true, evict: null };
  return { admit: false, reason: 'full' };
}

export function peersToDrop(
  peers: readonly SlotPeer[],
  nowMs: number,
  policy: SlotPolicy,
): { id: string; reason: DropReason }[] {
  const drops: { id: string; reason: DropReason }[] = [];
  const kept: SlotPeer[] = [];
  const halfFull = peers.length * 2 >= policy.maxPeers;
  for (const p of peers) {
    if (
      halfFull &&
      !p.interested &&
      p.lastUsefulAtMs === null &&
      nowMs - p.connectedAtMs >= policy.neverUsefulMs
    )
      drops.push({ id: p.id, reason: 'never-useful' });
    else if (!p.interested && p.lastUsefulAtMs !== null && nowMs - p.lastUsefulAtMs >= policy.inactiveMs)
      drops.push({ id: p.id, reason: 'inactive' });
    else kept.push(p);
  }
  const excess = kept.length - policy.maxPeers;
  if (excess > 0) {
    for (const p of evictionOrder(kept, nowMs, policy).slice(0, excess))
      drops.push({ id: p.id, reason: 'over-limit' });
  }
  return drops;
}
