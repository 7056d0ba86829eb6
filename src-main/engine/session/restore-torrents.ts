import { parseInfoDict } from '../../protocol/metainfo/parse-info-dict.ts';
import type { Metainfo } from '../../protocol/metainfo/metainfo-types.ts';
import { parseTorrent } from '../../protocol/metainfo/parse-torrent.ts';
import type { ResumeRecord } from '../resume/resume-record.ts';
import type { ResumeStore } from '../resume/resume-store.ts';
import { isVersionedDataError } from '../resume/versioned-json-store.ts';
import type { SessionHost } from './session-host.ts';

/**
 * Records read (and their metadata parsed) in parallel per batch; each batch is registered
 * and its files checked before the next is read. That bounds the file-system work queued
 * at any moment (Node's few I/O threads serve everything in order, so a thousand queued
 * stats would hold up the host's own start, such as reading its web token), lets the
 * first torrents seed while the last are still on disk, and moves progress in steps a user
 * can follow.
 */
const BATCH = 32;

interface Loaded {
  record: ResumeRecord;
  metainfo: Metainfo | null;
  torrentBytes: Uint8Array | null;
}

/**
 * Brings back the torrents of the last run from resume data. Verified pieces are
 * trusted where the files' size and mtime are unchanged (no payload re-hash); a record
 * that cannot be read costs a full re-check of that torrent, never the session.
 * `onProgress(restored, total)` follows every batch; `signal` (the session closing) stops
 * it between batches.
 */
export async function restoreTorrents(
  session: SessionHost,
  store: ResumeStore,
  onProgress: (restored: number, total: number) => void = () => undefined,
  signal?: AbortSignal,
): Promise<void> {
  const ids = await store.keys();
  onProgress(0, ids.length);
  for (let at = 0; at < ids.length; at += BATCH) {
    if (signal?.aborted) return;
    const batch = await Promise.all(ids.slice(at, at + BATCH).map((id) => loadOne(session, store, id)));
    if (signal?.aborted) return;
    const starting: Promise<void>[] = [];
    for (const loaded of batch) {
      if (!loaded || session.has(loaded.record.infoHashHex)) continue;
      const { record, metainfo, torrentBytes } = loaded;
      const torrent = session.register({
        infoHash: Buffer.from(record.infoHashHex, 'hex'),
        infoHashHex: record.infoHashHex,
        metainfo,
        torrentBytes,
        displayName: record.name,
        extraTrackers: [],
        savePath: record.savePath,
        ...(record.roots ? { roots: record.roots } : {}),
        record,
        paused: record.state === 'paused',
      });
      starting.push(torrent.started());
    }
    await Promise.all(starting);
    // A turn for whatever else waits (the host's first requests while its UI loads).
    await new Promise((resolve) => setImmediate(resolve));
    onProgress(Math.min(ids.length, at + BATCH), ids.length);
  }
}

/** One torrent's record and metadata; undefined (and a warning) when the record is unusable. */
async function loadOne(session: SessionHost, store: ResumeStore, id: string): Promise<Loaded | undefined> {
  let record: ResumeRecord | undefined;
  try {
    record = await store.load(id);
  } catch (err) {
    const code = isVersionedDataError(err) ? err.code : 'io-error';
    session.ctx.warning({
      code: 'resume-unreadable',
      message: `resume data of ${id} unusable (${code}): ${err instanceof Error ? err.message : String(err)}`,
      torrentId: id,
    });
    return undefined;
  }
  if (!record) return undefined; // removed since the folder was listed
  let metainfo: Metainfo | null = null;
  let torrentBytes: Uint8Array | null = null;
  try {
    const stored = await store.loadMetadata(id);
    if (stored?.kind === 'torrent') {
      metainfo = parseTorrent(stored.bytes);
      torrentBytes = stored.bytes;
    } else if (stored?.kind === 'info') {
      metainfo = parseInfoDict(stored.bytes, { expectedInfoHash: Buffer.from(id, 'hex') });
    }
  } catch (err) {
    session.ctx.warning({ code: 'resume-metadata-unreadable', message: String(err), torrentId: id });
  }
  return { record, metainfo, torrentBytes };
}
