// BEP 11 peer exchange between real sessions on loopback: a peer that knows one address
// learns the rest of the swarm from it and downloads from peers it was never told about.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PieceVerifiedEvent } from '../src-main/engine/session-api.ts';
import {
  cleanupAfterEach,
  isComplete,
  openTestSession,
  sha256File,
  startEngineEnv,
  waitFor,
  writeRandomFile,
} from './engine-harness.ts';

const MiB = 1024 * 1024;

describe('peer exchange (BEP 11)', () => {
  const defer = cleanupAfterEach();

  /**
   * A seeds (upload-limited so the download takes a while) and B leeches from it through
   * the tracker; once B has part of the file, C starts with a magnet naming only A (no
   * tracker). C listens on 127.0.0.3 while its dials leave from 127.0.0.1, so the address A
   * sees for C does not accept connections: like a peer behind NAT, C meets B only by
   * dialing an address it heard of from A. With `bOverIpv6`, A listens on IPv6 and IPv4 and
   * B, on ::1 with no tracker, dials A at [::1]: A must name B to C in `added6`.
   */
  async function threePeers(opts: { private: boolean; bOverIpv6?: boolean }) {
    const { dir, open, tracker } = await startEngineEnv(defer);
    const source = path.join(dir, 'src', 'payload.bin');
    await writeRandomFile(source, 6 * MiB);
    const a = await open('a', {
      rateLimits: { uploadBps: 768 * 1024 },
      ...(opts.bOverIpv6 ? { peerHost: '::' } : {}),
    });
    const shared = await a.share([source], { pieceLengthBytes: 64 * 1024, private: opts.private });
    const b = opts.bOverIpv6 ? await open('b', { peerHost: '::1', defaultTrackers: [] }) : await open('b');
    await b.add({
      kind: 'magnet',
      uri: opts.bOverIpv6 ? `magnet:?xt=urn:btih:${shared.id}&x.pe=%5B::1%5D:${a.peerPort}` : shared.magnet,
    });
    await waitFor(b, shared.id, (s) => s.progress >= 0.2, 30_000, 'B to hold a fifth of the file');
    const c = await openTestSession(dir, 'c', { peerHost: '127.0.0.3' });
    defer(() => c.close());
    const fromC: PieceVerifiedEvent[] = [];
    c.on('piece-verified', (e) => fromC.push(e));
    const infoHashHex = shared.id;
    await c.add({ kind: 'magnet', uri: `magnet:?xt=urn:btih:${infoHashHex}&x.pe=127.0.0.1:${a.peerPort}` });
    return { a, b, c, fromC, id: shared.id, source, tracker, dir };
  }

  it('C knows only A, learns B through A’s PEX message and downloads from B', async () => {
    const { b, c, fromC, id, source, dir } = await threePeers({ private: false });
    await waitFor(c, id, isComplete, 60_000, 'C to finish');
    expect(await sha256File(path.join(dir, 'c', 'downloads', 'payload.bin'))).toBe(await sha256File(source));
    const senders = new Set(fromC.map((e) => e.fromAddress));
    expect(senders.has(`127.0.0.1:${b.peerPort}`)).toBe(true);
  }, 90_000);

  it('PEX carries IPv6 peers (added6) to an IPv4 peer: C dials B at [::1]', async () => {
    const { b, c, fromC, id } = await threePeers({ private: false, bOverIpv6: true });
    await waitFor(c, id, isComplete, 60_000, 'C to finish');
    expect(new Set(fromC.map((e) => e.fromAddress)).has(`[::1]:${b.peerPort}`)).toBe(true);
  }, 90_000);

  it('a private torrent neither sends nor takes PEX: C stays with A alone', async () => {
    const { a, b, c, fromC, id } = await threePeers({ private: true });
    await waitFor(c, id, isComplete, 60_000, 'C to finish from A');
    const senders = new Set(fromC.map((e) => e.fromAddress));
    expect(senders).toEqual(new Set([`127.0.0.1:${a.peerPort}`]));
    expect(c.detail(id).peers.map((p) => p.address)).not.toContain(`127.0.0.1:${b.peerPort}`);
  }, 90_000);
});
