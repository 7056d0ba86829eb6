/**
 * A .torrent around an info dict we only have raw (metadata from peers, BEP 9): the
 * info bytes are copied verbatim, so the file hashes to the same info-hash. Keys in
 * sorted order as BEP 3 requires: announce, announce-list, info.
 */
export function torrentFileFromInfo(infoBytes: Uint8Array, announceList: string[][]): Uint8Array {
  const enc = new TextEncoder();
  const str = (s: string) => {
    const b = enc.encode(s);
    return `${b.length}:${s}`;
  };
  let head = 'd';
  const first = announceList[0]?.[0];
  if (first) head += `8:announce${str(first)}`;
  if (announceList.flat().length > 1) {
    head += `13:announce-listl${announceList.map((tier) => `l${tier.map(str).join('')}e`).join('')}e`;
  }
  head += '4:info';
  const a = enc.encode(head);
  const out = new Uint8Array(a.length + infoBytes.length + 1);
  out.set(a, 0);
  out.set(infoBytes, a.length);
  out[out.length - 1] = 0x65; // 'e'
  return out;
}

/** BEP 12 tiers: the metainfo's, then each extra URL not already listed as its own tier. */
export function announceTiers(
  metainfoTiers: readonly (readonly string[])[],
  extra: readonly string[],
): string[][] {
  const tiers = metainfoTiers.map((t) => [...t]);
  const seen = new Set(tiers.flat());
  for (const url of extra) {
    if (seen.has(url)) continue;
    seen.add(url);
    tiers.push([url]);
  }
  return tiers;
}

/**
 * Two tier lists as one (BEP 12): `first`'s tiers, then `second`'s with the URLs already
 * listed left out (a tier left empty is dropped). Restores saved tiers next to a metainfo's.
 */
export function mergeTiers(
  first: readonly (readonly string[])[],
  second: readonly (readonly string[])[],
): string[][] {
  const tiers = first.map((t) => [...t]);
  const seen = new Set(tiers.flat());
  for (const tier of second) {
    const fresh = tier.filter((url) => !seen.has(url));
    fresh.forEach((url) => seen.add(url));
    if (fresh.length > 0) tiers.push(fresh);
  }
  return tiers;
}
