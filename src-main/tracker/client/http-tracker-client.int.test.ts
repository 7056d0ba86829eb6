// The HTTP tracker client against a small HTTP tracker on 127.0.0.1 written here: it
// checks the request bytes it receives and answers with whatever each test needs.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { bencode } from '../../protocol/bencode.ts';
import { HttpTrackerClient } from './http-tracker-client.ts';
import type { AnnounceParams } from './tracker-client-api.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function httpTracker(handler: Handler): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(r)));
  closers.push(() => server.closeAllConnections());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/announce`;
}

/** Decodes a query string value byte by byte (percent escapes are raw bytes, BEP 3). */
function rawParam(url: string, name: string): Uint8Array | undefined {
  const q = url.slice(url.indexOf('?') + 1);
  for (const part of q.split('&')) {
    const [k, v = ''] = part.split('=');
    if (k !== name) continue;
    const out: number[] = [];
    for (let i = 0; i < v.length; i++) {
      if (v[i] === '%') {
        out.push(parseInt(v.slice(i + 1, i + 3), 16));
        i += 2;
      } else out.push(v.charCodeAt(i));
    }
    return new Uint8Array(out);
  }
  return undefined;
}

const infoHash = Uint8Array.from({ length: 20 }, (_, i) => i * 13); // every kind of byte
const params: AnnounceParams = {
  infoHash,
  peerId: new Uint8Array(20).fill(0xfe),
  port: 6881,
  uploaded: 5,
  downloaded: 6,
  left: 7,
  event: 'started',
  numWant: 10,
};

describe('HttpTrackerClient on loopback', () => {
  it('sends the info-hash and peer id as escaped bytes and reads a compact reply', async () => {
    let seen: string | undefined;
    const url = await httpTracker((req, res) => {
      seen = req.url;
      res.end(
        bencode({ interval: 120, complete: 1, incomplete: 2, peers: new Uint8Array([127, 0, 0, 1, 0, 80]) }),
      );
    });
    const c = new HttpTrackerClient(url);
    closers.push(() => c.close());
    expect(await c.announce(params)).toEqual({
      intervalSec: 120,
      seeders: 1,
      leechers: 2,
      peers: [{ host: '127.0.0.1', port: 80 }],
    });
    expect(rawParam(seen ?? '', 'info_hash')).toEqual(infoHash);
    expect(rawParam(seen ?? '', 'peer_id')).toEqual(params.peerId);
    expect(seen).toMatch(/[?&]compact=1(&|$)/);
    expect(seen).toMatch(/[?&]event=started(&|$)/);
    expect(seen).toMatch(/[?&]left=7(&|$)/);
  });

  it('reports failure reason, HTTP errors, oversized and undecodable replies', async () => {
    let mode = 'failure';
    const url = await httpTracker((_req, res) => {
      if (mode === 'failure') res.end(bencode({ 'failure reason': 'torrent not registered' }));
      else if (mode === 'failure-403') {
        res.statusCode = 403;
        res.end(bencode({ 'failure reason': 'banned client' }));
      } else if (mode === '500') {
        res.statusCode = 500;
        res.end('oops');
      } else if (mode === 'huge') res.end(Buffer.alloc(5000, 0x61));
      else res.end('not bencode');
    });
    const c = new HttpTrackerClient(url, { maxResponseBytes: 1000 });
    closers.push(() => c.close());
    const attempt = async () => c.announce(params).catch((e: unknown) => e);
    expect(await attempt()).toMatchObject({
      name: 'TrackerError',
      code: 'tracker-error',
      message: 'torrent not registered',
    });
    mode = 'failure-403';
    expect(await attempt()).toMatchObject({ code: 'tracker-error', message: 'banned client' });
    mode = '500';
    expect(await attempt()).toMatchObject({ code: 'network' });
    mode = 'huge';
    expect(await attempt()).toMatchObject({ code: 'bad-response' });
    mode = 'garbage';
    expect(await attempt()).toMatchObject({ code: 'bad-response' });
  });

  it('times out on a tracker that never answers, and close() aborts', async () => {
    const url = await httpTracker(() => undefined);
    const slow = new HttpTrackerClient(url, { timeoutMs: 100 });
    await expect(slow.announce(params)).rejects.toMatchObject({ code: 'timeout' });
    const closing = new HttpTrackerClient(url, { timeoutMs: 10_000 });
    const pending = closing.announce(params);
    setTimeout(() => closing.close(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
  });

  it('scrapes through the BEP 48 scrape URL', async () => {
    let path = '';
    const url = await httpTracker((req, res) => {
      path = req.url ?? '';
      // binary dictionary keys: the raw 20-byte info-hash
      const files = Buffer.concat([
        Buffer.from('d5:filesd20:'),
        Buffer.from(infoHash),
        Buffer.from(bencode({ complete: 4, downloaded: 5, incomplete: 6 })),
        Buffer.from('ee'),
      ]);
      res.end(files);
    });
    const c = new HttpTrackerClient(url);
    closers.push(() => c.close());
    expect(await c.scrape([infoHash, new Uint8Array(20)])).toEqual([
      { seeders: 4, completed: 5, leechers: 6 },
      { seeders: 0, completed: 0, leechers: 0 },
    ]);
    expect(path.startsWith('/scrape?info_hash=')).toBe(true);
  });
});
