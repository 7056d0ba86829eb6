// The service over the real engine and the real embedded tracker, on 127.0.0.1: ports
// that are taken, settings applied and persisted, and a share found in the catalog.
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/temp-dir.ts';
import type { EventName } from '../../src-shared/contract/events.ts';
import { parseTorrent } from '../protocol/metainfo/parse-torrent.ts';
import { AppService } from './app-service.ts';
import { realServiceDeps } from './real-deps.ts';
import type { HostOverrides } from './service-types.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function open(
  overrides: HostOverrides,
  dataDir?: string,
): Promise<{ service: AppService; dir: string }> {
  const t = await makeTempDir();
  cleanups.push(() => t.remove());
  const dir = dataDir ?? t.dir;
  const service = await AppService.open(
    {
      host: 'daemon',
      version: 'test',
      dataDir: dir,
      defaultDownloadDir: path.join(dir, 'downloads'),
      overrides: { bindHost: '127.0.0.1', advertiseHost: '127.0.0.1', ...overrides },
      log: () => undefined,
    },
    realServiceDeps(),
  );
  cleanups.push(() => service.close());
  return { service, dir };
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

describe('AppService (real engine)', () => {
  it('keeps running when the embedded tracker port is taken, and says so', async () => {
    const blocker = dgram.createSocket('udp4');
    await new Promise<void>((r) => blocker.bind(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => blocker.close(() => r())));
    const port = blocker.address().port;
    const { service } = await open({ peerPort: 0, embeddedTracker: port });
    const info = service.appInfo();
    expect(info.embeddedTracker.running).toBe(false);
    expect(info.embeddedTracker.error).toMatch(new RegExp(`port ${port} is already used`));
    expect(service.startupProblems).toContainEqual(
      expect.objectContaining({ code: 'port-in-use', where: 'tracker' }),
    );
  });

  it('falls back to a free peer port when the chosen one is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => blocker.close(() => r())));
    const taken = (blocker.address() as net.AddressInfo).port;
    const { service } = await open({ peerPort: taken, embeddedTracker: 'off' });
    expect(service.session.peerPort).not.toBe(taken);
    expect(service.session.peerPort).toBeGreaterThan(0);
    expect(service.startupProblems).toContainEqual(
      expect.objectContaining({ code: 'port-in-use', where: 'settings' }),
    );
  });

  it('applies settings live, tells every client, and keeps them across a restart', async () => {
    const trackerPort = await freeUdpPort();
    const first = await open({ peerPort: 0 });
    const events: EventName[] = [];
    const conn = first.service.connect((e) => events.push(e));
    // The tracker port comes from the settings (no flag), so turning it off and on restarts it.
    let r = await conn.invoke('setSettings', {
      embeddedTracker: { enabled: true, port: trackerPort, advertiseHost: '127.0.0.1' },
    });
    expect(r.ok).toBe(true);
    expect(first.service.appInfo().embeddedTracker).toMatchObject({ running: true, port: trackerPort });
    r = await conn.invoke('setSettings', {
      embeddedTracker: { enabled: false, port: trackerPort, advertiseHost: '127.0.0.1' },
      theme: 'dark',
      rateLimits: { downloadBps: 2048, uploadBps: 0 },
    });
    expect(r).toMatchObject({ ok: true, response: { restartRequired: [] } });
    expect(first.service.appInfo().embeddedTracker.running).toBe(false);
    expect(events).toContain('settings');
    expect(events).toContain('appInfo');
    r = await conn.invoke('setSettings', { peerPort: 7777 });
    expect(r).toMatchObject({ ok: true, response: { restartRequired: ['peerPort'] } });
    await first.service.close();

    const second = await open({ peerPort: 0 }, first.dir);
    expect(second.service.settings).toMatchObject({
      theme: 'dark',
      peerPort: 7777,
      rateLimits: { downloadBps: 2048 },
      embeddedTracker: { enabled: false },
    });
    expect(second.service.appInfo().embeddedTracker.running).toBe(false);
  });

  it('a shared file is published to the embedded tracker and found by a catalog search', async () => {
    const { service, dir } = await open({ peerPort: 0, embeddedTracker: 0 });
    const file = path.join(dir, 'findable-notes.txt');
    await writeFile(file, 'x'.repeat(100_000));
    const notes: unknown[] = [];
    const conn = service.connect((event, payload) => {
      if (event === 'notification') notes.push(payload);
    });
    const shared = await conn.invoke('share', { paths: [file] });
    expect(shared).toMatchObject({ ok: true, response: { name: 'findable-notes.txt' } });
    // The catalog's answer comes after the share's, as the notification.
    await expect
      .poll(() => notes, { timeout: 10_000 })
      .toContainEqual(
        expect.objectContaining({ kind: 'shared', name: 'findable-notes.txt', published: true }),
      );
    const found = await conn.invoke('searchCatalog', { query: 'findable' });
    expect(found).toMatchObject({
      ok: true,
      response: {
        failures: [],
        entries: [
          expect.objectContaining({
            name: 'findable-notes.txt',
            totalBytes: 100_000,
            infoHashHex: (shared as { response: { id: string } }).response.id,
          }),
        ],
      },
    });
  });

  it('reports a tracker that does not answer as unreachable, in words', async () => {
    const silent = await freeUdpPort();
    const { service } = await open({
      peerPort: 0,
      embeddedTracker: 'off',
      trackers: [`udp://127.0.0.1:${silent}`],
    });
    const conn = service.connect(() => undefined);
    const r = await conn.invoke('searchCatalog', { query: '' });
    expect(r).toMatchObject({
      ok: true,
      response: {
        entries: [],
        failures: [{ tracker: `udp://127.0.0.1:${silent}`, code: 'tracker-unreachable' }],
      },
    });
  }, 20_000);
});

