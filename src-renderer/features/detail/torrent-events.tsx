/** The torrent's recent events: hash failures, bans, changed files, unavailable metadata. */
import type { ReactElement } from 'react';
import type { TorrentEvent } from '../../../src-shared/types/torrent.ts';
import { formatRelative } from '../../../src-shared/util/format.ts';

const EVENT_LABEL: Record<string, string> = {
  'hash-failed': 'Bad piece',
  'peer-banned': 'Peer banned',
  'files-changed': 'Files changed',
  'metadata-unsupported': 'No metadata',
  'metadata-unavailable': 'No metadata',
};

export function TorrentEvents({ events }: { events: readonly TorrentEvent[] }): ReactElement {
  if (events.length === 0)
    return <p className="muted pad">Nothing to report: no bad pieces, no banned peers.</p>;
  const now = Date.now();
  return (
    <table className="table" aria-label="Events">
      <thead>
        <tr>
          <th>When</th>
          <th>What</th>
          <th>Details</th>
        </tr>
      </thead>
      <tbody>
        {[...events].reverse().map((e, i) => (
          <tr key={`${e.atMs}-${i}`} data-code={e.code}>
            <td className="small" title={new Date(e.atMs).toLocaleString()}>
              {formatRelative(e.atMs, now)}
            </td>
            <td>
              <span className="dot dot-error" /> {EVENT_LABEL[e.code] ?? e.code}
            </td>
            <td className="mono small">{e.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
