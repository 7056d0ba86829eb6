// The part of bittorrent-dht (npm, ESM, no types of its own) that engine/dht/mainline-dht.ts
// uses. Only that adapter imports the library; nothing here leaves engine/dht.
declare module 'bittorrent-dht' {
  import { EventEmitter } from 'node:events';

  interface DhtNodeAddress {
    host: string;
    port: number;
    id?: Buffer;
  }

  interface ClientOptions {
    nodeId?: Buffer;
    /** host:port strings or addresses; false for none. */
    bootstrap?: (string | DhtNodeAddress)[] | false;
    /** The socket k-rpc-socket reads and writes (a dgram look-alike). */
    socket?: EventEmitter;
    timeBucketOutdated?: number;
    maxAge?: number;
    maxPeers?: number;
  }

  export class Client extends EventEmitter {
    constructor(options?: ClientOptions);
    readonly nodeId: Buffer;
    readonly ready: boolean;
    readonly listening: boolean;
    readonly nodes: { count(): number; toArray(): DhtNodeAddress[] };
    listen(port?: number, callback?: () => void): void;
    addNode(node: DhtNodeAddress): void;
    lookup(infoHash: Buffer, callback?: (err: Error | null, nodesVisited?: number) => void): () => void;
    announce(infoHash: Buffer, port: number, callback?: (err: Error | null) => void): void;
    destroy(callback?: () => void): void;
  }
}
