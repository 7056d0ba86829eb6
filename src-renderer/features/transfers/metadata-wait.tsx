/**
 * What a magnet is waiting for, while the torrent's info (BEP 9 metadata) is being
 * fetched: who is being asked, for how long, and, once that has taken a while, that
 * nobody may be sharing it, with a way out. A magnet nobody seeds otherwise showed
 * "Finding info" forever.
 */
import { useEffect, useState, type ReactElement } from 'react';
import { useActions, useApp } from '../../app-context.tsx';
import { Button } from '../../components/button.tsx';
import type { TorrentSummary } from '../../../src-shared/types/torrent.ts';
import { formatEta, plural } from '../../../src-shared/util/format.ts';

/** After this long without the info, say that nobody may have it. */
export const LONG_WAIT_SEC = 30;

/** `dht`: the DHT runs this session, so it is one of the places peers are looked for. */
export function metadataWaitText(peers: number, waitedSec: number, dht = false): string {
  const who =
    peers > 0
      ? `asking ${plural(peers, 'connected peer')}`
      : `looking for peers through its trackers${dht ? ' and the DHT' : ''}`;
  return `Getting the torrent's info: ${who}, for ${formatEta(waitedSec)}`;
}

function useSecondsSince(startMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return Math.max(0, Math.round((now - startMs) / 1000));
}

export function MetadataWait({ t }: { t: TorrentSummary }): ReactElement {
  const actions = useActions();
  const waited = useSecondsSince(t.addedAt);
  const dht = useApp((s) => (s.status?.dhtNodes ?? null) !== null);
  return (
    <>
      <span className="num">{metadataWaitText(t.peers, waited, dht)}</span>
      {waited >= LONG_WAIT_SEC && t.peers === 0 && (
        <span className="tr-hint" onClick={(e) => e.stopPropagation()}>
          Nobody sharing it has been found yet. It keeps trying;{' '}
          <Button size="sm" variant="ghost" onClick={() => actions.openDialog({ kind: 'remove', id: t.id })}>
            Cancel
          </Button>
        </span>
      )}
    </>
  );
}
