import { parseInfoDict } from '../../protocol/metainfo/parse-info-dict.ts';
import type { Metainfo } from '../../protocol/metainfo/metainfo-types.ts';
import { parseTorrent } from '../../protocol/metainfo/parse-torrent.ts';
import type { ResumeStore } from '../resume/resume-store.ts';
import type { SessionHost } from './session-host.ts';

/**
 * Brings back the torrents of the last run from resume data. Verified pieces are
 * trusted where the files' size and mtime are unchanged (no payload re-hash); a record
 * that cannot be read costs a full re-check of that torrent, never the session.
 */
export async function restoreTorrents(session: SessionHost, store: ResumeStore): Promise<void> {
  const { records, problems } = await store.loadAll();
  for (const record of records) {
    if (session.has(record.infoHashHex)) continue;
    let metainfo: Metainfo | null = null;
    let torrentBytes: Uint8Array | null = null;
    try {
      const stored = await store.loadMetadata(record.infoHashHex);
      if (stored?.kind === 'torrent') {
        metainfo = parseTorrent(stored.bytes);
        torrentBytes = stored.bytes;
      } else if (stored?.kind === 'info') {
        metainfo = parseInfoDict(stored.bytes, { expectedInfoHash: Buffer.from(record.infoHashHex, 'hex') });
      }
    } catch (err) {
      session.ctx.warning({
        code: 'resume-metadata-unreadable',
        message: String(err),
        torrentId: record.infoHashHex,
      });
    }
    session.register({
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
  }
  for (const problem of problems) {
    session.ctx.warning({
      code: 'resume-unreadable',
      message: `resume data of ${problem.infoHashHex} unusable (${problem.code}): ${problem.message}`,
      torrentId: problem.infoHashHex,
    });
  }
}
