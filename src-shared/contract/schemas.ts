/**
 * zod schemas for every command's request: the host validates each payload with these
 * before anything else runs (DESIGN: the main process validates every payload), and the
 * request types are inferred from them so the two can never drift apart.
 */
import { z } from 'zod';
import {
  ADVERTISE_HOST_MAX_LENGTH,
  ADVERTISE_HOST_PATTERN,
  ENCRYPTION_MODES,
  isDhtNodeAddress,
  LAN_INTERFACE_PATTERN,
  NAT_GATEWAY_MAX_LENGTH,
  NAT_GATEWAY_PATTERN,
} from '../types/settings.ts';
import type { TorrentEvent } from '../types/torrent.ts';

/**
 * What a check tells the service about its failure, in the issue's `params` (read by
 * src-main/service/validate-command.ts): `errorCode`, the contract error it becomes
 * (bad-request when absent), and `ownWording`, whether the issue's message is what the
 * user reads.
 */
export interface IssueParams {
  errorCode?: 'bad-info-hash';
  ownWording?: boolean;
}
const badInfoHash = { errorCode: 'bad-info-hash' } satisfies IssueParams;

/** Hex info-hash, lower or upper case; the service lower-cases it. */
export const infoHashHex = z.string().refine((s) => /^[0-9a-fA-F]{40}$/.test(s), {
  message: 'not a 40-digit hex info-hash',
  params: badInfoHash,
});
const torrentId = z.string().refine((s) => /^[0-9a-f]{40}$/.test(s), {
  message: 'not a lower-case 40-digit hex id',
  params: badInfoHash,
});
const shortText = z.string().min(1).max(1024);
const filePath = z.string().min(1).max(4096);
const announceUrl = z
  .string()
  .max(2048)
  .refine((s) => /^(udp|http|https):\/\/[^\s/]+/i.test(s), {
    message: 'a tracker address looks like udp://host:port or http://host/announce',
    params: { ownWording: true } satisfies IssueParams,
  });
const port = z.number().int().min(0).max(65535);
const bytesPerSecond = z.number().int().min(0).max(1e12);

/** One upload chunk: 1 MiB of payload, base64-encoded (4/3 larger). */
export const UPLOAD_CHUNK_BYTES = 1024 * 1024;
const MAX_CHUNK_BASE64 = Math.ceil(UPLOAD_CHUNK_BYTES / 3) * 4;
/** A .torrent file is metadata only; 16 MiB covers torrents of millions of pieces. */
export const MAX_TORRENT_FILE_BYTES = 16 * 1024 * 1024;

export const addSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('magnet'), uri: z.string().min(1).max(8192) }),
  z.object({
    kind: z.literal('torrent-file'),
    bytesBase64: z
      .string()
      .min(1)
      .max(Math.ceil(MAX_TORRENT_FILE_BYTES / 3) * 4),
    fileName: z.string().max(1024).optional(),
  }),
  z.object({ kind: z.literal('info-hash'), infoHashHex, name: z.string().max(1024).optional() }),
  /** A catalog entry from searchCatalog: the info-hash plus the tracker that listed it. */
  z.object({ kind: z.literal('catalog'), infoHashHex, name: z.string().max(1024), tracker: announceUrl }),
  /** A share of the LAN catalog (getNearby): the info-hash plus the machines that share it. */
  z.object({
    kind: z.literal('nearby'),
    infoHashHex,
    name: z.string().max(1024),
    peers: z
      .array(z.object({ host: z.string().min(1).max(64), port: port.min(1) }).strict())
      .min(1)
      .max(64),
  }),
]);

