// TrackerCore driven datagram by datagram, without sockets: the tracker's rules end to end
// through the real codecs. Socket behaviour is in tracker-server.int.test.ts.
import { describe, expect, it } from 'vitest';
import {
  decodeTrackerResponse,
  encodeAnnounceRequest,
  encodeCatalogListRequest,
  encodeCatalogPublishRequest,
  encodeConnectRequest,
  encodeScrapeRequest,
  type AnnounceRequest,
  ipFamily,
  normalizeIp,
  type TrackerResponse,
} from '../../protocol/udp-tracker/index.ts';
import { announceRequestOf } from '../../protocol/udp-tracker/announce-test-support.ts';
import { TrackerCore, type DatagramSource, type TrackerOptions } from './tracker-core.ts';

const hash = (v: number) => new Uint8Array(20).fill(v);

function setup(options: TrackerOptions = {}) {
  let now = 10_000_000;
  const core = new TrackerCore({ intervalSec: 15, now: () => now, ...options });
  const send = (bytes: Uint8Array, from: DatagramSource): TrackerResponse | null => {
    let out = core.handle(bytes, from);
    // Searches are answered in their turn (runSearches), as the server does after each batch.
    while (!out && core.searchesQueued) core.runSearches((reply) => (out = reply));
    return out && decodeTrackerResponse(out, ipFamily(normalizeIp(from.address)) ?? 4);
  };
  const connect = (from: DatagramSource): bigint => {
    const r = send(encodeConnectRequest({ transactionId: 1 }), from);
    if (r?.action !== 'connect') throw new Error('no connect response');
    return r.response.connectionId;
  };
  const announce = (
    from: DatagramSource,
    fields: Partial<AnnounceRequest> = {},
    connectionId = connect(from),
  ) => send(encodeAnnounceRequest(announceRequestOf(connectionId, hash(1), hash(9), fields)), from);
  return { core, send, connect, announce, advance: (ms: number) => (now += ms) };
}

const ALICE = { address: '192.0.2.1', port: 40000 };
const BOB = { address: '192.0.2.2', port: 40001 };

