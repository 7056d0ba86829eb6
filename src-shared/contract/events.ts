/** The event map: state the host pushes to the UI. */
import type { AppInfo, StatusInfo } from '../types/app-info.ts';
import type { AppErrorEvent, AppNotification } from '../types/notification.ts';
import type { Settings } from '../types/settings.ts';
import type { TorrentDetail, TorrentSummary } from '../types/torrent.ts';
import type { NearbyShare } from '../types/nearby.ts';

export interface TorrentsEvent {
  /** Torrents added or changed since the last batch (whole summaries). */
  changed: TorrentSummary[];
  removed: string[];
}

export interface ShareProgressEvent {
  /** The upload id or share name it belongs to. */
  key: string;
  name: string;
  hashedBytes: number;
  totalBytes: number;
  done: boolean;
}

export interface EventMap {
  /** Batched: at most 10 per second. */
  torrents: TorrentsEvent;
  /** The watched torrent (watchDetail), at most 4 per second; piece state as bitfields. */
  detail: TorrentDetail;
  /** Totals for the status bar, about once a second. */
  status: StatusInfo;
  appInfo: AppInfo;
  settings: Settings;
  notification: AppNotification;
  error: AppErrorEvent;
  shareProgress: ShareProgressEvent;
  /** The LAN catalog changed: everything other Swarmdrops on the LAN share now. */
  nearby: NearbyShare[];
}

export type EventName = keyof EventMap;

export type EventListener<E extends EventName> = (payload: EventMap[E]) => void;
