import type { ReactElement } from 'react';
import type { TorrentState } from '../../src-shared/types/torrent.ts';

export const STATE_LABEL: Record<TorrentState, string> = {
  'fetching-metadata': 'Finding info',
  checking: 'Checking',
  downloading: 'Downloading',
  seeding: 'Seeding',
  'files-changed': 'Files changed on disk — recheck',
  paused: 'Paused',
  error: 'Error',
  queued: 'Queued',
};

export function StateBadge({ state }: { state: TorrentState }): ReactElement {
  return <span className={`badge badge-${state}`}>{STATE_LABEL[state]}</span>;
}