// A bencoded key named `__proto__` once replaced a dictionary's prototype: `add` answered
// `internal` (a TypeError) instead of saying the file is not a valid torrent.
describe('AppService add: `__proto__` keys in a .torrent', () => {
  const pieces = '\x07'.repeat(20);
  const infoWith = (fields: string) => `d6:lengthi100e${fields}12:piece lengthi16384e6:pieces20:${pieces}e`;
  const base64 = (text: string) => Buffer.from(text, 'latin1').toString('base64');

  it('answers bad-torrent for an info name given as d9:__proto__3:abce', async () => {
    const { service, dir } = await open({ peerPort: 0, embeddedTracker: 'off' });
    const conn = service.connect(() => undefined);
    const torrent = `d4:info${infoWith('4:named9:__proto__3:abce')}e`;
    const r = await conn.invoke('add', {
      source: { kind: 'torrent-file', bytesBase64: base64(torrent) },
      savePath: path.join(dir, 'downloads'),
      paused: true,
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-torrent' } });
    expect(service.session.list()).toEqual([]);
  });

  it('adds a torrent whose info has an extra `__proto__` key under the info-hash of its raw bytes', async () => {
    const { service, dir } = await open({ peerPort: 0, embeddedTracker: 'off' });
    const conn = service.connect(() => undefined);
    const info = infoWith('4:name9:proto.bin9:__proto__d4:name4:evile');
    const infoHashHex = createHash('sha1').update(Buffer.from(info, 'latin1')).digest('hex');
    const r = await conn.invoke('add', {
      source: { kind: 'torrent-file', bytesBase64: base64(`d4:info${info}e`) },
      savePath: path.join(dir, 'downloads'),
      paused: true,
    });
    expect(r).toMatchObject({ ok: true, response: { id: infoHashHex, name: 'proto.bin' } });
  });
});

describe('AppService share: several paths and the Options', () => {
  it('shares several paths as one named torrent that is private, with a comment, a web seed and an extra tracker', async () => {
    const { service, dir } = await open({ peerPort: 0, embeddedTracker: 'off' });
    const a = path.join(dir, 'x', 'a.bin');
    const b = path.join(dir, 'y', 'b.txt');
    await mkdir(path.dirname(a), { recursive: true });
    await mkdir(path.dirname(b), { recursive: true });
    await writeFile(a, 'a'.repeat(70_000));
    await writeFile(b, 'b'.repeat(100));
    const conn = service.connect(() => undefined);
    const r = await conn.invoke('share', {
      paths: [a, b],
      name: ' Holiday pack ',
      options: {
        pieceLengthBytes: 32 * 1024,
        private: true,
        comment: 'for the family',
        trackers: ['', 'http://127.0.0.1:1/announce'],
        webSeeds: ['http://127.0.0.1:8080/holiday/'],
      },
    });
    expect(r).toMatchObject({ ok: true, response: { name: 'Holiday pack' } });
    const id = (r as { response: { id: string } }).response.id;
    const file = await conn.invoke('getTorrentFile', { id });
    const m = parseTorrent(
      Buffer.from((file as { response: { bytesBase64: string } }).response.bytesBase64, 'base64'),
    );
    expect(m).toMatchObject({
      name: 'Holiday pack',
      multiFile: true,
      private: true,
      comment: 'for the family',
      pieceLengthBytes: 32 * 1024,
      webSeeds: ['http://127.0.0.1:8080/holiday/'],
    });
    expect(m.files.map((f) => f.path.join('/'))).toEqual(['a.bin', 'b.txt']);
    expect(m.announceList.flat()).toContain('http://127.0.0.1:1/announce');
  });

  it.each([
    ['several paths without a name', { name: undefined, options: {} }, 'share-name-required'],
    ['a name with a slash', { name: 'a/b', options: {} }, 'share-bad-name'],
    [
      'a piece size that is not a power of two',
      { name: 'p', options: { pieceLengthBytes: 100_000 } },
      'bad-piece-size',
    ],
    ['a piece size under 16 KiB', { name: 'p', options: { pieceLengthBytes: 8192 } }, 'bad-piece-size'],
    ['an ftp web seed', { name: 'p', options: { webSeeds: ['ftp://127.0.0.1/x'] } }, 'bad-web-seed'],
    [
      'a tracker that is not a URL',
      { name: 'p', options: { trackers: ['tracker please'] } },
      'bad-tracker-url',
    ],
    [
      'a udp tracker without a port',
      { name: 'p', options: { trackers: ['udp://127.0.0.1'] } },
      'bad-tracker-url',
    ],
    [
      'a comment over 4096 characters',
      { name: 'p', options: { comment: 'c'.repeat(4097) } },
      'comment-too-long',
    ],
  ])('refuses %s with its own code, sharing nothing', async (_label, request, code) => {
    const { service, dir } = await open({ peerPort: 0, embeddedTracker: 'off' });
    const a = path.join(dir, 'a.bin');
    const b = path.join(dir, 'b.bin');
    await writeFile(a, 'a');
    await writeFile(b, 'b');
    const conn = service.connect(() => undefined);
    const r = await conn.invoke('share', {
      paths: [a, b],
      ...(request.name !== undefined ? { name: request.name } : {}),
      options: request.options,
    });
    expect(r).toMatchObject({ ok: false, error: { code } });
    expect(service.session.list()).toEqual([]);
  });

  it('refuses two items with the same name in one share, in words', async () => {
    const { service, dir } = await open({ peerPort: 0, embeddedTracker: 'off' });
    const one = path.join(dir, 'x', 'same.bin');
    const two = path.join(dir, 'y', 'same.bin');
    await mkdir(path.dirname(one), { recursive: true });
    await mkdir(path.dirname(two), { recursive: true });
    await writeFile(one, '1');
    await writeFile(two, '2');
    const conn = service.connect(() => undefined);
    const r = await conn.invoke('share', { paths: [one, two], name: 'pack' });
    expect(r).toMatchObject({ ok: false, error: { code: 'share-name-clash' } });
  });
});
