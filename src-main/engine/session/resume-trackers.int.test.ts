// Trackers survive a restart: a magnet's `tr=` tracker and one the user added are kept in
// the resume data (record v2) and come back in the torrent's detail, and are announced to.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.ts';
import { formatMagnet } from '../../protocol/magnet.ts';
import { TrackerServer } from '../../tracker/server/index.ts';
import type { Session, SessionOptions } from '../session-api.ts';
import { openSession } from './open-session.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const FAST = {
  tickMs: 100,
  resumeSaveIntervalMs: 200,
  announceMinIntervalSec: 1,
  announceRetryBaseMs: 300,
  udpTrackerTimeoutMs: 300,
};

async function trackerUrl(): Promise<{ url: string; server: TrackerServer }> {
  const server = new TrackerServer({ intervalSec: 60 });
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => server.close());
  return { url: `udp://127.0.0.1:${port}`, server };
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('resume data keeps trackers', () => {
  it("a magnet's tr= tracker and a user-added one are back after a restart", async () => {
    const t = await makeTempDir();
    cleanups.push(() => t.remove());
    const fromMagnet = await trackerUrl();
    const fromUser = await trackerUrl();
    const options: SessionOptions = {
      dataDir: path.join(t.dir, 'data'),
      downloadDir: path.join(t.dir, 'downloads'),
      peerHost: '127.0.0.1',
      peerPort: 0,
      tuning: FAST,
    };
    const open = async (): Promise<Session> => {
      const s = await openSession(options);
      cleanups.push(() => s.close());
      return s;
    };
    const infoHashHex = 'c0ffee'.padEnd(40, '0');
    const magnet = formatMagnet({ infoHashHex, name: 'wanted.iso', trackers: [fromMagnet.url] });

    const first = await open();
    await first.add({ kind: 'magnet', uri: magnet }, { trackers: [fromUser.url] });
    const urls = (s: Session) => s.detail(infoHashHex).trackers.map((x) => x.url);
    expect(urls(first)).toEqual([fromMagnet.url, fromUser.url]);
    await first.close();

    // Nothing in the second session's options names either tracker: only the resume data.
    const second = await open();
    expect(second.list().map((x) => x.id)).toEqual([infoHashHex]);
    expect(urls(second)).toEqual([fromMagnet.url, fromUser.url]);
    // And it announces to them again (the first tier answers).
    await until(
      () =>
        fromMagnet.server
          .snapshot()
          .swarms.some(
            (s) => s.infoHashHex === infoHashHex && s.peers.some((p) => p.port === second.peerPort),
          ),
      'an announce from the restored torrent',
    );
    expect(second.detail(infoHashHex).trackers[0]).toMatchObject({ url: fromMagnet.url, status: 'working' });
  }, 30_000);
});
