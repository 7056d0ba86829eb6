// Test support: a complete BEP 15 announce request with neutral defaults, for tests that
// only care about a few of its fields; an announce response from text addresses.
import type { IpFamily } from '../ip-address.ts';
import { encodeAnnounceResponseCompact, type AnnounceRequest, type AnnounceResponse } from './announce.ts';
import { encodeCompactPeers } from './compact-peers.ts';

/** An announce for `connectionId`: started, port 6881, tracker's default numwant, and `fields`. */
export function announceRequestOf(
  connectionId: bigint,
  infoHash: Uint8Array,
  peerId: Uint8Array,
  fields: Partial<AnnounceRequest> = {},
): AnnounceRequest {
  return {
    connectionId,
    transactionId: 2,
    infoHash,
    peerId,
    downloaded: 0,
    left: 0,
    uploaded: 0,
    event: 'started',
    ip: null,
    key: 0,
    numWant: -1,
    port: 6881,
    ...fields,
  };
}

/** An announce response from peers given as text addresses (the tracker keeps them compact). */
export function encodeAnnounceResponse(res: AnnounceResponse, family: IpFamily): Uint8Array {
  return encodeAnnounceResponseCompact(res, encodeCompactPeers(res.peers, family), family);
}
