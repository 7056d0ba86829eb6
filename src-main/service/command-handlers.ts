/**
 * The body of every command, over the real session. Requests arrive already validated
 * (validate-command.ts); anything the engine or the OS throws is turned into a contract
 * error in user words (engine-mapping.ts) by the connection.
 */
import { listFolder } from './list-folder.ts';
import { magnetProblem } from '../../src-shared/util/magnet-check.ts';
import type { CommandHandlers, ShareResponse } from '../../src-shared/contract/commands.ts';
import type { CatalogEntry, CatalogSearchResult } from '../../src-shared/types/catalog.ts';
import type { AddOptions, TorrentSource } from '../engine/session-api.ts';
import { ContractError, ERROR_WORDING } from '../../src-shared/contract/error-codes.ts';
import { UPLOAD_CHUNK_BYTES } from '../../src-shared/contract/schemas.ts';
import { safeDisplayName } from '../protocol/display-name.ts';
import { formatMagnet } from '../protocol/magnet.ts';
import { toContractError, toSummary } from './engine-mapping.ts';
import { checkShareName, toShareOptions, type ShareOptionsRequest } from './share-options.ts';
import type { DetailWatcher, ServiceCore } from './service-core.ts';

const CATALOG_TIMEOUT_MS = 5000;
const SHARE_PROGRESS_EVERY_MS = 200;
/** How long the "Sharing" notification waits for the catalog's answer before it says pending. */
const CATALOG_ANSWER_WAIT_MS = 1500;

/** `magnet:?…xt=urn:btih:<40 hex | 32 base32>…` (BEP 9); the engine parses the rest. */

const notSupported = () => new ContractError('not-supported', ERROR_WORDING['not-supported']);

