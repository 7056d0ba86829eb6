/**
 * What is wrong with a magnet link the user typed, as an error code with its own words
 * (contract/error-codes.ts), before the engine parses it. The engine's parser is the
 * authority; this only tells the user which part to fix. Pure, shared by both sides.
 */
export type MagnetProblem = 'bad-magnet' | 'magnet-no-info-hash' | 'magnet-bad-info-hash';

export function magnetProblem(uri: string): MagnetProblem | null {
  const text = uri.trim();
  if (!/^magnet:\?/i.test(text)) return 'bad-magnet';
  const xt = /[?&]xt=urn:btih:([^&]*)/i.exec(text);
  if (!xt) return 'magnet-no-info-hash';
  return /^([0-9a-f]{40}|[a-z2-7]{32})$/i.test(xt[1]!) ? null : 'magnet-bad-info-hash';
}