describe('TrackerCore', () => {
  it('answers announce with the configured interval and the sender as the peer', () => {
    const { announce } = setup();
    announce(ALICE);
    const r = announce(BOB, { left: 5 });
    expect(r).toEqual({
      action: 'announce',
      response: {
        transactionId: 2,
        intervalSec: 15,
        leechers: 1,
        seeders: 1,
        peers: [{ host: '192.0.2.1', port: 6881 }],
      },
    });
  });

  it('refuses an id issued to another address, another port, or too long ago', () => {
    const { core, connect, announce, advance } = setup();
    const idA = connect(ALICE);
    expect(announce(BOB, {}, idA)?.action).toBe('error');
    expect(announce({ ...ALICE, port: ALICE.port + 1 }, {}, idA)?.action).toBe('error');
    advance(121_000);
    expect(announce(ALICE, {}, idA)?.action).toBe('error');
    expect(core.stats().rejectedConnectionIds).toBe(3);
    expect(core.snapshot().swarms).toEqual([]);
  });

  it('never answers a refused id with more bytes than the request (no amplification)', () => {
    const { core, send } = setup();
    const shortList = encodeCatalogListRequest({
      connectionId: 42n,
      transactionId: 1,
      offset: 0,
      maxEntries: 0,
      query: '',
    });
    expect(shortList.length).toBe(22);
    expect(core.handle(shortList, ALICE)).toBeNull();
    const bytes = encodeScrapeRequest({ connectionId: 42n, transactionId: 1, infoHashes: [hash(1)] });
    const refusal = core.handle(bytes, ALICE);
    expect(refusal?.length).toBeLessThanOrEqual(bytes.length);
    expect(send(bytes, ALICE)).toEqual({
      action: 'error',
      response: { transactionId: 1, message: 'connection id expired' },
    });
    expect(core.stats().rejectedConnectionIds).toBe(3);
  });

  it('ignores the IP field from non-loopback senders and believes it from loopback', () => {
    const { core, announce } = setup();
    announce(ALICE, { ip: '203.0.113.9' });
    announce({ address: '127.0.0.1', port: 5000 }, { ip: '203.0.113.10', port: 7000 });
    announce({ address: '::ffff:127.0.0.1', port: 5001 }, { port: 7001 });
    expect(core.snapshot().swarms[0]?.peers.map((p) => `${p.ip}:${p.port}`)).toEqual([
      '127.0.0.1:7001',
      '192.0.2.1:6881',
      '203.0.113.10:7000',
    ]);
  });

  it('can be told never to believe the IP field', () => {
    const { core, announce } = setup({ trustAnnounceIp: 'never' });
    announce({ address: '127.0.0.1', port: 5000 }, { ip: '203.0.113.10' });
    expect(core.snapshot().swarms[0]?.peers[0]?.ip).toBe('127.0.0.1');
  });

  it('caps numWant at the maximum and uses the default for -1', () => {
    const { announce } = setup({ defaultNumWant: 3, maxNumWant: 5 });
    for (let i = 0; i < 10; i++) announce({ address: `10.0.0.${i + 1}`, port: 1000 }, { port: 2000 + i });
    const peers = (fields: Partial<AnnounceRequest>) => {
      const r = announce({ address: '10.0.1.1', port: 1000 }, { left: 1, ...fields });
      return r?.action === 'announce' ? r.response.peers.length : -1;
    };
    expect(peers({ numWant: -1 })).toBe(3);
    expect(peers({ numWant: 100 })).toBe(5);
    expect(peers({ numWant: 2 })).toBe(2);
  });

  it('drops announces for port 0 as malformed', () => {
    const { core, announce } = setup();
    expect(announce(ALICE, { port: 0 })).toBeNull();
    expect(core.stats().malformedDropped).toBe(1);
    expect(core.snapshot().swarms).toEqual([]);
  });

  it('drops malformed announces without touching state, and answers the next good one', () => {
    const { core, connect, announce } = setup();
    const id = connect(ALICE);
    const good = encodeAnnounceRequest(announceRequestOf(id, hash(3), hash(9), { transactionId: 7 }));
    const badEvent = good.slice();
    badEvent[83] = 9;
    const oversized = new Uint8Array(1473);
    oversized.set(good);
    for (const bad of [good.subarray(0, 97), badEvent, oversized]) expect(core.handle(bad, ALICE)).toBeNull();
    expect(core.stats().malformedDropped).toBe(3);
    expect(core.snapshot().swarms).toEqual([]);
    expect(announce(ALICE, { infoHash: hash(3) }, id)?.action).toBe('announce');
    expect(core.snapshot().swarms.map((s) => s.infoHashHex)).toEqual(['03'.repeat(20)]);
  });

  it('keeps its own copy of an info-hash announced in place: the datagram may be reused', () => {
    const { core, connect } = setup();
    const datagram = encodeAnnounceRequest(announceRequestOf(connect(ALICE), hash(4), hash(9)));
    expect(core.handle(datagram, ALICE)).not.toBeNull();
    datagram.fill(0xee, 16, 36); // the receive buffer, overwritten by the next datagram
    expect(core.snapshot().swarms.map((s) => s.infoHashHex)).toEqual(['04'.repeat(20)]);
  });

  it('scrapes seeders, completed and leechers', () => {
    const { send, connect, announce } = setup();
    announce(ALICE, { event: 'started', left: 10 });
    announce(ALICE, { event: 'completed', left: 0 });
    announce(BOB, { left: 10 });
    const r = send(
      encodeScrapeRequest({ connectionId: connect(BOB), transactionId: 3, infoHashes: [hash(1), hash(2)] }),
      BOB,
    );
    expect(r).toEqual({
      action: 'scrape',
      response: {
        transactionId: 3,
        torrents: [
          { seeders: 1, completed: 1, leechers: 1 },
          { seeders: 0, completed: 0, leechers: 0 },
        ],
      },
    });
  });

  it('publishes only for a seeder of the torrent, and lists with counts', () => {
    const { core, send, connect, announce } = setup();
    const publish = (from: DatagramSource, name: string, v = 1) =>
      send(
        encodeCatalogPublishRequest({
          connectionId: connect(from),
          transactionId: 4,
          entry: { infoHash: hash(v), name, totalSizeBytes: 1234, fileCount: 2 },
        }),
        from,
      );
    expect(publish(ALICE, 'Before announcing')?.action).toBe('error');
    announce(BOB, { left: 5 });
    expect(publish(BOB, 'Leecher')?.action).toBe('error');
    announce(ALICE, { left: 0 });
    expect(publish(ALICE, 'Holiday Photos')).toEqual({
      action: 'catalog-publish',
      response: { transactionId: 4, status: 'added' },
    });
    expect(publish(ALICE, 'Holiday Photos 2')).toEqual({
      action: 'catalog-publish',
      response: { transactionId: 4, status: 'updated' },
    });
    const list = send(
      encodeCatalogListRequest({
        connectionId: connect(BOB),
        transactionId: 5,
        offset: 0,
        maxEntries: 0,
        query: 'PHOTO',
      }),
      BOB,
    );
    expect(list).toEqual({
      action: 'catalog-list',
      response: {
        transactionId: 5,
        totalMatches: 1,
        offset: 0,
        entries: [
          {
            infoHash: hash(1),
            name: 'Holiday Photos 2',
            totalSizeBytes: 1234,
            fileCount: 2,
            seeders: 1,
            leechers: 1,
            completed: 0,
          },
        ],
      },
    });
    expect(core.stats().publishes).toBe(2);
  });

  it('limits publishes per address', () => {
    const { send, connect, announce } = setup({ publishBurst: 2, publishPerMinute: 1 });
    announce(ALICE, { left: 0 });
    const results = [1, 2, 3].map(() =>
      send(
        encodeCatalogPublishRequest({
          connectionId: connect(ALICE),
          transactionId: 4,
          entry: { infoHash: hash(1), name: 'x', totalSizeBytes: 1, fileCount: 1 },
        }),
        ALICE,
      ),
    );
    expect(results.map((r) => r?.action)).toEqual(['catalog-publish', 'catalog-publish', 'error']);
    const last = results[2];
    expect(last?.action === 'error' && last.response.message).toMatch(/rate/);
  });

  it('pages the catalog within one datagram per request', () => {
    const { send, connect, announce } = setup({ publishBurst: 100 });
    // 40 torrents with long names (4–5 fit a datagram), each published by its seeder
    for (let v = 1; v <= 40; v++) {
      announce(ALICE, { infoHash: hash(v), left: 0 });
      const name = `file-${String(v).padStart(2, '0')}-${'x'.repeat(200)}`;
      const r = send(
        encodeCatalogPublishRequest({
          connectionId: connect(ALICE),
          transactionId: 1,
          entry: { infoHash: hash(v), name, totalSizeBytes: v, fileCount: 1 },
        }),
        ALICE,
      );
      expect(r?.action).toBe('catalog-publish');
    }
    const seen: string[] = [];
    let offset = 0;
    for (let i = 0; i < 40 && offset < 40; i++) {
      const r = send(
        encodeCatalogListRequest({
          connectionId: connect(BOB),
          transactionId: 1,
          offset,
          maxEntries: 0,
          query: 'FILE',
        }),
        BOB,
      );
      if (r?.action !== 'catalog-list') throw new Error('no list');
      expect(r.response.totalMatches).toBe(40);
      expect(r.response.entries.length).toBeGreaterThan(0);
      seen.push(...r.response.entries.map((e) => e.name.slice(0, 7)));
      offset += r.response.entries.length;
    }
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => `file-${String(i + 1).padStart(2, '0')}`));
  });

  it('answers a search over several turns of its budget, in arrival order, announces in between at once', () => {
    const { core, connect, announce } = setup({ publishBurst: 1000, searchBudgetPerTurn: 100 });
    for (let v = 1; v <= 250; v++) {
      announce(ALICE, { infoHash: hash(v), left: 0 });
      core.handle(
        encodeCatalogPublishRequest({
          connectionId: connect(ALICE),
          transactionId: 1,
          entry: { infoHash: hash(v), name: `entry ${v}`, totalSizeBytes: 1, fileCount: 1 },
        }),
        ALICE,
      );
    }
    const search = (transactionId: number, query: string) =>
      core.handle(
        encodeCatalogListRequest({
          connectionId: connect(BOB),
          transactionId,
          offset: 0,
          maxEntries: 1,
          query,
        }),
        BOB,
      );
    expect(search(1, 'ENTRY')).toBeNull();
    expect(search(2, 'entry 2')).toBeNull();
    const answered: number[] = [];
    const turn = () =>
      core.runSearches((reply) => {
        const r = decodeTrackerResponse(reply, 4);
        if (r.action === 'catalog-list') answered.push(r.response.transactionId);
      });
    expect(turn()).toBe(true); // 100 of 250 names
    expect(announce(BOB, { infoHash: hash(1) })?.action).toBe('announce'); // not behind the search
    expect(turn()).toBe(true);
    expect(answered).toEqual([]);
    expect(turn()).toBe(true); // the first search is done; the second has begun
    expect(answered).toEqual([1]);
    while (turn());
    expect(answered).toEqual([1, 2]);
    expect(core.searchesQueued).toBe(false);
    // The same query again is served from the finished search: one turn, no scan.
    expect(search(3, 'entry')).toBeNull();
    expect(turn()).toBe(false);
    expect(answered).toEqual([1, 2, 3]);
  });

  it('drops searches past the queue bound, unanswered and counted', () => {
    const { core, connect } = setup({ maxQueuedSearches: 2 });
    const list = () =>
      encodeCatalogListRequest({
        connectionId: connect(BOB),
        transactionId: 1,
        offset: 0,
        maxEntries: 0,
        query: 'x',
      });
    for (let i = 0; i < 5; i++) expect(core.handle(list(), BOB)).toBeNull();
    expect(core.stats().searchesDropped).toBe(3);
    let replies = 0;
    while (core.runSearches(() => replies++));
    expect(replies).toBe(2);
  });
});