export function createHandlers(service: ServiceCore, conn: DetailWatcher): CommandHandlers {
  const session = service.session;
  const engine = async <T>(
    context: Parameters<typeof toContractError>[1],
    run: () => Promise<T> | T,
  ): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw toContractError(err, context);
    }
  };

  const share = async (
    paths: string[],
    requestedName: string | undefined,
    key: string,
    requestedOptions?: ShareOptionsRequest,
    unlisted = false,
  ): Promise<ShareResponse> => {
    let lastMs = 0;
    // Checked before any hashing: a bad option or a missing name fails at once, in words.
    const name = checkShareName(requestedName, paths.length);
    const options = toShareOptions(requestedOptions, service.trackerUrls());
    const label = name ?? paths[0]!.split(/[\\/]/).pop() ?? 'share';
    const result = await engine('share', () =>
      session.share(
        paths,
        {
          ...options,
          ...(name ? { name } : {}),
          ...(unlisted ? { unlisted } : {}),
          // Answer as soon as it seeds: a tracker that does not speak the catalog extension
          // (or does not answer) would otherwise hold the share, and its progress line, for
          // the tracker's whole time-out. The catalog's answer comes as the notification.
          awaitPublish: false,
        },
        (p) => {
          const now = Date.now();
          if (now - lastMs < SHARE_PROGRESS_EVERY_MS) return;
          lastMs = now;
          service.broadcast('shareProgress', {
            key,
            name: label,
            hashedBytes: p.hashedBytes,
            totalBytes: p.totalBytes,
            done: false,
          });
        },
      ),
    );
    const summary = session.list().find((t) => t.id === result.id);
    const finalName = summary?.name ?? label;
    service.broadcast('shareProgress', {
      key,
      name: finalName,
      hashedBytes: summary?.totalBytes ?? 0,
      totalBytes: summary?.totalBytes ?? 0,
      done: true,
    });
    // Told once: with the catalog's answer when it comes quickly (the embedded tracker's
    // does), else at once as pending, so a dead tracker never delays the "Sharing" notice.
    void Promise.race([
      result.publication,
      new Promise<'pending'>((resolve) => setTimeout(resolve, CATALOG_ANSWER_WAIT_MS, 'pending').unref()),
    ]).then((published) =>
      service.broadcast('notification', { kind: 'shared', torrentId: result.id, name: finalName, published }),
    );
    return { id: result.id, name: finalName, magnet: result.magnet };
  };

  return {
    getAppInfo: async () => service.appInfo(),
    getTorrents: async () => session.list().map(toSummary),
    getSettings: async () => service.settings,
    setSettings: async (patch) => {
      try {
        return await service.updateSettings(patch);
      } catch (err) {
        throw toContractError(err, 'settings');
      }
    },

    add: async ({ source, savePath, paused }) => {
      let engineSource: TorrentSource;
      let context: 'magnet' | 'torrent-file' | 'info-hash' = 'info-hash';
      const options: AddOptions = {
        savePath: savePath ?? service.downloadDir,
        trackers: service.trackerUrls(),
      };
      if (paused) options.paused = true;
      switch (source.kind) {
        case 'magnet': {
          context = 'magnet';
          const problem = magnetProblem(source.uri);
          if (problem) throw new ContractError(problem, ERROR_WORDING[problem], source.uri.slice(0, 200));
          engineSource = { kind: 'magnet', uri: source.uri.trim() };
          break;
        }
        case 'torrent-file':
          context = 'torrent-file';
          engineSource = {
            kind: 'metainfo',
            bytes: new Uint8Array(Buffer.from(source.bytesBase64, 'base64')),
          };
          break;
        case 'info-hash':
          engineSource = {
            kind: 'info-hash',
            infoHashHex: source.infoHashHex.toLowerCase(),
            ...(source.name ? { name: source.name } : {}),
          };
          break;
        case 'catalog':
          engineSource = {
            kind: 'info-hash',
            infoHashHex: source.infoHashHex.toLowerCase(),
            name: source.name,
          };
          options.trackers = [...new Set([source.tracker, ...service.trackerUrls()])];
          break;
        case 'nearby':
          // The machines that listed it are dialed at once (x.pe); LSD finds any others.
          engineSource = {
            kind: 'magnet',
            uri: formatMagnet({
              infoHashHex: source.infoHashHex.toLowerCase(),
              name: source.name,
              trackers: [],
              peers: source.peers.map((p) =>
                p.host.includes(':') ? `[${p.host}]:${p.port}` : `${p.host}:${p.port}`,
              ),
            }),
          };
          break;
      }
      return toSummary(await engine(context, () => session.add(engineSource, options)));
    },

    share: ({ paths, name, options, unlisted }) => share(paths, name, paths.join('\n'), options, unlisted),
    setUnlisted: async ({ id, unlisted }) => (
      await engine('general', () => session.setUnlisted(id, unlisted)),
      null
    ),
    getNearby: async () => session.nearby(),
    refreshNearby: async () => (session.queryNearby(), null),

    // Uploads belong to this connection (upload-manager.ts): staged files go when it closes.
    uploadBegin: async ({ files, name }) => ({
      ...(await engine('share', () => service.uploads.begin(conn, files, name))),
      chunkBytes: UPLOAD_CHUNK_BYTES,
    }),
    uploadChunk: ({ uploadId, fileIndex, offsetBytes, dataBase64 }) =>
      engine('share', () =>
        service.uploads.chunk(
          conn,
          uploadId,
          fileIndex,
          offsetBytes,
          new Uint8Array(Buffer.from(dataBase64, 'base64')),
        ),
      ),
    uploadFinish: async ({ uploadId, options }) => {
      // Before the files move: a bad option leaves the upload as it was, to retry.
      toShareOptions(options, service.trackerUrls());
      const staged = await engine('share', () => service.uploads.finish(conn, uploadId));
      return share([staged.path], undefined, uploadId, options);
    },
    uploadCancel: async ({ uploadId }) => {
      await service.uploads.cancel(conn, uploadId);
      return null;
    },

    pause: async ({ id }) => (await engine('general', () => session.pause(id)), null),
    resume: async ({ id }) => (await engine('general', () => session.resume(id)), null),
    remove: async ({ id, deleteFiles }) => (
      await engine('general', () => session.remove(id, { deleteFiles })),
      null
    ),
    recheck: async ({ id }) => {
      await engine('general', () => session.recheck(id));
      const s = session.list().find((t) => t.id === id);
      return {
        verifiedBytes: s?.verifiedBytes ?? 0,
        totalBytes: s?.totalBytes ?? 0,
        complete: (s?.progress ?? 0) >= 1,
      };
    },
    setFilePriorities: async ({ id, priorities }) => (
      await engine('general', () => session.setFilePriorities(id, priorities)),
      null
    ),
    getDetail: async ({ id }) => engine('general', () => service.detail(id)),
    watchDetail: async ({ id }) => {
      if (id !== null) await engine('general', () => session.detail(id));
      conn.watch(id);
      return null;
    },
    getTorrentFile: async ({ id }) => {
      const bytes = await engine('general', () => session.torrentFile(id));
      if (!bytes)
        throw new ContractError(
          'not-ready',
          'The torrent file is not known yet (metadata is still being fetched).',
        );
      const name = session.list().find((t) => t.id === id)?.name ?? id;
      return { fileName: `${name}.torrent`, bytesBase64: Buffer.from(bytes).toString('base64') };
    },

    searchCatalog: async ({ query, trackers }) =>
      searchAll(service, query, trackers ?? service.trackerUrls()),

    pickPaths: async (request) => {
      const h = service.options.hostCommands?.pickPaths;
      if (!h) throw notSupported();
      return h(request);
    },
    openPath: async (request) => {
      const h = service.options.hostCommands?.openPath;
      if (!h) throw notSupported();
      if (!conn.onThisMachine)
        throw new ContractError('not-on-this-machine', ERROR_WORDING['not-on-this-machine']);
      return h(request);
    },
    listFolder: async ({ path }) => listFolder(path),
    streamUrl: async ({ id, fileIndex }) => {
      const link = service.streamLinks;
      if (!link) throw notSupported();
      const file = (await engine('general', () => session.detail(id))).files.find(
        (f) => f.index === fileIndex,
      );
      if (!file)
        throw toContractError(Object.assign(new Error(`no file ${fileIndex}`), { code: 'bad-request' }));
      return { url: link(id, fileIndex) };
    },
  };
}

