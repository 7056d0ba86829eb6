/**
 * Engine snapshots → contract values, and engine/system errors → contract error codes.
 * The contract declares its own types (it may not import the engine), so the
 * assignments below are checked with `satisfies`: if G changes a snapshot field, this
 * file stops compiling instead of the UI silently showing undefined.
 */
import type * as Engine from '../engine/session-api.ts';
import type * as Ui from '../../src-shared/types/torrent.ts';
import { ContractError, ERROR_WORDING, type ErrorCode } from '../../src-shared/contract/error-codes.ts';

export function toSummary(s: Engine.TorrentSummary): Ui.TorrentSummary {
  return s satisfies Ui.TorrentSummary;
}

/** `events`: the service's recent warnings for this torrent (TorrentEvents). */
export function toDetail(d: Engine.EngineTorrentDetail, events: Ui.TorrentEvent[] = []): Ui.TorrentDetail {
  const { pieceSources: _dropped, ...pieces } = d.pieces;
  return {
    ...d,
    events,
    summary: toSummary(d.summary),
    files: d.files satisfies Ui.FileDetail[],
    peers: d.peers satisfies Ui.PeerDetail[],
    trackers: d.trackers satisfies Ui.TrackerDetail[],
    pieces: {
      ...pieces,
      sourcesBase64: encodePieceSources(d.pieces.pieceSources, d.pieces.sourcePeers.length),
    },
  } satisfies Ui.TorrentDetail;
}

/**
 * One byte per piece: 0 = unknown, k = sourcePeers[k-1]. 50 000 pieces cost 67 KB of
 * base64 instead of ~150 KB of JSON numbers. Past 255 source peers the rest share 255.
 */
export function encodePieceSources(sources: readonly number[], sourceCount: number): string {
  const bytes = Buffer.alloc(sources.length);
  const cap = Math.min(sourceCount, 255);
  for (let i = 0; i < sources.length; i++) {
    const s = sources[i]!;
    bytes[i] = s < 0 ? 0 : Math.min(s + 1, cap);
  }
  return bytes.toString('base64');
}

type Context = 'magnet' | 'torrent-file' | 'info-hash' | 'share' | 'settings' | 'tracker' | 'general';

const PROTOCOL_CODES = new Set([
  'truncated',
  'too-large',
  'bad-type',
  'bad-value',
  'bad-path',
  'unknown-message',
  'bad-magnet',
  'bad-torrent',
]);

/** Maps any thrown value to a ContractError in user words; the original text becomes `detail`. */
export function toContractError(err: unknown, context: Context = 'general'): ContractError {
  if (err instanceof ContractError) return err;
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
  const detail = err instanceof Error ? err.message : String(err);
  const as = (c: ErrorCode) => new ContractError(c, ERROR_WORDING[c], detail);
  switch (code) {
    case 'EADDRINUSE':
    case 'port-in-use':
      return as('port-in-use');
    case 'ENOSPC':
    case 'EDQUOT':
    case 'no-space':
      return as('disk-full');
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return as('permission-denied');
    case 'ENOENT':
      return as('file-not-found');
    case 'unknown-torrent':
      return as('unknown-torrent');
    case 'no-metadata':
      return as('no-metadata');
    case 'bad-request':
      return as('bad-request');
    case 'duplicate-torrent':
    case 'already-added':
    case 'duplicate':
      return as('duplicate-torrent');
    // createTorrent's and the engine's answers to a share of several paths.
    case 'name-required':
      return as('share-name-required');
    case 'name-clash':
      return as('share-name-clash');
    case 'not-found':
      if (context === 'share') return as('file-not-found');
      break;
    case 'bad-name':
      if (context === 'share') return as('share-bad-name');
      break;
    case 'tracker-failed':
    case 'tracker-timeout':
    case 'ETIMEDOUT':
    case 'ECONNREFUSED':
    case 'EHOSTUNREACH':
      return as('tracker-unreachable');
  }
  if (PROTOCOL_CODES.has(code) || code.startsWith('bad-')) {
    if (context === 'magnet') return as('bad-magnet');
    if (context === 'torrent-file') return as('bad-torrent');
    if (context === 'info-hash') return as('bad-info-hash');
  }
  return new ContractError('internal', ERROR_WORDING.internal, code ? `${code}: ${detail}` : detail);
}