const settingsShape = z.object({
  downloadDir: filePath,
  peerPort: port,
  trackers: z.array(announceUrl).max(64),
  embeddedTracker: z
    .object({
      enabled: z.boolean(),
      port,
      advertiseHost: z
        .string()
        .max(ADVERTISE_HOST_MAX_LENGTH)
        .regex(ADVERTISE_HOST_PATTERN, 'an address looks like 192.0.2.20, a host name, or auto'),
    })
    .strict(),
  encryption: z.enum(ENCRYPTION_MODES),
  utp: z.boolean(),
  preferUtp: z.boolean(),
  rateLimits: z.object({ downloadBps: bytesPerSecond, uploadBps: bytesPerSecond }).strict(),
  theme: z.enum(['system', 'light', 'dark']),
  notifyOnComplete: z.boolean(),
  keepSharingWhenClosed: z.boolean(),
  dhtEnabled: z.boolean(),
  dhtBootstrap: z
    .array(
      z.string().refine(isDhtNodeAddress, {
        message: 'a DHT node looks like host:port, e.g. dht.example.org:6881',
        params: { ownWording: true } satisfies IssueParams,
      }),
    )
    .max(32),
  lan: z
    .object({
      lsd: z.boolean(),
      nearby: z.boolean(),
      listShares: z.boolean(),
      interfaceAddress: z
        .string()
        .max(64)
        .regex(LAN_INTERFACE_PATTERN, 'an interface is auto, all, or an address like 192.0.2.20'),
      lsdIpv4Group: z.string().regex(/^2(2[4-9]|3[0-9])(\.[0-9]{1,3}){3}$/, 'an IPv4 multicast address'),
      lsdIpv6Group: z
        .string()
        .max(64)
        .regex(/^ff[0-9a-fA-F:]+$/, 'an IPv6 multicast address'),
      lsdPort: port.min(1),
      nearbyPort: port.min(1),
    })
    .strict(),
  portMapping: z
    .object({
      enabled: z.boolean(),
      gateway: z
        .string()
        .max(NAT_GATEWAY_MAX_LENGTH)
        .regex(
          NAT_GATEWAY_PATTERN,
          'a router looks like 192.0.2.1 or http://192.0.2.1:5000/rootDesc.xml, or leave it empty',
        ),
    })
    .strict(),
});
export const settingsSchema = settingsShape.strict();

/**
 * How a share's torrent is made (the share dialog's Options; the CLI's create/share flags).
 * Loose here on purpose: the service checks each field and names what is wrong
 * (src-main/service/share-options.ts), which a schema issue could only call a bad request.
 */
export const shareOptionsSchema = z
  .object({
    /** Absent: chosen from the total size. */
    pieceLengthBytes: z.number().optional(),
    private: z.boolean().optional(),
    comment: z
      .string()
      .max(64 * 1024)
      .optional(),
    /** Announce URLs added after the app's own trackers. */
    trackers: z.array(z.string().max(4096)).max(256).optional(),
    /** BEP 19 web seeds (http/https). */
    webSeeds: z.array(z.string().max(4096)).max(256).optional(),
  })
  .strict();

const empty = z.object({}).strict();
const byId = z.object({ id: torrentId }).strict();

