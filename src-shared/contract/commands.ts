/**
 * The command map: every request the UI can make and the response it gets. Requests are
 * inferred from the zod schemas in ./schemas.ts; responses are plain data (JSON-safe, so
 * the same map runs over Electron IPC and over a WebSocket).
 */
import type { z } from 'zod';
import type { CommandSchemas } from './schemas.ts';
import type { AppInfo } from '../types/app-info.ts';
import type { CatalogSearchResult } from '../types/catalog.ts';
import type { NearbyShare } from '../types/nearby.ts';
import type { Settings } from '../types/settings.ts';
import type { TorrentDetail, TorrentSummary } from '../types/torrent.ts';

export interface ShareResponse {
  id: string;
  name: string;
  magnet: string;
  // Whether a tracker's catalog accepted it comes later, in the 'shared' notification: the
  // answer is sent as soon as the torrent seeds, not after the catalog's time-out.
}

interface Responses {
  getAppInfo: AppInfo;
  getTorrents: TorrentSummary[];
  getSettings: Settings;
  setSettings: { settings: Settings; restartRequired: (keyof Settings)[] };
  add: TorrentSummary;
  share: ShareResponse;
  setUnlisted: null;
  getNearby: NearbyShare[];
  refreshNearby: null;
  uploadBegin: { uploadId: string; chunkBytes: number };
  uploadChunk: { receivedBytes: number };
  uploadFinish: ShareResponse;
  uploadCancel: null;
  pause: null;
  resume: null;
  remove: null;
  /** What the check found: verified pieces of how many (the rest is downloaded again). */
  recheck: { verifiedBytes: number; totalBytes: number; complete: boolean };
  setFilePriorities: null;
  getDetail: TorrentDetail;
  watchDetail: null;
  getTorrentFile: { fileName: string; bytesBase64: string };
  searchCatalog: CatalogSearchResult;
  pickPaths: { paths: string[] };
  openPath: null;
  listFolder: FolderListing;
  /** Absolute (Electron's loopback server) or relative to the page (the daemon's origin). */
  streamUrl: { url: string };
}

/** One folder of the host's disk, for the web UI's path picker (sharing in place). */
export interface FolderListing {
  /** Absolute path of the folder listed. */
  path: string;
  /** Its parent, null at a root. */
  parent: string | null;
  /** Folders first, then files, each by name; hidden (dot) entries last. */
  entries: { name: string; kind: 'folder' | 'file'; sizeBytes: number }[];
  /** More entries than a listing carries (the first ones are listed). */
  truncated: boolean;
}

export type CommandName = keyof CommandSchemas & keyof Responses;

export type CommandMap = {
  [K in CommandName]: { request: z.infer<CommandSchemas[K]>; response: Responses[K] };
};

export type CommandRequest<K extends CommandName> = CommandMap[K]['request'];
export type CommandResponse<K extends CommandName> = CommandMap[K]['response'];

/** A host's implementation of (part of) the map. */
export type CommandHandlers = {
  [K in CommandName]: (request: CommandRequest<K>) => Promise<CommandResponse<K>>;
};

export const COMMAND_NAMES = [
  'getAppInfo',
  'getTorrents',
  'getSettings',
  'setSettings',
  'add',
  'share',
  'setUnlisted',
  'getNearby',
  'refreshNearby',
  'uploadBegin',
  'uploadChunk',
  'uploadFinish',
  'uploadCancel',
  'pause',
  'resume',
  'remove',
  'recheck',
  'setFilePriorities',
  'getDetail',
  'watchDetail',
  'getTorrentFile',
  'searchCatalog',
  'pickPaths',
  'openPath',
  'listFolder',
  'streamUrl',
] as const satisfies readonly CommandName[];

// Every command in the map is listed above (a missing one fails to typecheck here).
type Missing = Exclude<CommandName, (typeof COMMAND_NAMES)[number]>;
const _allCommandsListed: Missing extends never ? true : Missing = true;
