/** Test data for renderer tests. */
import type { TorrentSummary } from '../../src-shared/types/torrent.ts';

export const summary = (id: string, over: Partial<TorrentSummary> = {}): TorrentSummary => ({
  id,
  name: `file-${id}`,
  state: 'downloading',
  progress: 0,
  totalBytes: 1000,
  verifiedBytes: 0,
  downloadedBytes: 0,
  uploadedBytes: 0,
  downRateBps: 0,
  upRateBps: 0,
  peers: 0,
  seeds: 0,
  etaSec: null,
  ratio: 0,
  savePath: '/d',
  addedAt: 1000,
  completedAt: null,
  ...over,
});