async function searchAll(
  service: ServiceCore,
  query: string,
  trackers: string[],
): Promise<CatalogSearchResult> {
  const result: CatalogSearchResult = { entries: [], failures: [] };
  const byHash = new Map<string, CatalogEntry>();
  await Promise.all(
    trackers.map(async (tracker) => {
      try {
        // Our own tracker is asked on loopback; entries still name the URL as given.
        for (const e of await service.deps.searchCatalog(
          service.trackerAlias(tracker),
          query,
          CATALOG_TIMEOUT_MS,
        )) {
          const prev = byHash.get(e.infoHashHex);
          // The same torrent on several trackers: keep the listing with the most seeders.
          if (!prev || prev.seeders < e.seeders)
            byHash.set(e.infoHashHex, { ...e, name: safeDisplayName(e.name) ?? e.infoHashHex, tracker });
        }
      } catch (err) {
        const mapped = toContractError(err, 'tracker');
        const code = mapped.code === 'internal' ? 'tracker-unreachable' : mapped.code;
        result.failures.push({
          tracker,
          code,
          message: code === 'tracker-unreachable' ? ERROR_WORDING['tracker-unreachable'] : mapped.message,
        });
      }
    }),
  );
  result.entries = [...byHash.values()].sort((a, b) => b.seeders - a.seeders || a.name.localeCompare(b.name));
  return result;
}
