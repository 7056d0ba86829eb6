import path from 'node:path';
import { formatMagnet } from '../../protocol/magnet.ts';
import { publishToCatalog } from '../../tracker/client/catalog-client.ts';
import { createTorrent } from '../create/create-torrent.ts';
import type { ShareOptions, ShareProgress, ShareResult } from '../session-api.ts';
import type { Torrent } from '../torrent/torrent.ts';
import { EngineError } from '../engine-error.ts';
import { commonParentOf } from '../storage/source-roots.ts';
import type { SessionHost } from './session-host.ts';

/**
 * `Session.share`: hash the user's file or folder into a torrent (engine/create's createTorrent,
 * off-thread), seed it in place (savePath = its parent folder: nothing is copied), and
 * publish it to each UDP tracker's catalog once that tracker has seen us as a seeder
 * (the catalog only accepts entries from an address that seeds them).
 * Several paths make one multi-file torrent named `options.name`, seeded from where each
 * path is (storage/source-roots.ts); its savePath is only where the UI says it lives.
 */
export async function shareTorrent(
  session: SessionHost,
  paths: string[],
  options: ShareOptions,
  onProgress?: (p: ShareProgress) => void,
): Promise<ShareResult> {
  if (paths.length === 0) throw new EngineError('not-found', 'nothing to share: no file or folder given');
  if (paths.length > 1 && !options.name?.trim())
    throw new EngineError('name-required', 'sharing several files or folders needs a name for the share');
  const inputs = paths.map((p) => path.resolve(p));
  const trackers = options.trackers ?? session.options.defaultTrackers ?? [];
  const { hashPool, resumeStore } = session.internals;
  const { metainfo, torrentBytes, roots } = await createTorrent(
    inputs.length === 1 ? inputs[0]! : inputs,
    {
      ...(inputs.length > 1 ? { name: options.name!.trim() } : {}),
      ...(options.webSeeds?.length ? { webSeeds: options.webSeeds } : {}),
      announceList: trackers.map((url) => [url]),
      ...(options.pieceLengthBytes ? { pieceLengthBytes: options.pieceLengthBytes } : {}),
      ...(options.private ? { private: true } : {}),
      ...(options.comment ? { comment: options.comment } : {}),
      hashPool,
    },
    (p) => onProgress?.({ hashedBytes: p.bytesHashed, totalBytes: p.totalBytes }),
  );
  const id = metainfo.infoHashHex;
  let torrent = session.internals.torrent(id);
  if (!torrent) {
    await resumeStore.saveMetadata(id, { kind: 'torrent', bytes: torrentBytes });
    torrent = session.register({
      infoHash: metainfo.infoHash,
      infoHashHex: id,
      metainfo,
      torrentBytes,
      extraTrackers: [],
      savePath: roots ? commonParentOf(roots) : path.dirname(inputs[0]!),
      ...(roots ? { roots } : {}),
      trustedComplete: true,
      paused: false,
      ...(options.unlisted ? { unlisted: true } : {}),
    });
    // Seeding (and watching the files for changes) before the magnet goes out: an edit
    // made as soon as `share` answers is then noticed.
    await torrent.started();
  } else if (torrent.isPaused) {
    await torrent.resume();
  }
  if (options.unlisted !== undefined) torrent.unlisted = options.unlisted;
  // Unlisted: reachable by its magnet only, so not in a tracker's catalog either.
  const publish = options.publish ?? (!torrent.unlisted && (session.options.publishOnShare ?? true));
  const publication = publish
    ? publishEverywhere(session, torrent, trackers).catch((err: unknown) => {
        session.ctx.warning({
          code: 'catalog-publish-failed',
          message: err instanceof Error ? err.message : String(err),
          torrentId: torrent.id,
        });
        return false;
      })
    : Promise.resolve(false);
  const published = (options.awaitPublish ?? true) ? await publication : false;
  return {
    id,
    magnet: formatMagnet({ infoHashHex: id, name: metainfo.name, trackers }),
    torrentBytes: torrent.torrentFile() ?? torrentBytes,
    published,
    publication,
  };
}

async function publishEverywhere(
  session: SessionHost,
  torrent: Torrent,
  trackers: string[],
): Promise<boolean> {
  const udp = trackers.filter((url) => url.toLowerCase().startsWith('udp://'));
  if (udp.length === 0 || !torrent.metainfo) return false;
  const m = torrent.metainfo;
  const timeoutMs = session.ctx.tuning.udpTrackerTimeoutMs;
  const closed = session.internals.closed;
  await waitForAnnounce(torrent, timeoutMs * 4, closed);
  if (closed.aborted) return false;
  const results = await Promise.allSettled(
    udp.map((url) =>
      publishToCatalog(
        // Our own tracker is published to where we announce to it (loopback), from the
        // address it saw us seed from (the catalog checks that).
        session.ctx.trackerAlias(url),
        { infoHash: m.infoHash, name: m.name, totalSizeBytes: m.totalLengthBytes, fileCount: m.files.length },
        { baseTimeoutMs: timeoutMs, maxRetransmits: 1, signal: closed },
      ),
    ),
  );
  results.forEach((r, i) => {
    if (r.status === 'rejected' && !closed.aborted) {
      const message = r.reason instanceof Error ? r.reason.message : String(r.reason);
      session.ctx.warning({
        code: 'catalog-publish-failed',
        message: `${udp[i]}: ${message}`,
        torrentId: torrent.id,
      });
    }
  });
  return results.some((r) => r.status === 'fulfilled');
}

/** Until a tracker answered an announce of ours (or the time is up). */
async function waitForAnnounce(torrent: Torrent, timeoutMs: number, closed: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !closed.aborted) {
    const statuses = torrent.trackerStatuses();
    if (statuses.some((s) => s.lastAnnounceAt !== null && s.state === 'working')) return;
    if (torrent.state === 'error') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
