/**
 * A share another Swarmdrop on the LAN advertises (the LAN catalog, "Nearby";
 * docs/PROTOCOL.md). Every field came from the network: names are display-safe, and
 * nothing here is a path.
 */
export interface NearbyShare {
  infoHashHex: string;
  name: string;
  totalBytes: number;
  /** The advertising machine's name as it gave it (display-safe). */
  who: string;
  /** Where to dial it: the datagram's source address and its announced peer port. */
  host: string;
  peerPort: number;
}
