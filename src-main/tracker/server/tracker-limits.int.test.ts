// The tracker's limits on a real loopback socket: what an abusive or merely unusual client
// gets, and that everyone else is still served (docs/PROTOCOL.md "Limits").
import { afterEach, describe, expect, it } from 'vitest';
import {
  encodeAnnounceRequest,
  encodeScrapeRequest,
  MAX_SCRAPE_HASHES,
} from '../../protocol/udp-tracker/index.ts';
import { announceRequestOf } from '../../protocol/udp-tracker/announce-test-support.ts';
import { UdpTrackerClient } from '../client/udp-tracker-client.ts';
import { openRawTrackerSocket } from './raw-tracker-socket.ts';
import { TrackerServer } from './tracker-server.ts';

const hash = (v: number) => {
  const h = new Uint8Array(20);
  new DataView(h.buffer).setUint32(0, v);
  return h;
};
const peerId = (v: number) => new Uint8Array(20).fill(v);

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function startServer(options: ConstructorParameters<typeof TrackerServer>[0] = {}) {
  const server = new TrackerServer({ intervalSec: 15, ...options });
  const addr = await server.listen({ host: '127.0.0.1', port: 0 });
  closers.push(() => server.close());
  return { server, url: `udp://127.0.0.1:${addr.port}/announce`, port: addr.port };
}

async function rawSocket(trackerPort: number, bindHost = '127.0.0.1') {
  const raw = await openRawTrackerSocket(trackerPort, bindHost);
  closers.push(() => raw.close());
  return raw;
}

/** A raw scrape request of `n` hashes, whatever its length (the encoder refuses > 69). */
function scrapeBytes(connectionId: bigint, n: number): Uint8Array {
  const out = new Uint8Array(16 + 20 * n);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, connectionId);
  view.setUint32(8, 2);
  for (let i = 0; i < n; i++) out.set(hash(i), 16 + 20 * i);
  return out;
}

describe('scrape size limit', () => {
  it('answers a scrape of more hashes than it decodes with an error, never silence', async () => {
    const { port, server } = await startServer();
    const raw = await rawSocket(port);
    const id = await raw.connect();
    expect(
      (await raw.request(encodeAnnounceRequest(announceRequestOf(id, hash(3), peerId(1)))))?.action,
    ).toBe('announce');
    for (const n of [70, 73, 74]) {
      const reply = await raw.request(scrapeBytes(id, n));
      expect(reply, `scrape of ${n}`).toMatchObject({
        action: 'error',
        response: { message: `scrape at most ${MAX_SCRAPE_HASHES} info-hashes` },
      });
    }
    const most = await raw.request(
      encodeScrapeRequest({
        connectionId: id,
        transactionId: 1,
        infoHashes: Array.from({ length: MAX_SCRAPE_HASHES }, (_, i) => hash(i)),
      }),
    );
    if (most?.action !== 'scrape') throw new Error(`expected a scrape answer, got ${most?.action}`);
    expect(most.response.torrents).toHaveLength(MAX_SCRAPE_HASHES);
    expect(most.response.torrents[3]).toEqual({ seeders: 1, completed: 0, leechers: 0 });
    // An oversized scrape with an id this address was not given gets the usual refusal.
    const forged = await raw.request(scrapeBytes(id ^ 1n, 74));
    expect(forged).toMatchObject({ action: 'error', response: { message: 'connection id expired' } });
    expect(server.stats().internalErrors).toBe(0);
  });

  it('our client scrapes any number of hashes in requests the tracker accepts', async () => {
    const { url } = await startServer();
    const client = new UdpTrackerClient(url, { baseTimeoutMs: 1000, maxRetransmits: 3 });
    closers.push(() => client.close());
    await client.announce({
      infoHash: hash(100),
      peerId: peerId(2),
      port: 7000,
      uploaded: 0,
      downloaded: 0,
      left: 0,
      event: 'started',
    });
    const hashes = Array.from({ length: 150 }, (_, i) => hash(i));
    const results = await client.scrape(hashes);
    expect(results).toHaveLength(150);
    expect(results[100]).toEqual({ seeders: 1, completed: 0, leechers: 0 });
    expect(results.filter((r) => r.seeders > 0)).toHaveLength(1);
  });
});