export const commandSchemas = {
  getAppInfo: empty,
  getTorrents: empty,
  getSettings: empty,
  setSettings: settingsShape.partial().strict(),
  add: z
    .object({ source: addSource, savePath: filePath.optional(), paused: z.boolean().optional() })
    .strict(),
  /** Share files or folders already on the host's disk (Electron, or the daemon's own paths). */
  share: z
    .object({
      paths: z.array(filePath).min(1).max(1000),
      /** Required for several paths: the one torrent they become is named this. */
      name: shortText.optional(),
      options: shareOptionsSchema.optional(),
      /** Keep it out of catalogs (the LAN's and trackers'): reachable by its magnet only. */
      unlisted: z.boolean().optional(),
    })
    .strict(),
  /** Keep a torrent out of catalogs (the LAN's and trackers'), or list it again. */
  setUnlisted: z.object({ id: torrentId, unlisted: z.boolean() }).strict(),
  /** What other Swarmdrops on the LAN share now (the LAN catalog). */
  getNearby: empty,
  /** Ask the LAN to announce now; answers arrive as `nearby` events. */
  refreshNearby: empty,
  /** Browser upload, step 1: announce the files (relative paths below the drop). */
  uploadBegin: z
    .object({
      name: shortText.optional(),
      files: z
        .array(
          z
            .object({
              // Names are checked in UTF-8 bytes by the host (255 per name); this only bounds the frame.
              relativePath: z.array(z.string().min(1).max(1024)).min(1).max(64),
              sizeBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
            })
            .strict(),
        )
        .min(1)
        .max(10_000),
    })
    .strict(),
  /** Step 2: one chunk of one file, in order. */
  uploadChunk: z
    .object({
      uploadId: z.string().min(1).max(64),
      fileIndex: z.number().int().min(0),
      offsetBytes: z.number().int().min(0),
      dataBase64: z.string().max(MAX_CHUNK_BASE64),
    })
    .strict(),
  /** Step 3: move the files into the share folder and share them. */
  uploadFinish: z
    .object({ uploadId: z.string().min(1).max(64), options: shareOptionsSchema.optional() })
    .strict(),
  uploadCancel: z.object({ uploadId: z.string().min(1).max(64) }).strict(),
  pause: byId,
  resume: byId,
  remove: z.object({ id: torrentId, deleteFiles: z.boolean() }).strict(),
  recheck: byId,
  /** File priorities by file index (TorrentDetail.files[].index); skip = not downloaded. */
  setFilePriorities: z
    .object({
      id: torrentId,
      priorities: z
        .array(
          z
            .object({
              index: z.number().int().min(0).max(10_000_000),
              priority: z.enum(['skip', 'normal', 'high']),
            })
            .strict(),
        )
        .min(1)
        .max(1_000_000),
    })
    .strict(),
  getDetail: byId,
  /** Push `detail` events for this torrent to this client (null stops). */
  watchDetail: z.object({ id: torrentId.nullable() }).strict(),
  getTorrentFile: byId,
  searchCatalog: z
    .object({ query: z.string().max(256), trackers: z.array(announceUrl).max(64).optional() })
    .strict(),
  /** Electron only: native pickers. The daemon answers `not-supported`. */
  pickPaths: z.object({ kind: z.enum(['files', 'folder', 'torrent', 'download-dir']) }).strict(),
  /**
   * Open the torrent's file, or show it in its folder: the app, and the daemon for a page
   * on its own machine (others get `not-on-this-machine`).
   */
  openPath: z
    .object({
      id: torrentId,
      reveal: z.boolean(),
      /** One file of the torrent (TorrentDetail.files[].index) instead of the whole: "Open with…". */
      fileIndex: z.number().int().min(0).max(10_000_000).optional(),
    })
    .strict(),
  /**
   * A folder of the host's own disk (absolute path; omitted: the home folder), so the web
   * UI can pick files to share in place instead of uploading copies. It shows no more than
   * a token holder could already share.
   */
  listFolder: z.object({ path: filePath.optional() }).strict(),
  /**
   * Where the host serves a torrent's file over HTTP while it downloads (Range requests;
   * the URL carries the host's token): for the in-app player and "Open with…".
   */
  streamUrl: z.object({ id: torrentId, fileIndex: z.number().int().min(0).max(10_000_000) }).strict(),
} as const;

export type CommandSchemas = typeof commandSchemas;
/** Longest event text carried to the UI (a ban reason, a list of peers). */
export const MAX_TORRENT_EVENT_MESSAGE = 1024;

/** One entry of TorrentDetail.events: the host builds each through this schema. */
export const torrentEventSchema = z
  .object({
    atMs: z.number().int().min(0),
    code: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9-]+$/),
    message: z.string().min(1).max(MAX_TORRENT_EVENT_MESSAGE),
  })
  .strict() satisfies z.ZodType<TorrentEvent>;
