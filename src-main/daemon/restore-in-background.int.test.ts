// The web UI is served while the torrents of the last run are still being restored, and
// the status it gets says how far the restore is. The restore is held up for real: one
// resume record is a FIFO, whose read waits until the test writes into it.
import { execFileSync } from 'node:child_process';
import { mkdir, open, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/temp-dir.ts';
import { writeSavedTorrents } from '../../test/support/saved-torrents.ts';
import type { StatusInfo } from '../../src-shared/types/app-info.ts';
import { AppService } from '../service/app-service.ts';
import { realServiceDeps } from '../service/real-deps.ts';
import { WebServer } from './web-server.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function getStatus(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/' }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('daemon start with saved torrents', () => {
  it('serves the UI and reports restore progress while the restore is still running', async () => {
    const t = await makeTempDir();
    cleanups.push(() => t.remove());
    const dataDir = path.join(t.dir, 'data');
    const downloads = path.join(t.dir, 'downloads');
    const ids = await writeSavedTorrents(path.join(dataDir, 'engine'), downloads, 100);
    // Sorted first, so the restore stalls on its first batch.
    const fifo = path.join(dataDir, 'engine', 'resume', `${'0'.repeat(40)}.json`);
    execFileSync('mkfifo', [fifo]);
    const rendererDir = path.join(t.dir, 'renderer');
    await mkdir(rendererDir, { recursive: true });
    await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');

    const service = await AppService.open(
      {
        host: 'daemon',
        version: 'test',
        dataDir,
        defaultDownloadDir: downloads,
        overrides: { peerPort: 0, embeddedTracker: 'off', bindHost: '127.0.0.1', advertiseHost: '127.0.0.1' },
        log: () => undefined,
      },
      realServiceDeps(),
    );
    let released = false;
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      // Opening the FIFO for writing lets the stalled read go on; it reads an empty record.
      const writer = await open(fifo, 'w');
      await writer.close();
    };
    cleanups.push(async () => {
      await release();
      await service.close();
    });
    const server = await WebServer.start(service, {
      host: '127.0.0.1',
      port: 0,
      rendererDir,
      token: 'x'.repeat(32),
    });
    cleanups.push(() => server.close());
    // What the daemon does once its web server listens.
    service.startRestore();
    const statuses: StatusInfo[] = [];
    service.connect((event, payload) => {
      if (event === 'status') statuses.push(payload as StatusInfo);
    });

    expect(await getStatus(server.port)).toBe(200);
    expect(service.session.restoreProgress().done).toBe(false);
    // The folder listing may still be on its way; the first batch cannot finish.
    await until(() => service.session.restoreProgress().total > 0, 'the resume folder listed');
    expect(service.status().restoring).toEqual({ restored: 0, total: 101 });

    await release();
    await until(() => service.session.restoreProgress().done, 'the restore to finish');
    expect(service.status().restoring).toBeNull();
    expect(new Set(service.session.list().map((s) => s.id))).toEqual(new Set(ids));
    // Clients heard it end without waiting for the next once-a-second status.
    expect(statuses.at(-1)?.restoring).toBeNull();
  });
});
