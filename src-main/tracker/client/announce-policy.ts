/**
 * BEP 12 announce-list rules as pure functions (randomness injected):
 *  - the tiers are tried in order, and within a tier the trackers in order;
 *  - "the tracker list in each tier [is] shuffled" once, when the torrent is loaded;
 *  - a tracker that answers "is moved to the front of its tier", so the next announce
 *    goes to it first.
 * Plus the back-off when every tracker failed.
 */

/** Tiers with duplicates and empty tiers removed, each tier shuffled (Fisher–Yates). */
export function shuffleTiers(tiers: readonly (readonly string[])[], random: () => number): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const tier of tiers) {
    const urls = tier.filter((u) => u !== '' && !seen.has(u) && (seen.add(u), true));
    for (let i = urls.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [urls[i], urls[j]] = [urls[j] as string, urls[i] as string];
    }
    if (urls.length > 0) out.push(urls);
  }
  return out;
}

/** Moves `url` to the front of its tier; other tiers and the order of the rest unchanged. */
export function promote(tiers: readonly (readonly string[])[], url: string): string[][] {
  return tiers.map((tier) => (tier.includes(url) ? [url, ...tier.filter((u) => u !== url)] : [...tier]));
}

/** Every tracker in the order one announce round tries them. */
export function announceOrder(tiers: readonly (readonly string[])[]): { url: string; tier: number }[] {
  return tiers.flatMap((tier, i) => tier.map((url) => ({ url, tier: i })));
}

/** Delay before the next round after `failures` (≥1) rounds in a row had no answer. */
export function retryDelayMs(failures: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
}
