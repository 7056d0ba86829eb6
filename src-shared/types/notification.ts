/** Things the user should be told about, as they happen. */
export type AppNotification =
  | { kind: 'download-complete'; torrentId: string; name: string }
  | {
      kind: 'shared';
      torrentId: string;
      name: string;
      /** The catalog's answer; 'pending' when it had not come a moment after seeding began. */
      published: boolean | 'pending';
    };

/** An error pushed by the host (not the reply to a command), already in user words. */
export interface AppErrorEvent {
  code: string;
  message: string;
  torrentId?: string;
  /** Where it happened, so the UI can show it there: 'torrent', 'tracker', 'settings', 'network', 'app'. */
  where: 'torrent' | 'tracker' | 'settings' | 'network' | 'app';
  atMs: number;
}
