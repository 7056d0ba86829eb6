/**
 * The share dialog's Options (and a share's name) as the service takes them from the
 * contract: every field checked, each problem named by its own error code, and what passes
 * turned into the engine's ShareOptions. Trackers given here come after the app's own, which
 * the catalog and the peers of this app need.
 */
import type { z } from 'zod';
import { ContractError, ERROR_WORDING, type ErrorCode } from '../../src-shared/contract/error-codes.ts';
import type { shareOptionsSchema } from '../../src-shared/contract/schemas.ts';
import type { ShareOptions } from '../engine/session-api.ts';
import { MAX_PIECE_LENGTH_BYTES, MIN_PIECE_LENGTH_BYTES } from '../protocol/metainfo/metainfo-types.ts';
import { pathComponentProblem } from '../protocol/metainfo/sanitize-path.ts';

export type ShareOptionsRequest = z.infer<typeof shareOptionsSchema>;

/** Longest comment kept in a .torrent made here (the CLI takes what it is given). */
export const MAX_COMMENT_CHARS = 4096;
const MAX_URL_CHARS = 2048;
const MAX_TRACKERS = 64;
const MAX_WEB_SEEDS = 16;

const fail = (code: ErrorCode, detail: string) => new ContractError(code, ERROR_WORDING[code], detail);

/** The name for a share of `pathCount` paths: required for several, checked as one path component. */
export function checkShareName(name: string | undefined, pathCount: number): string | undefined {
  const trimmed = name?.trim();
  if (!trimmed) {
    if (pathCount > 1) throw fail('share-name-required', `${pathCount} paths and no name`);
    return undefined;
  }
  const problem = pathComponentProblem(trimmed);
  if (problem) throw fail('share-bad-name', `name ${JSON.stringify(trimmed.slice(0, 300))} has ${problem}`);
  return trimmed;
}

/** The engine's ShareOptions for a request's options, on top of the app's `trackers`. */
export function toShareOptions(
  request: ShareOptionsRequest | undefined,
  appTrackers: string[],
): ShareOptions {
  const o = request ?? {};
  const options: ShareOptions = { trackers: [...appTrackers] };
  if (o.pieceLengthBytes !== undefined) {
    const n = o.pieceLengthBytes;
    const powerOfTwo = Number.isSafeInteger(n) && n > 0 && (n & (n - 1)) === 0;
    if (!powerOfTwo || n < MIN_PIECE_LENGTH_BYTES || n > MAX_PIECE_LENGTH_BYTES)
      throw fail('bad-piece-size', `piece size ${n}`);
    options.pieceLengthBytes = n;
  }
  if (o.private) options.private = true;
  const comment = o.comment?.trim();
  if (comment) {
    if (comment.length > MAX_COMMENT_CHARS)
      throw fail('comment-too-long', `${comment.length} characters (at most ${MAX_COMMENT_CHARS})`);
    options.comment = comment;
  }
  const trackers = cleanList(o.trackers);
  if (trackers.length > MAX_TRACKERS)
    throw fail('bad-tracker-url', `${trackers.length} trackers (at most ${MAX_TRACKERS})`);
  for (const url of trackers) {
    if (!isUrl(url, ['udp:', 'http:', 'https:'], true)) throw fail('bad-tracker-url', url.slice(0, 300));
    if (!options.trackers!.includes(url)) options.trackers!.push(url);
  }
  const webSeeds = cleanList(o.webSeeds);
  if (webSeeds.length > MAX_WEB_SEEDS)
    throw fail('bad-web-seed', `${webSeeds.length} web seeds (at most ${MAX_WEB_SEEDS})`);
  for (const url of webSeeds) {
    if (!isUrl(url, ['http:', 'https:'], false)) throw fail('bad-web-seed', url.slice(0, 300));
  }
  if (webSeeds.length > 0) options.webSeeds = [...new Set(webSeeds)];
  return options;
}

/** Trimmed, without empty entries (a text area's blank lines). */
function cleanList(list: readonly string[] | undefined): string[] {
  return (list ?? []).map((s) => s.trim()).filter((s) => s.length > 0);
}

function isUrl(text: string, schemes: readonly string[], needsPort: boolean): boolean {
  if (text.length > MAX_URL_CHARS || /\s/.test(text)) return false;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (!schemes.includes(url.protocol) || url.hostname === '') return false;
  // A UDP tracker has no default port to fall back on.
  return !(needsPort && url.protocol === 'udp:' && url.port === '');
}
