// IPv6 end to end on ::1: a tracker bound to [::1] (and a dual-stack one on [::]), sessions
// listening on ::1, magnets, and peer addresses shown as [addr]:port.
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PieceVerifiedEvent } from '../src-main/engine/session-api.ts';
import { openSession } from '../src-main/engine/session/open-session.ts';
import { parseIpv6 } from '../src-main/protocol/ip-address.ts';
import {
  decodeExtensionHandshake,
  type ExtensionHandshake,
} from '../src-main/protocol/wire/extension-handshake.ts';
import { encodeHandshake, makeReserved } from '../src-main/protocol/wire/handshake.ts';
import { generatePeerId } from '../src-main/protocol/wire/peer-id.ts';
import { WireDecoder } from '../src-main/protocol/wire/wire-decoder.ts';
import { TrackerServer } from '../src-main/tracker/server/index.ts';
import { makeTempDir } from './support/temp-dir.ts';
import {
  cleanupAfterEach,
  FAST_TUNING,
  isComplete,
  openTestSession,
  sha256File,
  waitFor,
  writeRandomFile,
} from './engine-harness.ts';

const MiB = 1024 * 1024;

describe('IPv6 end to end', () => {
  const defer = cleanupAfterEach();

  async function v6Env(trackerHost = '::1') {
    const tmp = await makeTempDir();
    defer(tmp.remove);
    const server = new TrackerServer({ intervalSec: 1 });
    const { port } = await server.listen({ host: trackerHost, port: 0 });
    defer(() => server.close());
    const url = `udp://[::1]:${port}`;
    return { dir: tmp.dir, server, url };
  }

  it('a seeder and a leecher on ::1 find each other through a UDP tracker on [::1]', async () => {
    const { dir, url } = await v6Env();
    const source = path.join(dir, 'src', 'payload.bin');
    await writeRandomFile(source, 2 * MiB + 3);
    const seeder = await openTestSession(dir, 'seeder', { peerHost: '::1', defaultTrackers: [url] });
    defer(() => seeder.close());
    const shared = await seeder.share([source], { pieceLengthBytes: 32 * 1024 });
    const leecher = await openTestSession(dir, 'leecher', { peerHost: '::1', defaultTrackers: [url] });
    defer(() => leecher.close());
    const events: PieceVerifiedEvent[] = [];
    leecher.on('piece-verified', (e) => events.push(e));
    await leecher.add({ kind: 'magnet', uri: shared.magnet });
    await waitFor(leecher, shared.id, isComplete, 45_000, 'download over ::1');
    expect(await sha256File(path.join(dir, 'leecher', 'downloads', 'payload.bin'))).toBe(
      await sha256File(source),
    );
    expect(new Set(events.map((e) => e.fromAddress))).toEqual(new Set([`[::1]:${seeder.peerPort}`]));
  });

  it('a session on its default address takes peers over IPv4 and IPv6 alike; magnets name them x.pe=[v6]:port', async () => {
    const { dir } = await v6Env();
    const source = path.join(dir, 'src', 'both.bin');
    await writeRandomFile(source, MiB + 9);
    // No peerHost: the peer server's default, every IPv6 and IPv4 address.
    const seeder = await openSession({
      dataDir: path.join(dir, 'seeder', 'data'),
      downloadDir: path.join(dir, 'seeder', 'downloads'),
      peerPort: 0,
      tuning: FAST_TUNING,
      // Slow enough that both leechers are seen connected before they finish.
      rateLimits: { uploadBps: 256 * 1024 },
    });
    defer(() => seeder.close());
    const shared = await seeder.share([source], { pieceLengthBytes: 32 * 1024 });
    const over4 = await openTestSession(dir, 'over4', { peerHost: '127.0.0.1' });
    defer(() => over4.close());
    const over6 = await openTestSession(dir, 'over6', { peerHost: '::1' });
    defer(() => over6.close());
    await over4.add({
      kind: 'magnet',
      uri: `magnet:?xt=urn:btih:${shared.id}&x.pe=127.0.0.1:${seeder.peerPort}`,
    });
    await over6.add({
      kind: 'magnet',
      uri: `magnet:?xt=urn:btih:${shared.id}&x.pe=%5B::1%5D:${seeder.peerPort}`,
    });
    const seen = new Set<string>();
    const poll = setInterval(() => {
      for (const p of seeder.detail(shared.id).peers) seen.add(p.address);
    }, 50);
    defer(async () => clearInterval(poll));
    await waitFor(over4, shared.id, isComplete, 45_000, 'download over IPv4');
    await waitFor(over6, shared.id, isComplete, 45_000, 'download over IPv6');
    const want = await sha256File(source);
    for (const name of ['over4', 'over6'])
      expect(await sha256File(path.join(dir, name, 'downloads', 'both.bin'))).toBe(want);
    // The seeder lists the IPv4 peer as a.b.c.d:port (not ::ffff:…) and the IPv6 one in brackets.
    clearInterval(poll);
    const addresses = [...seen];
    expect(addresses.some((a) => /^127\.0\.0\.1:\d+$/.test(a))).toBe(true);
    expect(addresses.some((a) => /^\[::1\]:\d+$/.test(a))).toBe(true);
  });

  it('the BEP 10 handshake tells an IPv6 peer its address (yourip, 16 bytes) and offers ut_pex only for public torrents', async () => {
    const { dir } = await v6Env();
    const seeder = await openTestSession(dir, 'seeder', { peerHost: '::1' });
    defer(() => seeder.close());
    const publicFile = path.join(dir, 'src', 'public.bin');
    const privateFile = path.join(dir, 'src', 'private.bin');
    await writeRandomFile(publicFile, 100_000);
    await writeRandomFile(privateFile, 100_001);
    const pub = await seeder.share([publicFile], { pieceLengthBytes: 32 * 1024 });
    const priv = await seeder.share([privateFile], { pieceLengthBytes: 32 * 1024, private: true });
    const ofPublic = await extensionHandshakeFrom(seeder.peerPort, pub.id);
    expect(Buffer.from(ofPublic.yourIp!).equals(Buffer.from(parseIpv6('::1')))).toBe(true);
    // Bound to ::1, the session knows that address of its own (BEP 10 `ipv6`).
    expect(Buffer.from(ofPublic.ipv6!).equals(Buffer.from(parseIpv6('::1')))).toBe(true);
    expect(ofPublic.ipv4).toBeUndefined();
    expect(ofPublic.m.ut_pex).toBeGreaterThan(0);
    const ofPrivate = await extensionHandshakeFrom(seeder.peerPort, priv.id);
    expect(ofPrivate.m.ut_pex).toBeUndefined();
    expect(ofPrivate.m.ut_metadata).toBeGreaterThan(0);
  });

  it('the BEP 10 handshake gives our own address only as the settings name it: ipv4 from the announce address, none for a wildcard bind', async () => {
    const { dir } = await v6Env();
    const file = path.join(dir, 'src', 'own.bin');
    await writeRandomFile(file, 50_000);
    // The announce address wins over the bind address of the same family.
    const announced = await openTestSession(dir, 'announced', {
      peerHost: '127.0.0.1',
      announceHost: '192.0.2.7',
    });
    defer(() => announced.close());
    const a = await announced.share([file], { pieceLengthBytes: 32 * 1024 });
    const fromAnnounced = await extensionHandshakeFrom(announced.peerPort, a.id, '127.0.0.1');
    expect(fromAnnounced.ipv4).toEqual(Uint8Array.of(192, 0, 2, 7));
    expect(fromAnnounced.ipv6).toBeUndefined();
    expect(fromAnnounced.yourIp).toEqual(Uint8Array.of(127, 0, 0, 1));
    // Bound to every interface with no announce address: nothing is known, nothing guessed.
    const wildcard = await openTestSession(dir, 'wildcard', { peerHost: '::' });
    defer(() => wildcard.close());
    const w = await wildcard.share([file], { pieceLengthBytes: 32 * 1024 });
    const fromWildcard = await extensionHandshakeFrom(wildcard.peerPort, w.id, '::1');
    expect(fromWildcard.ipv4).toBeUndefined();
    expect(fromWildcard.ipv6).toBeUndefined();
  });
});

/** Dials host:port as a fresh peer for `infoHashHex` and returns the BEP 10 handshake it gets. */
function extensionHandshakeFrom(
  port: number,
  infoHashHex: string,
  host = '::1',
): Promise<ExtensionHandshake> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no extension handshake within 10 s'));
    }, 10_000);
    const done = (h: ExtensionHandshake) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(h);
    };
    socket.on('error', reject);
    const decoder = new WireDecoder({
      onMessage: (m) => {
        if (m.type === 'extended' && m.extId === 0) done(decodeExtensionHandshake(m.payload));
      },
    });
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.on('connect', () =>
      socket.write(
        encodeHandshake({
          reserved: makeReserved({ extensionProtocol: true, fastExtension: true }),
          infoHash: Buffer.from(infoHashHex, 'hex'),
          peerId: generatePeerId('-XX0001-'),
        }),
      ),
    );
  });
}
