// A corrupt seeder as the app sees it: its hash failures and its ban reach the torrent's
// detail (TorrentDetail.events) and the daemon's log file, with their codes.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/temp-dir.ts';
import { startHostilePeer } from '../../test/engine-hostile-peer.ts';
import { openTestSession, writeRandomFile } from '../../test/engine-harness.ts';
import { torrentEventSchema } from '../../src-shared/contract/schemas.ts';
import { AppService } from './app-service.ts';
import { realServiceDeps } from './real-deps.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('torrent events (real engine, real sockets)', () => {
  it("a corrupt seeder's hash failures and ban appear in the torrent's detail and the daemon log", async () => {
    const t = await makeTempDir();
    cleanups.push(t.remove);
    const source = path.join(t.dir, 'src', 'payload.bin');
    await writeRandomFile(source, 1024 * 1024);
    const seeder = await openTestSession(t.dir, 'seeder', { rateLimits: { uploadBps: 256 * 1024 } });
    cleanups.push(() => seeder.close());
    const shared = await seeder.share([source], { pieceLengthBytes: 32 * 1024, publish: false });
    const hostile = await startHostilePeer(Buffer.from(shared.id, 'hex'));
    cleanups.push(() => hostile.close());
    const bad = `127.0.0.1:${hostile.port}`;

    const dataDir = path.join(t.dir, 'app');
    const lines: string[] = [];
    const service = await AppService.open(
      {
        host: 'daemon',
        version: 'test',
        dataDir,
        defaultDownloadDir: path.join(dataDir, 'downloads'),
        overrides: { bindHost: '127.0.0.1', advertiseHost: '127.0.0.1', peerPort: 0, embeddedTracker: 'off' },
        log: (l) => lines.push(l),
      },
      realServiceDeps(),
    );
    cleanups.push(() => service.close());
    const magnet = `${shared.magnet}&x.pe=127.0.0.1:${seeder.peerPort}&x.pe=${bad}`;
    await service.session.add({ kind: 'magnet', uri: magnet });

    const deadline = Date.now() + 40_000;
    let events = service.detail(shared.id).events;
    while (!events.some((e) => e.code === 'peer-banned') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      events = service.detail(shared.id).events;
    }
    expect(events.map((e) => e.code)).toContain('hash-failed');
    expect(events).toContainEqual(
      expect.objectContaining({
        code: 'peer-banned',
        message: `banned ${bad}: it sent pieces that failed their hash check`,
      }),
    );
    expect(events.find((e) => e.code === 'hash-failed')!.message).toMatch(
      /^piece \d+ failed its hash check \(data from /,
    );
    for (const e of events) expect(torrentEventSchema.safeParse(e).success).toBe(true);
    // The daemon's stderr (here `log`) says it too, and its log file has the codes as fields.
    expect(lines).toContain(`swarmdrop: warning: banned ${bad}: it sent pieces that failed their hash check`);
    const logged = (await readFile(path.join(dataDir, 'logs', 'daemon.log'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toContainEqual(
      expect.objectContaining({ level: 'warn', code: 'peer-banned', peer: bad, torrentId: shared.id }),
    );
    // Removing the torrent forgets its events: added again (paused), it starts with none.
    await service.session.remove(shared.id);
    await service.session.add({ kind: 'magnet', uri: shared.magnet }, { paused: true });
    expect(service.detail(shared.id).events).toEqual([]);
  });
});
