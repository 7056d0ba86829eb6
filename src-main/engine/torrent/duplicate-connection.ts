/**
 * Two connections to one peer (the same peer id): which one stays. It happens when two
 * peers dial each other at once (both heard of the other through PEX), or when one peer
 * is reached at two addresses (IPv4 and IPv6). Both ends must close the same connection:
 * if each kept the one it had first, each would close the one the other kept, and the pair
 * would end with none, again on every retry.
 *
 * The rule is libtorrent's, so both ends agree with it too: the peer with the greater peer
 * id is the one allowed to initiate, so the connection it opened stays. Two connections
 * opened by the same side keep the older (the other side sees the same order).
 */
import type { PeerConnection } from '../peer/peer-connection.ts';

type Direction = PeerConnection['direction'];

/** True when `newcomer` replaces `existing`; false when `newcomer` is the one closed. */
export function keepsNewcomer(
  ourPeerId: Uint8Array,
  theirPeerId: Uint8Array,
  existing: Direction,
  newcomer: Direction,
): boolean {
  if (existing === newcomer) return false;
  const weInitiate = Buffer.compare(ourPeerId, theirPeerId) > 0;
  return newcomer === (weInitiate ? 'outgoing' : 'incoming');
}
