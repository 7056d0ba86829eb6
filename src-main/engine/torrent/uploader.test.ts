import { describe, expect, it } from 'vitest';
import type { BlockRef } from '../../protocol/wire/messages.ts';
import type { PeerConnection } from '../peer/peer-connection.ts';
import { TokenBucket } from '../rate/token-bucket.ts';
import type { Storage } from '../storage/storage.ts';
import { TorrentPeer } from './torrent-peer.ts';
import { Uploader } from './uploader.ts';

const BLOCK = 16 * 1024;
const PIECE = 4 * BLOCK;

/** The parts of a connection the uploader touches, recording what it sends. */
function fakeConn(fastExtension: boolean) {
  const sent = { pieces: [] as BlockRef[], rejects: [] as BlockRef[] };
  const conn = {
    fastExtension,
    amChoking: false,
    isClosed: false,
    bufferedBytes: 0,
    sendReject: (ref: BlockRef) => sent.rejects.push(ref),
    sendPieces: (run: readonly BlockRef[], _data: Uint8Array, release: () => void) => {
      sent.pieces.push(...run);
      release();
    },
  };
  return { conn, sent };
}

/** Storage whose reads finish only when the test says so (a read in flight across a choke). */
function heldStorage() {
  const pending: (() => void)[] = [];
  const storage = {
    readBlock: (_index: number, _offset: number, length: number) =>
      new Promise<Uint8Array>((resolve) => pending.push(() => resolve(new Uint8Array(length)))),
    readBlockInto: () => new Promise<void>((resolve) => pending.push(resolve)),
  } as unknown as Storage;
  const finishReads = async () => {
    for (const done of pending.splice(0)) done();
    // Let the read promises and the send after them run.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { storage, finishReads };
}

function setup(fastExtension: boolean) {
  const { conn, sent } = fakeConn(fastExtension);
  const peer = new TorrentPeer(0, conn as unknown as PeerConnection, 0, 16);
  const { storage, finishReads } = heldStorage();
  const uploader = new Uploader({
    storage: () => storage,
    have: () => true,
    pieceLength: () => PIECE,
    onUploaded: () => {},
    limiter: new TokenBucket(),
    onReadError: (err) => {
      throw err;
    },
  });
  const request = (begin: number): BlockRef => {
    const ref = { index: 0, begin, length: BLOCK };
    uploader.onRequest(peer, ref);
    return ref;
  };
  const choke = () => {
    conn.amChoking = true;
    uploader.onChoked(peer);
  };
  return { peer, sent, request, choke, finishReads };
}

describe('Uploader: a choke while a run is being read', () => {
  it('rejects the blocks of that run to a BEP 6 peer instead of dropping them silently', async () => {
    const { peer, sent, request, choke, finishReads } = setup(true);
    const refs = [request(0), request(BLOCK)];
    await Promise.resolve(); // the microtask pump takes both into one read
    expect(peer.readsInFlight).toBe(1);
    expect(peer.uploadQueue).toHaveLength(0);
    choke();
    await finishReads();
    expect(sent.pieces).toEqual([]);
    // Without the REJECTs the peer would wait for its request time-out (30 s by default)
    // before asking anyone else for these blocks.
    expect(sent.rejects).toEqual(refs);
    expect(peer.readsInFlight).toBe(0);
  });

  it('drops them without a word to a peer without BEP 6 (BEP 3: a choke cancels every request)', async () => {
    const { sent, request, choke, finishReads } = setup(false);
    request(0);
    await Promise.resolve();
    choke();
    await finishReads();
    expect(sent.pieces).toEqual([]);
    expect(sent.rejects).toEqual([]);
  });

  it('sends the run when no choke came in between', async () => {
    const { sent, request, finishReads } = setup(true);
    const refs = [request(0), request(BLOCK)];
    await Promise.resolve();
    await finishReads();
    expect(sent.pieces).toEqual(refs);
    expect(sent.rejects).toEqual([]);
  });
});
