// Test support: a complete BEP 15 announce request with neutral defaults, for tests that
// only care about a few of its fields.
import type { AnnounceRequest } from './announce.ts';

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
