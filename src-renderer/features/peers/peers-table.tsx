import type { ReactElement } from 'react';
import type { PeerDetail } from '../../../src-shared/types/torrent.ts';
import { formatBytes, formatPercent, formatRate } from '../../../src-shared/util/format.ts';

/**
 * The connection in words, from our side: whether we send to them and whether they let
 * us download. "Choked by them" only matters while we want something from them, so a
 * seeder does not call every leecher "choked".
 */
export function flagsText(p: PeerDetail): string {
  const f = p.flags;
  const theirSide = f.amInterested ? (f.peerChoking ? 'choked by them' : 'downloading from them') : '';
  return [
    f.incoming ? 'incoming' : 'outgoing',
    f.utp ? 'uTP' : '',
    f.amChoking ? '' : f.peerInterested ? 'uploading to them' : 'unchoked',
    theirSide,
    f.snubbed ? 'snubbed' : '',
    f.optimistic ? 'optimistic unchoke' : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

export function PeersTable({ peers }: { peers: PeerDetail[] }): ReactElement {
  if (peers.length === 0) return <p className="muted pad">No peers connected right now.</p>;
  return (
    <table className="table" aria-label="Peers">
      <thead>
        <tr>
          <th>Address</th>
          <th>Client</th>
          <th className="num">↓</th>
          <th className="num">↑</th>
          <th className="num">Received</th>
          <th>Their progress</th>
          <th>Flags</th>
        </tr>
      </thead>
      <tbody>
        {peers.map((p) => (
          <tr key={`${p.index}-${p.address}`} data-peer-address={p.address}>
            <td className="mono">{p.address}</td>
            <td>{p.client}</td>
            <td className="num rate-down">{formatRate(p.downRateBps)}</td>
            <td className="num rate-up">{formatRate(p.upRateBps)}</td>
            <td className="num">{formatBytes(p.downloadedBytes)}</td>
            <td>
              <div className="inline-progress">
                <div className="progress">
                  <div className="progress-fill" style={{ width: `${p.progress * 100}%` }} />
                </div>
                <span className="num small">{formatPercent(p.progress)}</span>
              </div>
            </td>
            <td className="muted small">{flagsText(p)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
