// The daemon's WebSocket as the web UI opens it (same Origin as the page), for figures that
// watch or drive a daemon. Rejects with the daemon's stderr when the socket cannot open.
import WebSocket, { type ClientOptions } from 'ws';
import type { TrackedChild } from '../../harness/tracked-child.ts';

/** Opens `ws://<host>/ws<search>` of the page at `pageUrl`; `daemon` is the process serving it. */
export async function openDaemonSocket(
  pageUrl: URL,
  daemon: TrackedChild,
  timeoutMs: number,
  options: ClientOptions = {},
): Promise<WebSocket> {
  const ws = new WebSocket(`ws://${pageUrl.host}/ws${pageUrl.search}`, {
    ...options,
    headers: { Origin: `http://${pageUrl.host}` },
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('WebSocket did not open')), timeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`WebSocket: ${err.message} ${daemon.stderr()}`));
    });
  });
  return ws;
}
