// Parses a .torrent file (BEP 3 metainfo, BEP 12 announce-list, BEP 19 url-list). The info-hash is SHA-1
// over the info dict's bytes exactly as they appear in the file: we locate that span with a
// strict scan instead of re-encoding, so non-canonical torrents keep their true hash.
import { asDict, bdecode, type BDict, type BValue } from '../bencode.ts';
import { ProtocolError } from '../protocol-error.ts';
import { findTopLevelValue } from '../bencode-scan.ts';
import { MAX_TORRENT_FILE_BYTES, type Metainfo } from './metainfo-types.ts';
import { metainfoFromInfo, sha1, type MetainfoExtras } from './parse-info-dict.ts';

const utf8 = new TextDecoder('utf-8');

export function parseTorrent(bytes: Uint8Array): Metainfo {
  if (bytes.length > MAX_TORRENT_FILE_BYTES) {
    throw new ProtocolError(
      'too-large',
      `.torrent of ${bytes.length} bytes exceeds ${MAX_TORRENT_FILE_BYTES}`,
    );
  }
  if (bytes.length === 0) throw new ProtocolError('truncated', 'empty .torrent file');
  // The raw span of the first `info` value: the bytes the info-hash covers.
  const span = findTopLevelValue(bytes, 'info');
  const root = asDict(bdecode(bytes, { maxLengthBytes: MAX_TORRENT_FILE_BYTES }), 'metainfo');
  if (!span) throw new ProtocolError('bad-value', 'metainfo has no "info" dictionary');
  const info = asDict(root.info, 'info');
  // A plain copy: Buffer#slice would be a view that keeps the whole file alive.
  const infoBytes = new Uint8Array(bytes.subarray(span.start, span.end));
  return metainfoFromInfo(info, infoBytes, sha1(infoBytes), extrasOf(root));
}

function extrasOf(root: BDict): MetainfoExtras {
  const extras: MetainfoExtras = { announceList: parseAnnounceList(root) };
  // Cosmetic fields: a wrong type is ignored rather than refusing an otherwise good torrent.
  const comment = optionalText(root, 'comment');
  if (comment !== undefined) extras.comment = comment;
  const createdBy = optionalText(root, 'created by');
  if (createdBy !== undefined) extras.createdBy = createdBy;
  const date = root['creation date'];
  if (typeof date === 'number' && Number.isSafeInteger(date)) extras.creationDate = date;
  const webSeeds = parseUrlList(root);
  if (webSeeds.length > 0) extras.webSeeds = webSeeds;
  return extras;
}

/** Most web seeds kept from one .torrent (they are only listed, never fetched from today). */
const MAX_WEB_SEEDS = 64;

/**
 * BEP 19: `url-list` is one URL or a list of them. Only http(s) URLs are kept, without
 * duplicates; anything else is ignored like the other optional fields.
 */
function parseUrlList(root: BDict): string[] {
  const value = root['url-list'];
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const urls: string[] = [];
  for (const item of items) {
    if (!(item instanceof Uint8Array)) continue;
    const text = utf8.decode(item).trim();
    if (/^https?:\/\/\S+$/i.test(text) && !urls.includes(text)) urls.push(text);
    if (urls.length === MAX_WEB_SEEDS) break;
  }
  return urls;
}

/**
 * BEP 12: when `announce-list` is present it replaces `announce`; it is a list of tiers,
 * each a list of URLs. Empty URLs and tiers are dropped, duplicates removed; a bare
 * `announce` becomes the single tier.
 */
function parseAnnounceList(root: BDict): string[][] {
  const seen = new Set<string>();
  const tiers: string[][] = [];
  const list = root['announce-list'];
  if (Array.isArray(list)) {
    for (const tierValue of list) {
      if (!Array.isArray(tierValue)) continue;
      const tier: string[] = [];
      for (const url of tierValue) {
        const text = url instanceof Uint8Array ? utf8.decode(url).trim() : '';
        if (text && !seen.has(text)) {
          seen.add(text);
          tier.push(text);
        }
      }
      if (tier.length > 0) tiers.push(tier);
    }
  }
  if (tiers.length === 0) {
    const announce = optionalText(root, 'announce')?.trim();
    if (announce) tiers.push([announce]);
  }
  return tiers;
}

function optionalText(dict: BDict, key: string): string | undefined {
  const value: BValue | undefined = dict[`${key}.utf-8`] ?? dict[key];
  return value instanceof Uint8Array ? utf8.decode(value) : undefined;
}

// BEP 9 metadata from peers is parsed with the same rules.
export { parseInfoDict } from './parse-info-dict.ts';
