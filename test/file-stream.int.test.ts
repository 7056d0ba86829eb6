// Play while it downloads: HTTP range reads of a torrent's file served from a leecher's
// session (the app's loopback StreamServer), over real sockets, from a real seeder.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StreamServer } from '../src-main/service/stream-server.ts';
import { cleanupAfterEach, isComplete, startEngineEnv, waitFor, writeRandomFile } from './engine-harness.ts';

const KiB = 1024;

function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

describe('file streams with real peers', () => {
  const defer = cleanupAfterEach();

  it('a range read waits for its pieces, then answers 206 with the right bytes; the token is required', async () => {
    const { dir, open } = await startEngineEnv(defer);
    const source = path.join(dir, 'src', 'clip.webm');
    await writeRandomFile(source, 4 * 1024 * KiB + 123);
    const original = await readFile(source);
    const seeder = await open('seeder');
    const shared = await seeder.share([source], { pieceLengthBytes: 256 * KiB });
    // Nobody can send anything yet: the read below must wait.
    await seeder.pause(shared.id);
    const leecher = await open('leecher');
    const added = await leecher.add({ kind: 'metainfo', bytes: shared.torrentBytes });
    const streams = await StreamServer.start(leecher, { host: '127.0.0.1' });
    defer(() => streams.close());
    const url = streams.urlFor(added.id, 0);

    const bare = url.replace(/\?token=.*$/, '');
    expect((await get(bare)).status).toBe(401);
    expect((await get(`${bare}?token=${'0'.repeat(64)}`)).status).toBe(403);
    expect((await get(url.replace(/\/0\?/, '/7?'))).status).toBe(404); // no file 7

    let settled = false;
    const start = 3 * 1024 * KiB + 5;
    const end = 3 * 1024 * KiB + 300 * KiB; // spans two pieces
    const ranged = get(url, { Range: `bytes=${start}-${end}` }).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 800));
    expect(settled).toBe(false);
    expect(leecher.list()[0]!.verifiedBytes).toBe(0);

    await seeder.resume(shared.id);
    const res = await ranged;
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${original.length}`);
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['content-type']).toBe('video/webm');
    expect(res.body.equals(original.subarray(start, end + 1))).toBe(true);

    // A suffix range and an unsatisfiable one.
    const tail = await get(url, { Range: 'bytes=-100' });
    expect(tail.status).toBe(206);
    expect(tail.body.equals(original.subarray(original.length - 100))).toBe(true);
    expect((await get(url, { Range: `bytes=${original.length}-` })).status).toBe(416);

    // The whole file, as a player without Range asks for it.
    const whole = await get(url);
    expect(whole.status).toBe(200);
    expect(whole.body.equals(original)).toBe(true);
    await waitFor(leecher, added.id, isComplete, 30_000, 'download');
  });

  it('a slow player gets every byte of the whole file right (chunk buffers are reused only after the socket took them)', async () => {
    const { dir, open } = await startEngineEnv(defer);
    const source = path.join(dir, 'src', 'film.webm');
    await writeRandomFile(source, 12 * 1024 * KiB + 7);
    const original = await readFile(source);
    const seeder = await open('seeder');
    const shared = await seeder.share([source], { pieceLengthBytes: 1024 * KiB });
    const leecher = await open('leecher');
    const added = await leecher.add({ kind: 'metainfo', bytes: shared.torrentBytes });
    await waitFor(leecher, added.id, isComplete, 30_000, 'download');
    const streams = await StreamServer.start(leecher, { host: '127.0.0.1' });
    defer(() => streams.close());

    // The player stops reading for a while after every few chunks, so the server's writes
    // back up behind a full socket and it runs out of free buffers again and again.
    const body = await new Promise<Buffer>((resolve, reject) => {
      const req = http.get(streams.urlFor(added.id, 0), (res) => {
        const chunks: Buffer[] = [];
        let sinceStop = 0;
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          sinceStop += c.length;
          if (sinceStop >= 2 * 1024 * KiB) {
            sinceStop = 0;
            res.pause();
            setTimeout(() => res.resume(), 150);
          }
        });
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', reject);
      });
      req.on('error', reject);
    });
    expect(body.length).toBe(original.length);
    expect(body.equals(original)).toBe(true);
  });
});
